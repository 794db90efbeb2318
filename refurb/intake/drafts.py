"""Unconfirmed CSV imports: an upload waits for its mapping and confirmation for a day, then
goes. A plain function, for `flask intake purge-drafts` now and the job scheduler later."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from refurb.extensions import db
from refurb.intake.models import IntakeImport

DRAFT_LIFETIME = timedelta(days=1)


def purge_drafts(now: datetime, lifetime: timedelta = DRAFT_LIFETIME) -> int:
    """Delete uploads never confirmed and older than `lifetime`; return how many. Flushes."""
    result = db.session.execute(
        delete(IntakeImport)
        .where(IntakeImport.imported_at.is_(None), IntakeImport.created_at < now - lifetime)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount or 0
