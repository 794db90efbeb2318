"""Collections (pickups of donated equipment): planning, details, the state steps, and whether
one takes devices now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from refurb.clock import local_date
from refurb.core import collections as rules
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.i18n import N_
from refurb.counters import next_number
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.intake import queries
from refurb.intake.models import Collection

MAX_MEASURED_WEIGHT_KG = Decimal("100000")


class IntakeClosed(IllegalTransition):
    """The collection takes no devices now (not picked up yet, or closed)."""


def ensure_intake_open(collection: Collection) -> None:
    verdict = rules.check_intake(collection.state)
    if not verdict.allowed:
        raise IntakeClosed(N_("%(number)s : réception impossible."),
                           reasons=list(verdict.reasons), number=collection.number)


@dataclass(frozen=True)
class CollectionValues:
    pickup_site: str = ""
    pickup_contact: str = ""
    planned_on: date | None = None
    transport_notes: str = ""
    measured_weight_kg: Decimal | None = None


def _check(values: CollectionValues) -> None:
    weight = values.measured_weight_kg
    if weight is not None and not (0 <= weight <= MAX_MEASURED_WEIGHT_KG):
        raise InvalidInput(N_("Poids mesuré hors limites : entre 0 et %(maximum)s kg."),
                           maximum=MAX_MEASURED_WEIGHT_KG)


def _fields(values: CollectionValues) -> dict:
    return {
        "pickup_site": values.pickup_site.strip(),
        "pickup_contact": values.pickup_contact.strip(),
        "planned_on": values.planned_on,
        "transport_notes": values.transport_notes.strip(),
        "measured_weight_kg": values.measured_weight_kg,
    }


def plan_collection(donor_id: int, values: CollectionValues, *, now: datetime) -> Collection:
    if db.session.get(DonorOrganisation, donor_id) is None:
        raise InvalidInput(N_("Organisation donatrice inconnue."))
    _check(values)
    number = rules.format_number(now.year, next_number(rules.counter_name(now.year)))
    collection = Collection(number=number, donor_id=donor_id,
                            state=rules.CollectionState.PLANNED.value, created_at=now,
                            **_fields(values))
    db.session.add(collection)
    db.session.flush()
    return collection


def update_collection(collection: Collection, values: CollectionValues) -> None:
    _check(values)
    for key, value in _fields(values).items():
        setattr(collection, key, value)
    db.session.flush()


def advance_collection(collection: Collection, target: str, *, now: datetime) -> None:
    """One step forward; the step's date is stamped. Closing needs at least one device."""
    device_count = queries.device_count(collection.id)
    verdict = rules.check_transition(collection.state, target, device_count=device_count)
    if not verdict.allowed:
        raise IllegalTransition(N_("%(number)s : changement d'état refusé."),
                                reasons=list(verdict.reasons), number=collection.number)
    state = rules.CollectionState(target)
    collection.state = state.value
    setattr(collection, rules.DATE_FIELDS[state], local_date(now))
    db.session.flush()
