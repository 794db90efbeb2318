"""A handover some days ago, through the real services."""

from __future__ import annotations

from datetime import timedelta

from refurb.allocations import handover, reservations
from refurb.clock import utcnow
from refurb.devices import services as devices
from refurb.extensions import db
from tests.allocations.helpers import WORKSHOP, approved_file, gift_values, ready_device
from tests.beneficiaries.helpers import set_policy


def handed_over(days_ago: int, *types: str, **file_changes):
    """(allocation, devices) of a gift handed over `days_ago` days ago."""
    when = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    set_policy(min_training_sessions=0, now=when - timedelta(days=3))
    family = approved_file(now=when - timedelta(days=2), **file_changes)
    pack = [ready_device(t, now=when - timedelta(days=2)) for t in (types or ("laptop",))]
    reservation = reservations.reserve(family, pack, actor_id=None, now=when - timedelta(days=1))
    allocation, _document = handover.hand_over(reservation, gift_values(), actor_id=None,
                                               now=when, workshop=WORKSHOP)
    db.session.commit()
    return allocation, pack


def make_ready_again(device) -> None:
    """The workshop's usual path for a returned machine: diagnosis, wiping, QA, ready."""
    from refurb.demo.workshop import demo_qa_hook

    now = utcnow()
    for target in ("diagnosis", "wiping"):
        devices.transition(device, target, actor_id=None, now=now)
    demo_qa_hook(device, "ready", None, now)
    devices.transition(device, "ready", actor_id=None, now=now)
