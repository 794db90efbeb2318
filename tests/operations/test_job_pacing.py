"""A job yields to requests on the database side too: when the processors are busy it pauses
between chunks in proportion to the server work its last chunk caused; idle, it never waits."""

from __future__ import annotations

import threading
import time

import pytest

from refurb.extensions import db as _db
from refurb.jobs.runner import Pacer, Reporter, thread_schedstat


class Scheduler:
    """What Linux would report for the job's thread, moved on by hand."""

    def __init__(self) -> None:
        self.now, self.ran, self.waited = 0.0, 0.0, 0.0
        self.sleeps: list[float] = []

    def chunk(self, *, ran: float, waited: float, database: float) -> None:
        self.ran += ran
        self.waited += waited
        self.now += ran + waited + database

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def pacer(self, factor: float = 3, longest: float = 2.0) -> Pacer:
        return Pacer(factor, longest, schedstat=lambda: (self.ran, self.waited),
                     clock=lambda: self.now, sleep=self.sleep)


def test_busy_processors_make_the_job_pause_for_its_server_work():
    machine = Scheduler()
    pacer = machine.pacer(factor=3)
    pacer()  # before the first chunk
    machine.chunk(ran=0.02, waited=0.08, database=0.05)  # reniced: it waited for a processor
    assert pacer() == pytest.approx(0.15)
    machine.chunk(ran=0.02, waited=0.10, database=0.04)  # the pause itself is not counted
    assert pacer() == pytest.approx(0.12)
    assert machine.sleeps == pytest.approx([0.15, 0.12]) and pacer.paused == pytest.approx(0.27)


def test_an_idle_machine_never_slows_the_job():
    machine = Scheduler()
    pacer = machine.pacer()
    pacer()
    for _ in range(5):
        machine.chunk(ran=0.02, waited=0.001, database=0.05)
        assert pacer() == 0
    assert machine.sleeps == []


def test_a_pause_is_capped_and_can_be_turned_off():
    machine = Scheduler()
    pacer = machine.pacer(factor=3, longest=0.5)
    pacer()
    machine.chunk(ran=0.1, waited=1.0, database=2.0)
    assert pacer() == 0.5
    off = machine.pacer(factor=0)
    off()
    machine.chunk(ran=0.1, waited=1.0, database=2.0)
    assert off() == 0 and machine.sleeps == [0.5]


def test_the_thread_schedule_is_read_for_the_calling_thread():
    if thread_schedstat() is None:
        pytest.skip("Linux scheduler statistics only")
    seen: dict[str, tuple[float, float]] = {}

    def spin():
        start = thread_schedstat()
        deadline = time.thread_time() + 0.05
        while time.thread_time() < deadline:
            pass
        seen["spin"] = tuple(b - a for a, b in zip(start, thread_schedstat(), strict=True))

    worker = threading.Thread(target=spin)
    before = thread_schedstat()
    worker.start()
    worker.join()
    main = tuple(b - a for a, b in zip(before, thread_schedstat(), strict=True))
    assert seen["spin"][0] >= 0.04 and main[0] < seen["spin"][0]


def test_the_progress_callback_paces_on_postgresql_only(app, db, engine_name):
    calls: list[int] = []

    class Counting(Pacer):
        def __call__(self) -> float:
            calls.append(1)
            return 0.0

    reporter = Reporter(_db.engine, 0, "claim", _db.session(), Counting(3))
    reporter(1, 10, "write")
    reporter(2, 10, "write")
    # SQLite: the job's transaction holds the write lock; a pause would keep writers waiting.
    assert len(calls) == (2 if engine_name == "postgresql" else 0)


def test_no_pause_once_the_jobs_transaction_has_written(app, db, engine_name):
    """Readers step over a running import's uncommitted rows until it commits: from its first
    write the job finishes as fast as it can."""
    if engine_name != "postgresql":
        pytest.skip("the pacer runs on PostgreSQL only")
    from sqlalchemy import text

    machine = Scheduler()
    pacer = machine.pacer(factor=3)
    session = _db.session()
    reporter = Reporter(_db.engine, 0, "claim", session, pacer)
    reporter(0, 10, "check")
    machine.chunk(ran=0.02, waited=0.08, database=0.05)  # busy: reading pauses
    session.execute(text("SELECT 1"))
    reporter(1, 10, "check")
    assert machine.sleeps == pytest.approx([0.15])
    session.execute(text("CREATE TEMPORARY TABLE chunk_written (n integer)"))
    session.execute(text("INSERT INTO chunk_written VALUES (1)"))
    for done in (2, 3):
        machine.chunk(ran=0.02, waited=0.08, database=0.05)  # as busy: no pause now
        reporter(done, 10, "write")
    assert machine.sleeps == pytest.approx([0.15])
    session.rollback()
    reporter(4, 10, "check")  # a new transaction that has not written: paced again
    machine.chunk(ran=0.02, waited=0.08, database=0.05)
    reporter(5, 10, "check")
    assert machine.sleeps == pytest.approx([0.15, 0.15])
