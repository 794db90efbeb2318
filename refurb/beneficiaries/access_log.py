"""Who opened which file, when, to do what: every page, edit form and export of a file writes
one append-only row in the same transaction."""

from __future__ import annotations

from datetime import datetime

from refurb.beneficiaries.models import AccessAction, AccessLogEntry, Beneficiary
from refurb.extensions import db


def record_access(
    beneficiary: Beneficiary, action: str, *, actor_id: int | None, now: datetime, detail: str = ""
) -> AccessLogEntry:
    entry = AccessLogEntry(
        beneficiary_id=beneficiary.id,
        user_id=actor_id,
        occurred_at=now,
        action=AccessAction(action).value,
        detail=detail[:40],
    )
    db.session.add(entry)
    db.session.flush()
    return entry
