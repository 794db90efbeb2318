"""Factory functions: real rows through the real services, with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from refurb.accounts import services as accounts
from refurb.devices import services as devices
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.workshops.services import label_prefix

_seq = itertools.count(1)
NOW = datetime(2026, 3, 2, 9, 30)
PASSWORD = "correct-horse-battery"


def make_donor(name: str | None = None, siret: str | None = None) -> DonorOrganisation:
    n = next(_seq)
    org = DonorOrganisation(name=name or f"Donateur {n}", siret=siret, created_at=NOW)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role: str = "technician", email: str | None = None, **kwargs):
    n = next(_seq)
    if role == "donor" and "donor_organisation_id" not in kwargs:
        kwargs["donor_organisation_id"] = make_donor().id
    return accounts.create_user(
        email=email or f"{role}{n}@atelier.example",
        password=kwargs.pop("password", PASSWORD),
        role=role,
        display_name=kwargs.pop("display_name", f"{role.title()} {n}"),
        now=NOW,
        **kwargs,
    )


def make_collection(donor: DonorOrganisation | None = None, number: str | None = None):
    from refurb.core import collections as rules
    from refurb.counters import next_number

    donor = donor or make_donor()
    collection = Collection(
        # The real counter: factories and services never hand out the same number.
        number=number or rules.format_number(2026, next_number(rules.counter_name(2026))),
        donor_id=donor.id,
        state="received",
        planned_on=date(2026, 3, 1),
        created_at=NOW,
    )
    db.session.add(collection)
    db.session.flush()
    return collection


def make_device(device_type: str = "laptop", actor_id: int | None = None, **kwargs):
    collection = kwargs.pop("collection", None)
    now = kwargs.pop("now", NOW)
    values = devices.NewDevice(
        device_type=device_type,
        make=kwargs.pop("make", "Dell"),
        model=kwargs.pop("model", "Latitude E7450"),
        serial=kwargs.pop("serial", f"SN{next(_seq):06d}"),
        **kwargs,
    )
    return devices.create_device(
        values,
        actor_id=actor_id,
        now=now,
        prefix=label_prefix(),  # the current workshop's ("RF" for the first)
        collection_id=collection.id if collection else None,
        collection_number=collection.number if collection else None,
    )
