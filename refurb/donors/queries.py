from __future__ import annotations

from sqlalchemy import select

from refurb.donors.models import Collection, DonorOrganisation
from refurb.extensions import db


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(DonorOrganisation.id, DonorOrganisation.name).order_by(DonorOrganisation.name)
    )
    return [(org_id, name) for org_id, name in rows]


def get_collection_by_number(number: str) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.number == number.strip().upper()))
