"""The allocations blueprint, the label tables its templates read, and what several of its
pages share: lazy expiry of stale reservations, the access log, the status of a refused form."""

from __future__ import annotations

from flask import Blueprint
from flask_wtf import FlaskForm

from refurb.allocations.models import Reservation
from refurb.allocations.reservations import expire_reservations
from refurb.beneficiaries import services as beneficiaries
from refurb.beneficiaries.models import AccessAction, Beneficiary
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.handover import FEE_STATUS_LABELS, MODE_LABELS, PAYMENT_LABELS
from refurb.extensions import db
from refurb.web import Outcome, actor_id, attempt, now

bp = Blueprint("allocations", __name__, url_prefix="/allocations")

# Template global `allocation_labels` (registered in refurb.wiring): French msgids, shown with _().
LABELS = {"mode": MODE_LABELS, "fee": FEE_STATUS_LABELS, "payment": PAYMENT_LABELS,
          "types": DEVICE_TYPE_LABELS}


def expire_lazily(reservations: list[Reservation] | None = None) -> None:
    """Pages listing reservations first free the stale ones, so a forgotten reservation never
    keeps a machine from someone else. Another request expiring them at the same moment wins."""
    with attempt(flash_error=False):
        expire_reservations(now=now(), actor_id=None, reservations=reservations)


def log_view(beneficiary_id: int, detail: str) -> None:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    beneficiaries.record_access(beneficiary, AccessAction.VIEW, actor_id=actor_id(), now=now(),
                                detail=detail)


def form_status(form: FlaskForm, outcome: Outcome | None = None) -> int:
    """200 on first display; a form sent back: 400 when its fields were refused, the error's
    own status when the service refused it."""
    if outcome is not None and outcome.error is not None:
        return outcome.error.http_status
    return 400 if form.is_submitted() else 200
