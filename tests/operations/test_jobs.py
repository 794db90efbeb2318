"""Background jobs: one job per request key, run once even when delivered twice, progress that
only goes up to 100 %, and jobs that survive a consumer killed in the middle of its work."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refurb.clock import utcnow
from refurb.extensions import db as _db
from refurb.jobs import enqueue
from refurb.jobs.models import Job
from refurb.jobs.queue import queue_of
from refurb.jobs.runner import execute
from tests.conftest import make_app
from tests.factories import make_user
from tests.operations.job_kinds import GATES, StepGate, committed_runs, register_test_kinds

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _kinds():
    register_test_kinds()


def _job(job_id: int) -> Job:
    """The job as committed now, read in a transaction of its own (no lock kept)."""
    _db.session.remove()
    job = _db.session.get(Job, job_id)
    _db.session.expunge(job)
    _db.session.remove()
    return job


def test_the_same_request_key_gives_one_job(app, db):
    first = enqueue("test.steps", {"name": "a"}, idempotency_key="import:42", actor_id=None,
                    now=utcnow())
    db.session.commit()
    again = enqueue("test.steps", {"name": "a"}, idempotency_key="import:42", actor_id=None,
                    now=utcnow())
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert committed_runs("a") == 1  # immediate mode: run once, at the first commit


def test_a_backup_form_sent_twice_starts_one_backup(app, db, client, login_as):
    login_as("admin")
    form = {"request_key": "page-7f3a"}
    first = client.post("/admin/backups/", data=form)
    second = client.post("/admin/backups/", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    jobs = db.session.scalars(select(Job)).all()
    assert [(j.kind, j.state) for j in jobs] == [("backup", "succeeded")]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Sauvegarde refurb-" in page and "100 %" in page


def test_a_job_delivered_twice_runs_once(app, db):
    job = enqueue("test.steps", {"name": "twice"}, actor_id=None, now=utcnow())
    db.session.commit()
    assert _job(job.id).state == "succeeded"
    assert execute(app, job.id) == "skipped"
    queue_of(app).dispatch(job.id)
    assert committed_runs("twice") == 1


def test_a_failed_job_shows_its_reason_and_commits_nothing(app, db):
    from refurb.core.errors import InvalidInput
    from refurb.jobs import register_kind

    def refuse(params, progress, **_):
        from refurb import database
        from refurb.counters import next_number

        database.will_write()
        next_number("test-job-runs:refused")
        raise InvalidInput("Fichier refusé : rien n’a été importé.",
                           reasons=["ligne 3 : n° de série manquant"])

    register_kind("test.refuse", "Refus", refuse)
    job = enqueue("test.refuse", {}, actor_id=None, now=utcnow())
    db.session.commit()
    job = _job(job.id)
    assert (job.state, job.error) == ("failed", "Fichier refusé : rien n’a été importé.")
    assert job.result == {"refused": ["ligne 3 : n° de série manquant"]}
    assert committed_runs("refused") == 0


def _worker_app(location, tmp_path, **overrides):
    return make_app(location, JOBS_IMMEDIATE=False, JOBS_PERIODIC=False,
                    JOBS_QUEUE_FILE=str(tmp_path / "queue.db"), **overrides)


@contextlib.contextmanager
def _consumer_thread(app):
    """A real Huey consumer in this process (signal handlers put back afterwards)."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = queue_of(app).huey.create_consumer(workers=1, periodic=False, initial_delay=0.05,
                                                  max_delay=0.2, check_worker_health=False)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for number, handler in saved.items():
            signal.signal(number, handler)


def test_progress_reported_to_the_page_only_goes_up_to_100(app, db, _db_location, tmp_path):
    owner_id = make_user("technician").id
    db.session.commit()
    worker = _worker_app(_db_location, tmp_path)
    gate = StepGate()
    GATES["progress"] = gate
    client = worker.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(owner_id)
    steps = 8
    with _consumer_thread(worker):
        with worker.app_context():
            job = enqueue("test.steps", {"name": "progress", "steps": steps, "gate": "progress"},
                          actor_id=owner_id, now=utcnow())
            job_id = job.id
            _db.session.commit()
        seen, deadline = [], time.monotonic() + 120
        while time.monotonic() < deadline:
            body = client.get(f"/jobs/{job_id}.json").get_json()
            seen.append((body["percent"], body["done"], body["state"]))
            if body["finished"]:
                break
            if body["state"] == "running":
                gate.acknowledge(body["done"])  # the job may take its next step
            time.sleep(0.02)
    GATES.pop("progress")
    percents = [p for p, *_ in seen]
    assert percents == sorted(percents), seen
    assert seen[-1] == (100, steps, "succeeded")
    # Every step was shown before the next one began.
    assert {done for _, done, state in seen if state == "running"} >= set(range(steps)), seen
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "exécution n° 1" in page and 'src="/static/js/jobs.js"' in page
    assert "<script>" not in page


def _start_consumer(uri, queue_file, instance, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - closed by the caller with the process
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/operations/consumer_main.py"), uri, queue_file,
         instance], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    return process, log


def _thread_niceness(pid: int) -> list[int]:
    values = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        values.append(int(fields[16]))  # field 19 of proc(5), counted after the name
    return values


def _wait_for(condition, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"still waiting for: {what}")


def test_jobs_survive_a_killed_consumer_and_run_once(app, db, _db_location, tmp_path):
    queue_file = str(tmp_path / "queue.db")
    worker = _worker_app(_db_location, tmp_path)
    uri, instance = worker.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "instance")
    log_path = tmp_path / "consumer.log"
    with worker.app_context():
        # Asked for while no consumer runs: kept in the queue's storage.
        slow = enqueue("test.steps", {"name": "slow", "steps": 40, "delay": 0.1},
                       actor_id=None, now=utcnow()).id
        quick = enqueue("test.steps", {"name": "quick", "steps": 2}, actor_id=None,
                        now=utcnow()).id
        _db.session.commit()
        first, log = _start_consumer(uri, queue_file, instance, log_path)
        try:
            _wait_for(lambda: _job(slow).done >= 3, "the slow job under way")
            # The work yields the processors to people's requests: every thread of the
            # consumer, the one running the job included, has the configured niceness.
            wanted = max(worker.config["JOBS_NICENESS"], os.nice(0))  # never raised back
            assert set(_thread_niceness(first.pid)) == {wanted}
        finally:
            first.send_signal(signal.SIGKILL)  # a crash: no clean-up of any kind
            first.wait(timeout=30)
            log.close()
        assert _job(slow).state == "running" and committed_runs("slow") == 0
        assert _job(quick).state == "queued"
        # Older than JOBS_STALE_SECONDS, the dead run's heartbeat tells the next consumer.
        time.sleep(1.5)
        second, log = _start_consumer(uri, queue_file, instance, log_path)
        try:
            _wait_for(lambda: _job(slow).finished and _job(quick).finished, "both jobs done")
            assert (_job(slow).state, _job(quick).state) == ("succeeded", "succeeded")
            assert (_job(slow).done, _job(slow).total) == (40, 40)
            assert _job(slow).attempts == 2
            # The same job delivered again is not run again; a later job shows it was read.
            queue_of(worker).dispatch(slow)
            marker = enqueue("test.steps", {"name": "marker"}, actor_id=None, now=utcnow()).id
            _db.session.commit()
            _wait_for(lambda: _job(marker).finished, "the marker job")
        finally:
            second.send_signal(signal.SIGTERM)  # graceful: waits for running jobs
            assert second.wait(timeout=60) == 0, log_path.read_text()
            log.close()
        assert (committed_runs("slow"), committed_runs("quick"), committed_runs("marker")) \
            == (1, 1, 1)
        _db.session.remove()


def test_scheduled_runs_make_one_job_per_period(app, db):
    from refurb.jobs.builtin import SCHEDULE, enqueue_scheduled

    db.session.commit()
    for _name, _when, kind, key_format in SCHEDULE:
        if kind.startswith("backup"):
            continue  # covered by the backup tests
        enqueue_scheduled(app, kind, key_format)
        enqueue_scheduled(app, kind, key_format)  # a second scheduler, the same period
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [(j.kind, j.state, j.requested_by_id) for j in jobs] == [
        ("reservations.expire", "succeeded", None), ("gdpr.purge", "succeeded", None),
        ("intake.purge_drafts", "succeeded", None),
        ("notifications.reminders", "succeeded", None),
        ("notifications.deliver", "succeeded", None)]
    assert jobs[0].result["summary"] == ["0 réservation(s) expirée(s)."]
    assert jobs[1].result["summary"] == ["0 dossier(s) anonymisé(s)."]
    assert jobs[3].result["summary"] == ["0 message(s) préparé(s).", "0 message(s) envoyé(s)."]

