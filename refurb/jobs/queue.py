"""The task queue (Huey): one instance per app, its storage chosen by the configuration.

- embedded default: a SQLite file in instance/ (JOBS_QUEUE_FILE): nothing else to run;
- REFURB_REDIS_URL set: Redis (pip install 'refurb[redis]'), for several app servers;
- testing: immediate mode, a job runs in the caller's thread right after the commit.

The queue carries only job ids; the `jobs` table is the truth (state, claim, progress), so a
message delivered twice, or a job re-sent by the recovery, runs the work once. Queued messages
survive a consumer restart in the queue's storage; a job whose consumer died mid-run is found
by its stale heartbeat and run again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import event
from sqlalchemy.orm import Session

from refurb.clock import utcnow
from refurb.config import ConfigurationError
from refurb.extensions import db
from refurb.jobs import runner, to_dispatch
from refurb.security import instance_files

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "refurb:consumer-heartbeat"
RUN_TASK = "refurb.jobs.run"


@dataclass
class JobQueue:
    huey: Huey
    run: object  # the Huey task: run(job_id)

    def dispatch(self, job_id: int) -> None:
        self.run(job_id)

    def heartbeat(self) -> str | None:
        """ISO time of the consumer's last sign of life, None if never seen."""
        from huey.constants import EmptyData

        value = self.huey.storage.peek_data(HEARTBEAT_KEY)
        if value is EmptyData or value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)


def _make_huey(app: Flask) -> Huey:
    # utc=False: the periodic crontabs below read in the server's local time.
    common = {"name": "refurb", "results": False, "utc": False}
    if app.config["JOBS_IMMEDIATE"]:
        return MemoryHuey(immediate=True, **common)
    url = app.config.get("REDIS_URL")
    if url:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ConfigurationError(
                "REFURB_REDIS_URL est défini mais le paquet redis manque : "
                "pip install 'refurb[redis]'."
            ) from None
        return RedisHuey(url=url, **common)
    # Created owner-only first: SQLite keeps the mode (and gives it to its -wal/-shm files).
    queue_file = instance_files.private_file(Path(app.config["JOBS_QUEUE_FILE"]))
    return SqliteHuey(filename=str(queue_file), **common)


def init_queue(app: Flask) -> JobQueue:
    huey = _make_huey(app)

    @huey.task(name=RUN_TASK, retries=int(app.config["JOBS_MAX_ATTEMPTS"]), retry_delay=10)
    def run(job_id: int) -> None:
        if runner.execute(app, job_id) == "retry":
            raise RetryTask(delay=10)

    @huey.signal(SIGNAL_INTERRUPTED)
    def _interrupted(_signal, task) -> None:  # noqa: ANN001
        # The consumer stopped mid-job: give the job back; the next consumer runs it again.
        if task.name == RUN_TASK:
            with app.app_context():
                _requeue_running(app, task.args[0])
            huey.enqueue(task)

    @huey.on_startup()
    def _recover() -> None:
        recover(app)

    if app.config["JOBS_PERIODIC"]:
        _periodic(app, huey)
    queue = JobQueue(huey, run)
    app.extensions["refurb.jobs"] = queue
    return queue


def _requeue_running(app: Flask, job_id: int) -> None:
    from sqlalchemy import update

    from refurb import database
    from refurb.jobs.models import Job

    with database.writing_connection(db.engine) as conn:
        conn.execute(update(Job).where(Job.id == job_id, Job.state == "running")
                     .values(state="queued", claim=None))
        conn.commit()


def recover(app: Flask) -> list[int]:
    """Send again the jobs that look lost: run by a dead consumer, or never handed over."""
    from refurb import database
    from refurb.workshops.context import network_wide

    with app.app_context(), network_wide():
        database.reading()
        now, stale = utcnow(), timedelta(seconds=int(app.config["JOBS_STALE_SECONDS"]))
        ids = runner.stalled_jobs(now, stale)
        db.session.remove()
        if ids:
            runner.requeue_stalled(db.engine, ids, now, stale)
            for job_id in ids:
                log.warning("job %s looked lost: sent to the queue again", job_id)
                queue_of(app).dispatch(job_id)
        return ids


def queue_of(app: Flask | None = None) -> JobQueue:
    return (app or current_app).extensions["refurb.jobs"]


def _periodic(app: Flask, huey: Huey) -> None:
    from refurb.jobs import builtin

    @huey.periodic_task(crontab(minute="*"), name="refurb.jobs.heartbeat")
    def heartbeat() -> None:
        huey.storage.put_data(HEARTBEAT_KEY, utcnow().isoformat().encode())

    @huey.periodic_task(crontab(minute="*/5"), name="refurb.jobs.recover")
    def recover_lost() -> None:
        recover(app)

    for name, schedule, kind, key_format in builtin.SCHEDULE:
        def scheduled(kind=kind, key_format=key_format) -> None:
            builtin.enqueue_scheduled(app, kind, key_format)

        huey.periodic_task(crontab(**schedule), name=f"refurb.jobs.{name}")(scheduled)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session) -> None:  # noqa: ANN001
    ids = session.info.pop("refurb_jobs_to_dispatch", None)
    if not ids or not has_app_context():
        return
    queue = current_app.extensions.get("refurb.jobs")
    for job_id in ids:
        queue.dispatch(job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:  # noqa: ANN001
    if previous_transaction.parent is None:
        session.info.pop("refurb_jobs_to_dispatch", None)


__all__ = ["JobQueue", "init_queue", "queue_of", "recover", "to_dispatch"]
