"""Factories for the wiping tests (kept here: tests/factories.py belongs to everyone)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

from refurb.core.workshop_identity import KEYS, WorkshopIdentity
from refurb.devices import services as devices
from refurb.settings import workshop
from refurb.wiping import claims, drives, records
from tests.factories import NOW, make_device

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nwipe"
_seq = itertools.count(1)


def make_drive(device, kind: str = "hdd", serial: str | None = None, model: str | None = None,
               capacity: int | None = 500 * 10**9, actor_id: int | None = None):
    n = next(_seq)
    return drives.add_drive(
        device,
        drives.NewDrive(model=model or f"WDC WD5000AAKX-{n:03d}",
                        serial=serial if serial is not None else f"WD-WCC{n:08d}",
                        capacity_bytes=capacity, kind=kind),
        actor_id=actor_id,
        now=NOW,
    )


def wipe(drive, *, result: str = "passed", technique: str = "overwrite", outcome: str | None = "clear",
         errors: int = 0, operator_id: int | None = None, when: datetime | None = None,
         source: str = "manual", **extra):
    when = when or NOW + timedelta(minutes=next(_seq))
    values = claims.WipeInput(
        technique=technique,
        outcome=outcome,
        verification=extra.pop("verification", "last_pass"),
        verification_passed=extra.pop("verification_passed", not errors),
        result=result,
        pattern=extra.pop("pattern", "0x00"),
        passes=extra.pop("passes", 1),
        tool=extra.pop("tool", "nwipe"),
        tool_version=extra.pop("tool_version", "0.34"),
        started_at=when - timedelta(hours=1),
        finished_at=when,
        pass_errors=errors,
        **extra,
    )
    return records.record_wipe(drive, values, actor_id=operator_id, now=when, source=source)


def device_in_wiping(actor_id: int | None = None, **kwargs):
    device = make_device(actor_id=actor_id, **kwargs)
    for target in ("diagnosis", "wiping"):
        devices.transition(device, target, actor_id=actor_id, now=NOW)
    return device


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


WORKSHOP = WorkshopIdentity(
    name="Atelier FERIS", legal_form="CCAS", address="1 place de la Mairie", postal_code="59970",
    city="Fresnes-sur-Escaut", siret="99912345800013", email="atelier@feris.example",
    signatory_name="Claude Signataire", signatory_title="Directeur")


def save_identity(identity: WorkshopIdentity = WORKSHOP) -> WorkshopIdentity:
    """The workshop's identity as an admin would save it (documents need it)."""
    return workshop.save({key: getattr(identity, key) for key in KEYS}, actor_id=None, now=NOW)
