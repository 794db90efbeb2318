"""Optimistic locks (SQLAlchemy version columns): a lost race becomes a clear French message."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from refurb.core.errors import ConcurrentChange
from refurb.extensions import db


def flush_or_conflict(message: str) -> None:
    """Flush; if another request changed the same row first, roll back and say `message`."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentChange(message) from None
