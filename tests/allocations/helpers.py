"""Allocation test helpers: approved files and ready devices, through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from refurb.allocations import handover
from refurb.beneficiaries import services as beneficiaries
from refurb.devices import services as devices
from refurb.documents.pdf import Letterhead
from tests.beneficiaries.helpers import NOW, make_file, submit
from tests.factories import make_device

WORKSHOP = Letterhead(name="Atelier FERIS", address="2 rue de la Mairie, 59970 Fresnes",
                      siret="21590001500011", contact="04 00 00 00 00 — atelier@feris.example")


def approved_file(kind: str = "household", *, actor_id=None, now: datetime = NOW, **changes):
    """A file approved on ``now``; DEFAULT_POLICY keeps the approval 6 months."""
    beneficiary = make_file(kind, actor_id=actor_id, now=now, **changes)
    submit(beneficiary, actor_id=actor_id, now=now)
    beneficiaries.decide(beneficiary, "approved", actor_id=actor_id, now=now,
                         reason="" if beneficiary.is_household else "Association partenaire")
    return beneficiary


def ready_device(device_type: str = "laptop", *, now: datetime = NOW - timedelta(days=5),
                 **kwargs):
    """A device walked to `ready` as the workshop does (software and a passing QA first)."""
    from refurb.demo.workshop import demo_qa_hook

    device = make_device(device_type, cpu=kwargs.pop("cpu", "Intel Core i5-5300U"),
                         ram_mib=kwargs.pop("ram_mib", 8192), **kwargs)
    for target in ("diagnosis", "wiping"):
        devices.transition(device, target, actor_id=None, now=now)
    demo_qa_hook(device, "ready", None, now)
    devices.transition(device, "ready", actor_id=None, now=now)
    return device


def gift_values(**changes) -> handover.HandoverValues:
    values = {"mode": "gift", "fee_status": "paid", "fee_amount": Decimal("10"),
              "fee_method": "cash", "receipt_number": "R-2026-001"}
    values.update(changes)
    return handover.HandoverValues(**values)


def loan_values(due_on, **changes) -> handover.HandoverValues:
    return gift_values(mode="loan", due_on=due_on, **changes)
