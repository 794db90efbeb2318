"""Batch scan sessions: the open ones of a technician, the results of one, their summary."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from refurb.extensions import db
from refurb.workshop.models import BatchScanItem, BatchScanSession


def batch_items(batch_id: int, limit: int = 500) -> list[BatchScanItem]:
    return list(db.session.scalars(
        select(BatchScanItem).where(BatchScanItem.session_id == batch_id)
        .order_by(BatchScanItem.id.desc()).limit(limit)))


def open_batches(actor_id: int | None) -> list[BatchScanSession]:
    return list(db.session.scalars(
        select(BatchScanSession)
        .where(BatchScanSession.actor_id == actor_id, BatchScanSession.closed_at.is_(None))
        .order_by(BatchScanSession.id.desc()).limit(10)))


def last_item(batch_id: int) -> BatchScanItem | None:
    return db.session.scalar(
        select(BatchScanItem).where(BatchScanItem.session_id == batch_id)
        .order_by(BatchScanItem.id.desc()).limit(1))


def last_undoable(batch_id: int) -> BatchScanItem | None:
    """The latest successful scan not undone yet."""
    return db.session.scalar(
        select(BatchScanItem)
        .where(BatchScanItem.session_id == batch_id, BatchScanItem.ok,
               BatchScanItem.undone_at.is_(None))
        .order_by(BatchScanItem.id.desc()).limit(1)
    )


@dataclass(frozen=True)
class BatchSummary:
    done: int
    refused: int
    undone: int

    @property
    def total(self) -> int:
        return self.done + self.refused + self.undone


def summary(batch_id: int) -> BatchSummary:
    rows = db.session.execute(
        select(BatchScanItem.ok, BatchScanItem.undone_at.is_not(None), func.count())
        .where(BatchScanItem.session_id == batch_id)
        .group_by(BatchScanItem.ok, BatchScanItem.undone_at.is_not(None))
    )
    counts = {(bool(ok), bool(undone)): n for ok, undone, n in rows}
    return BatchSummary(done=counts.get((True, False), 0), refused=counts.get((False, False), 0),
                        undone=counts.get((True, True), 0))
