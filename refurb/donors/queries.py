"""Read side of donors: organisations, their choices in forms, their portal accounts."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import undefer

from refurb.accounts.models import User
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db


def organisation_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(DonorOrganisation.id, DonorOrganisation.name).order_by(DonorOrganisation.name)
    )
    return [(org_id, name) for org_id, name in rows]


def list_organisations_query(text: str = "") -> Select:
    """Name, SIRET or city; the collection count comes in the same query."""
    query = select(DonorOrganisation).options(undefer(DonorOrganisation.collection_count))
    needle = text.strip().lower()
    if needle:
        like = f"%{needle}%"
        query = query.where(
            or_(
                func.lower(DonorOrganisation.name).like(like),
                DonorOrganisation.siret.like(like.replace(" ", "")),
                func.lower(DonorOrganisation.city).like(like),
            )
        )
    return query.order_by(DonorOrganisation.name, DonorOrganisation.id)


def donor_users(donor_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.donor_organisation_id == donor_id).order_by(User.email)
        ).unique()
    )
