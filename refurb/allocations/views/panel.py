"""The allocations panel of the beneficiary page (a named slot, registered in refurb.wiring):
reservations running, handovers and loans due, and whether to offer "reserve"."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_login import current_user

from refurb.allocations import queries
from refurb.allocations.models import Allocation, Cohort
from refurb.allocations.permissions import can_handle_allocations, can_reserve_for
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import is_approved_and_valid
from refurb.clock import local_date
from refurb.core.training import Progress
from refurb.training import queries as training_queries
from refurb.training.models import Enrolment, Programme
from refurb.training.progress import programme_progress
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


@dataclass(frozen=True)
class CohortLine:
    cohort: Cohort
    allocation: Allocation | None
    workshop: Programme | None
    enrolment: Enrolment | None
    progress: Progress | None


def cohort_panel(beneficiary: Beneficiary) -> list[CohortLine] | None:
    """The cohorts of the file, with the pack handed over and the parents' workshop (the
    family's enrolment and attendance next to the pupil's loan)."""
    if not can_handle_allocations(current_user):
        return None
    lines = []
    for member in queries.cohorts_of_beneficiary(beneficiary.id):
        cohort = member.cohort
        workshop = cohort.training_programme
        enrolment = training_queries.enrolment_of(workshop.id, beneficiary.id) \
            if workshop else None
        done = programme_progress(workshop, [beneficiary.id])[beneficiary.id] \
            if enrolment else None
        lines.append(CohortLine(cohort, member.allocation, workshop, enrolment, done))
    return lines or None
