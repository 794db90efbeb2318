"""Background jobs: long work out of the request, with progress a page and the CLI can show.

A domain registers a kind once (from create_app), then asks for a job:

    register_kind("backup", N_("Sauvegarde"), work)
    job = enqueue("backup", {"out": "..."}, idempotency_key=form.key.data, actor_id=actor_id(),
                  now=now())
    db.session.commit()   # the job is handed to the queue only once its row is committed

`work(params, progress, *, actor_id, now)` runs in the job consumer (Huey) inside its own app
context. It reads freely (its transaction begins without the write lock), calls
`refurb.database.will_write()` before it changes anything, flushes like any service, and returns
a result: {"summary": [lines], "url": link to a document, "refused": [lines]}. The runner
commits the work together with the job's final state: one commit per job run, so a run that
crashed, or whose claim another run took over, leaves nothing behind and is simply run again.
`progress(done, total, step)` is saved on a connection of its own, so a page polling
/jobs/<id>.json sees it while the job runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from refurb import extension_points
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.jobs.models import Job


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None, step: str | None = None) -> None: ...


Work = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # French, marked with N_ and translated where shown
    work: Work
    # A network task (a backup of the whole database) runs across every workshop; any other
    # job runs under the workshop that asked for it.
    network: bool = False


KINDS = extension_points.job_kinds  # filled in refurb.wiring


def register_kind(name: str, label: str, work: Work, *, network: bool = False) -> None:
    KINDS[name] = JobKind(name, label, work, network)


def enqueue(
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    idempotency_key: str | None = None,
    actor_id: int | None,
    now: datetime,
) -> Job:
    """The job for this request: a new one, or the one already made with the same key.

    Flushes; the caller commits, and the job reaches the queue right after that commit."""
    if kind not in KINDS:
        raise InvalidInput(N_("Type de tâche inconnu : %(kind)s."), kind=kind)
    key = (idempotency_key or uuid.uuid4().hex)[:200]
    existing = _by_key(key)
    if existing is not None:
        return existing
    job = Job(kind=kind, params=dict(params or {}), idempotency_key=key,
              requested_by_id=actor_id, state="queued", done=0, total=0, step="", attempts=0,
              created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(job)
    except IntegrityError:
        # Another request with the same key won the race: that job is this request's job.
        existing = _by_key(key)
        if existing is None:
            raise
        return existing
    to_dispatch(db.session).append(job.id)
    return job


def _by_key(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.idempotency_key == key))


def to_dispatch(session: Any) -> list[int]:
    """Job ids created in the session's transaction, handed to the queue after its commit."""
    return session.info.setdefault("refurb_jobs_to_dispatch", [])


def get_job(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)
