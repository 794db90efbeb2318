"""Running one job: claim it, do the work with progress, commit the work and the final state
together. Safe to call twice for the same job (a duplicate delivery, a recovered job): a run
that cannot claim the job does nothing, and a run whose claim was taken over commits nothing."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from refurb import database
from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db
from refurb.jobs import KINDS
from refurb.jobs.models import Job
from refurb.logs import job_request_id
from refurb.workshops import context as workshop_context

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError,)  # "database is locked", a dropped connection


class ClaimLost(RuntimeError):
    """Another run owns the job now (it was recovered after this one looked dead)."""


def thread_schedstat() -> tuple[float, float] | None:
    """(seconds this thread ran, seconds it waited for a processor) so far, from Linux's
    scheduler statistics; None elsewhere."""
    try:
        with open("/proc/thread-self/schedstat") as stat:
            ran, waited = stat.read().split()[:2]
        return int(ran) / 1e9, int(waited) / 1e9
    except (OSError, ValueError):
        return None


class Pacer:
    """A job's yield to requests on the database side, called between two chunks of its work.

    The job's own process is reniced (`yield_to_requests`), but the PostgreSQL server process
    that executes its statements is not, and the application cannot renice it: its chunks
    competed with requests as an equal. So when the processors are busy, which the job sees as
    its reniced thread having waited for a processor longer than it ran, the job pauses after a
    chunk for `factor` times the time it waited for the database meanwhile: that server work is
    spread out, and requests get the processors between chunks. On an idle machine it never
    pauses. The pause is capped (`longest`), so a job always moves on."""

    def __init__(self, factor: float, longest: float = 2.0,
                 schedstat: Any = thread_schedstat, clock: Any = time.monotonic,
                 sleep: Any = time.sleep) -> None:
        self.factor, self.longest = float(factor), float(longest)
        self.schedstat, self.clock, self.sleep = schedstat, clock, sleep
        self.paused = 0.0  # seconds, for logs and benchmarks
        self._last: tuple[float, float, float] | None = None

    def _sample(self) -> tuple[float, float, float] | None:
        stat = self.schedstat()
        return None if stat is None else (self.clock(), *stat)

    def __call__(self) -> float:
        if self.factor <= 0:
            return 0.0
        last, self._last = self._last, self._sample()
        if last is None or self._last is None:
            return 0.0
        wall = self._last[0] - last[0]
        ran, waited = self._last[1] - last[1], self._last[2] - last[2]
        on_database = wall - ran - waited  # waiting for the server (or the disk)
        if waited <= ran or on_database <= 0:
            return 0.0
        pause = min(on_database * self.factor, self.longest)
        self.sleep(pause)
        self.paused += pause
        self._last = self._sample()  # the pause is nobody's work
        return pause

    def forget(self) -> None:
        """A chunk not paced: the next call starts a new measure."""
        self._last = None


class Reporter:
    """The `progress(done, total, step)` callback: saved on a connection of its own (throttled),
    never lower than before, and held back while the job's own transaction holds SQLite's
    write lock (it would wait for itself); the final state carries the last values.
    On PostgreSQL each call is also where the job yields to requests (`Pacer`): jobs report
    progress between chunks; not once its transaction has written, nor ever on SQLite, where a
    pause would hold the write lock longer."""

    MIN_INTERVAL = 0.2

    def __init__(self, engine: Engine, job_id: int, claim: str, session: Any,
                 pacer: Pacer | None = None) -> None:
        self.engine, self.job_id, self.claim, self.session = engine, job_id, claim, session
        self.done, self.total, self.step = 0, 0, ""
        self._saved_at = 0.0
        self._lock = threading.Lock()
        self.pacer = pacer if engine.dialect.name == "postgresql" else None

    def __call__(self, done: int, total: int | None = None, step: str | None = None) -> None:
        if self.pacer is not None:
            if self._has_written():
                self.pacer.forget()
            else:
                self.pacer()
        with self._lock:
            if total is not None:
                self.total = max(int(total), 0)
            self.done = max(self.done, int(done))
            new_step = step is not None and str(step)[:200] != self.step
            if new_step:
                self.step = str(step)[:200]
            # A new step is always shown; counts within a step at most every MIN_INTERVAL.
            due = new_step or time.monotonic() - self._saved_at >= self.MIN_INTERVAL or (
                self.total and self.done >= self.total)
        if due and not database.holds_write_lock(self.session):
            self.save()

    def _has_written(self) -> bool:
        """Whether the job's open transaction has written (PostgreSQL gives it an id then).
        From then on it does not pause: until it commits, every request reading the same
        tables steps over its uncommitted rows (the device list walks 40,000 of them for its
        25 newest), so a pause would cost the requests more than it gives them."""
        if not self.session.in_transaction():
            return False
        return self.session.connection().exec_driver_sql(
            "SELECT pg_current_xact_id_if_assigned() IS NOT NULL").scalar()

    def save(self, progress: bool = True) -> None:
        values: dict[str, Any] = {"heartbeat_at": utcnow()}
        if progress:
            values.update(done=self.done, total=self.total, step=self.step)
        try:
            with database.writing_connection(self.engine) as conn:
                conn.execute(update(Job).where(Job.id == self.job_id, Job.claim == self.claim,
                                               Job.done <= self.done).values(**values))
                conn.commit()
            self._saved_at = time.monotonic()
        except OperationalError as error:  # progress is best effort; the work goes on
            log.info("progress of job %s not saved: %s", self.job_id, error)


class Heartbeat(threading.Thread):
    """Tells the recovery that the run is alive even while the work reports no progress."""

    def __init__(self, reporter: Reporter, interval: float) -> None:
        super().__init__(name=f"job-{reporter.job_id}-heartbeat", daemon=True)
        self.reporter, self.interval = reporter, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            if not database.holds_write_lock(self.reporter.session):
                self.reporter.save(progress=False)


def yield_to_requests(app: Flask) -> int:
    """Lower this process's CPU priority by JOBS_NICENESS (threads started afterwards inherit
    it): on a small server an import shares the processors with the people using the pages,
    and they should not wait for it. Returns the niceness now in force."""
    wanted = int(app.config["JOBS_NICENESS"])
    current = os.nice(0)
    return os.nice(wanted - current) if wanted > current else current


def execute(app: Flask, job_id: int) -> str:
    """Run the job if it is still queued. Returns what happened (for logs and tests)."""
    with app.app_context(), job_request_id(job_id):
        database.reading()
        workshop_context.bind(workshop_context.NETWORK)  # found by id, whoever asked
        claim = _claim(job_id)
        if claim is None:
            log.info("job %s not run: already taken or finished", job_id)
            return "skipped"
        job = db.session.get(Job, job_id)
        kind = KINDS.get(job.kind)
        # The job runs under the workshop that asked for it (a network task across all).
        workshop_context.bind(workshop_context.NETWORK if kind is not None and kind.network
                              else job.workshop_id)
        reporter = Reporter(db.engine, job_id, claim, db.session(),
                            Pacer(float(app.config["JOBS_DATABASE_PAUSE"])))
        heartbeat = Heartbeat(reporter, float(app.config["JOBS_HEARTBEAT_SECONDS"]))
        heartbeat.start()
        params, actor_id, kind_name = dict(job.params), job.requested_by_id, job.kind
        locale = _locale_of(actor_id, app)
        try:
            if kind is None:
                raise DomainError(f"Type de tâche inconnu : {kind_name}.")
            with force_locale(locale):
                result = kind.work(params, reporter, actor_id=actor_id, now=utcnow()) or {}
            _finish(job_id, claim, reporter, "succeeded", result=result)
            log.info("job %s (%s) succeeded%s", job_id, kind_name,
                     f", paused {reporter.pacer.paused:.1f} s for requests"
                     if reporter.pacer is not None and reporter.pacer.paused else "")
            return "succeeded"
        except ClaimLost:
            db.session.rollback()
            log.warning("job %s: claim taken over, this run's work was dropped", job_id)
            return "dropped"
        except DomainError as error:
            db.session.rollback()
            with force_locale(locale):  # in the language of the person who asked
                message, reasons = error.translated(gettext)
            _finish(job_id, claim, reporter, "failed", error=message,
                    result={"refused": reasons} if reasons else None)
            return "failed"
        except TRANSIENT as error:
            db.session.rollback()
            if job.attempts < int(app.config["JOBS_MAX_ATTEMPTS"]):
                log.warning("job %s: transient error, run again later: %s", job_id, error)
                release(db.engine, job_id, claim)
                return "retry"
            log.exception("job %s failed", job_id)
            _finish(job_id, claim, reporter, "failed", error=_unexpected())
            return "failed"
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id)
            _finish(job_id, claim, reporter, "failed", error=_unexpected())
            return "failed"
        finally:
            heartbeat.stopped.set()
            db.session.remove()


def _claim(job_id: int) -> str | None:
    token = uuid.uuid4().hex
    now = utcnow()
    with database.writing_connection(db.engine) as conn:
        claimed = conn.execute(
            update(Job).where(Job.id == job_id, Job.state == "queued").values(
                state="running", claim=token, attempts=Job.attempts + 1, heartbeat_at=now,
                started_at=now, error=None)
        ).rowcount
        conn.commit()
    return token if claimed == 1 else None


def release(engine: Engine, job_id: int, claim: str) -> bool:
    """Give a claimed job back to the queue (interrupted or transient failure)."""
    with database.writing_connection(engine) as conn:
        released = conn.execute(update(Job).where(Job.id == job_id, Job.claim == claim).values(
            state="queued", claim=None)).rowcount
        conn.commit()
    return released == 1


def _finish(job_id: int, claim: str, reporter: Reporter, state: str, *,
            result: dict | None = None, error: str | None = None) -> None:
    """The final state, in the same transaction as the work (for a success)."""
    database.will_write()
    done = reporter.total if state == "succeeded" and reporter.total else reporter.done
    changed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.claim == claim).values(
            state=state, finished_at=utcnow(), heartbeat_at=utcnow(), result=result,
            error=error, done=done, total=max(reporter.total, done), step=reporter.step,
            claim=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ClaimLost(job_id)
    db.session.commit()


def _unexpected() -> str:
    return "Erreur inattendue : elle a été enregistrée dans le journal du serveur."


def _locale_of(actor_id: int | None, app: Flask) -> str:
    from refurb.accounts.models import User

    user = db.session.get(User, actor_id) if actor_id else None
    if user is not None and user.locale in app.config["LANGUAGES"]:
        return user.locale
    return app.config["BABEL_DEFAULT_LOCALE"]


def stalled_jobs(now, stale_after: timedelta) -> list[int]:
    """Jobs whose run looks dead (no heartbeat) or that may have missed the queue."""
    limit = now - stale_after
    return list(db.session.scalars(select(Job.id).where(or_(
        and_(Job.state == "running", Job.heartbeat_at < limit),
        and_(Job.state == "queued", Job.created_at < limit),
    )).order_by(Job.id)))


def requeue_stalled(engine: Engine, job_ids: list[int], now, stale_after: timedelta) -> list[int]:
    """Running jobs with a stale heartbeat go back to queued; returns the ids to hand over."""
    limit = now - stale_after
    with database.writing_connection(engine) as conn:
        conn.execute(update(Job).where(Job.id.in_(job_ids), Job.state == "running",
                                       Job.heartbeat_at < limit)
                     .values(state="queued", claim=None))
        conn.commit()
    return job_ids
