"""Donor organisations and their portal accounts. Collections are intake's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from refurb.accounts.models import Role, User
from refurb.accounts.services import create_user
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.siret import validate_siret
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db


@dataclass(frozen=True)
class OrganisationValues:
    name: str
    siret: str = ""
    legal_form: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    notes: str = ""


def _checked(values: OrganisationValues, organisation_id: int | None) -> dict[str, str | None]:
    name = values.name.strip()
    if not name:
        raise InvalidInput(N_("Le nom de l'organisation est obligatoire."))
    siret = validate_siret(values.siret) if values.siret.strip() else None
    if siret:
        other = db.session.scalar(
            select(DonorOrganisation).where(DonorOrganisation.siret == siret)
        )
        if other is not None and other.id != organisation_id:
            raise InvalidInput(N_("Le SIRET %(siret)s est déjà celui de « %(name)s »."),
                               siret=siret, name=other.name)
    fields = {k: getattr(values, k).strip() for k in OrganisationValues.__dataclass_fields__}
    fields.update(name=name, siret=siret, contact_email=fields["contact_email"].lower())
    return fields


def create_organisation(values: OrganisationValues, *, now: datetime) -> DonorOrganisation:
    organisation = DonorOrganisation(**_checked(values, None), created_at=now)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: DonorOrganisation, values: OrganisationValues) -> None:
    for key, value in _checked(values, organisation.id).items():
        setattr(organisation, key, value)
    db.session.flush()


def create_donor_user(
    organisation: DonorOrganisation, *, email: str, display_name: str, password: str, now: datetime
) -> User:
    """A portal account that sees this organisation's collections and documents only."""
    return create_user(
        email=email,
        password=password,
        role=Role.DONOR,
        display_name=display_name,
        donor_organisation_id=organisation.id,
        now=now,
    )
