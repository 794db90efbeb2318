"""Donor organisations, their portal accounts and the planning of their collections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from refurb.accounts.models import Role, User
from refurb.accounts.services import create_user
from refurb.core import collections as rules
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.siret import validate_siret
from refurb.counters import next_number
from refurb.donors.models import Collection, DonorOrganisation
from refurb.extensions import db

MAX_MEASURED_WEIGHT_KG = Decimal("100000")


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
        raise InvalidInput("Le nom de l'organisation est obligatoire.")
    siret = validate_siret(values.siret) if values.siret.strip() else None
    if siret:
        other = db.session.scalar(
            select(DonorOrganisation).where(DonorOrganisation.siret == siret)
        )
        if other is not None and other.id != organisation_id:
            raise InvalidInput(f"Le SIRET {siret} est déjà celui de « {other.name} ».")
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


@dataclass(frozen=True)
class CollectionValues:
    pickup_site: str = ""
    pickup_contact: str = ""
    planned_on: date | None = None
    transport_notes: str = ""
    measured_weight_kg: Decimal | None = None


def _check_collection(values: CollectionValues) -> None:
    weight = values.measured_weight_kg
    if weight is not None and not (0 <= weight <= MAX_MEASURED_WEIGHT_KG):
        raise InvalidInput(
            f"Poids mesuré hors limites : entre 0 et {MAX_MEASURED_WEIGHT_KG} kg."
        )


def plan_collection(donor_id: int, values: CollectionValues, *, now: datetime) -> Collection:
    if db.session.get(DonorOrganisation, donor_id) is None:
        raise InvalidInput("Organisation donatrice inconnue.")
    _check_collection(values)
    number = rules.format_number(now.year, next_number(rules.counter_name(now.year)))
    collection = Collection(
        number=number,
        donor_id=donor_id,
        state=rules.CollectionState.PLANNED.value,
        created_at=now,
        **_collection_fields(values),
    )
    db.session.add(collection)
    db.session.flush()
    return collection


def update_collection(collection: Collection, values: CollectionValues) -> None:
    _check_collection(values)
    for key, value in _collection_fields(values).items():
        setattr(collection, key, value)
    db.session.flush()


def _collection_fields(values: CollectionValues) -> dict:
    return {
        "pickup_site": values.pickup_site.strip(),
        "pickup_contact": values.pickup_contact.strip(),
        "planned_on": values.planned_on,
        "transport_notes": values.transport_notes.strip(),
        "measured_weight_kg": values.measured_weight_kg,
    }


def set_collection_state(
    collection: Collection, target: str, *, device_count: int, today: date
) -> None:
    """One step forward; the step's date is stamped. device_count comes from intake."""
    verdict = rules.check_transition(collection.state, target, device_count=device_count)
    if not verdict.allowed:
        raise IllegalTransition(
            f"{collection.number} : changement d'état refusé.", reasons=list(verdict.reasons)
        )
    state = rules.CollectionState(target)
    collection.state = state.value
    setattr(collection, rules.DATE_FIELDS[state], today)
    db.session.flush()
