"""One row per background job: who asked, how far it got, what came out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped

STATES = ("queued", "running", "succeeded", "failed")
FINISHED = ("succeeded", "failed")


class Job(TenantScoped, db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'succeeded', 'failed')", name="state_known"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_positive"),
        UniqueConstraint("workshop_id", "idempotency_key", name="uq_jobs_workshop_idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(db.JSON, default=dict)
    # The same request sent twice (double click, retried POST, two schedulers) gives one job.
    idempotency_key: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    step: Mapped[str] = mapped_column(String(200), default="")
    # The run that owns the job: a run whose claim was taken over cannot commit its work.
    claim: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # {"summary": [lines], "url": link to the document, "refused": [lines]}
    result: Mapped[dict[str, Any] | None] = mapped_column(db.JSON)
    error: Mapped[str | None] = mapped_column(Text)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == "succeeded":
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))
