"""The allocations panel of the beneficiary page (a named slot, registered in refurb.wiring):
reservations running, handovers and loans due, and whether to offer "reserve"."""

from __future__ import annotations

from dataclasses import replace

from flask_login import current_user

from refurb.allocations import queries
from refurb.allocations.permissions import can_handle_allocations, can_reserve_for
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import is_approved_and_valid
from refurb.clock import local_date
from refurb.web import now


def beneficiary_panel(beneficiary: Beneficiary) -> queries.BeneficiaryPanel | None:
    """The panel's data; None (nothing shown) for roles that may not see allocations."""
    if not can_handle_allocations(current_user):
        return None
    today = local_date(now())
    panel = queries.beneficiary_panel(beneficiary, today)
    approved = is_approved_and_valid(beneficiary, today)
    return replace(panel, can_reserve=can_reserve_for(current_user, approved,
                                                      bool(panel.reservations)))
