"""The training panel of the beneficiary page (a named slot, registered in refurb.wiring)."""

from __future__ import annotations

from flask_login import current_user

from refurb.beneficiaries.models import Beneficiary
from refurb.training.permissions import can_follow_training
from refurb.training.progress import TrainingSummary, training_summary


def beneficiary_panel(beneficiary: Beneficiary | None) -> TrainingSummary | None:
    """The panel's data; None (nothing shown) for roles that may not see a beneficiary's
    training."""
    if beneficiary is None or not can_follow_training(current_user):
        return None
    return training_summary(beneficiary.id)
