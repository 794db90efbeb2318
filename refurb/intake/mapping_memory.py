"""Column mappings remembered per donor: a donor's fleet tool exports the same header every
time, so the file after the first maps itself (the user may still change it)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from refurb.extensions import db
from refurb.intake.csv_columns import FIELDS, Mapping
from refurb.intake.models import DonorColumnMapping


def header_signature(header: Sequence[str]) -> str:
    """Names compared without case or surrounding spaces, in their order."""
    text = "\x1f".join(name.strip().casefold() for name in header)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remembered_mapping(donor_id: int, header: Sequence[str]) -> Mapping | None:
    stored = db.session.scalar(
        select(DonorColumnMapping.mapping).where(
            DonorColumnMapping.donor_id == donor_id,
            DonorColumnMapping.header_signature == header_signature(header)))
    if stored is None:
        return None
    width = len(header)
    return {name: index if isinstance(index, int) and 0 <= index < width else None
            for name, index in ((name, stored.get(name)) for name in FIELDS)}


def remember_mapping(donor_id: int, header: Sequence[str], mapping: Mapping, *,
                     actor_id: int | None, now: datetime) -> None:
    """Insert or replace in one statement: two imports of one donor may finish together."""
    values = {"donor_id": donor_id, "header_signature": header_signature(header),
              "header": list(header), "mapping": {k: mapping.get(k) for k in FIELDS},
              "used_at": now, "used_by_id": actor_id}
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DonorColumnMapping.__table__).values(**values)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["workshop_id", "donor_id", "header_signature"],
        set_={"header": statement.excluded.header, "mapping": statement.excluded.mapping,
              "used_at": statement.excluded.used_at,
              "used_by_id": statement.excluded.used_by_id}))
