"""The workshop's warranty on what it hands over, counted from the handover day: the school
programme's own length when it sets one, else a setting (school programme or not). Kept on the
allocation at the handover: a rule shortened later does not take back what was promised, a
longer one benefits past handovers too. Printed on the agreement, enforced by support requests
(refurb.aftercare)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refurb.allocations.models import SchoolProgramme
from refurb.clock import local_date
from refurb.core import aftercare as rules
from refurb.core.aftercare import in_warranty, warranty_end
from refurb.core.i18n import N_
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings.services import get as get_setting

WARRANTY_MONTHS = "aftercare.warranty_months"
SCHOOL_WARRANTY_MONTHS = "aftercare.warranty_months_school"
SETTINGS = (
    Definition(WARRANTY_MONTHS, N_("Garantie sur le matériel remis (mois)"), "int", 6,
               help=N_("Dons et prêts hors dispositif scolaire ; 0 : pas de garantie."),
               minimum=0),
    Definition(SCHOOL_WARRANTY_MONTHS, N_("Garantie dans un dispositif scolaire (mois)"), "int",
               12, help=N_("Matériel remis dans un dispositif scolaire ; 0 : pas de garantie."),
               minimum=0),
)


@dataclass(frozen=True)
class Warranty:
    months: int
    handed_over_on: date
    until: date | None  # None: no warranty

    def covers(self, today: date) -> bool:
        return in_warranty(self.handed_over_on, self.months, today)


def months_for(programme) -> int:
    """The warranty a handover under `programme` (a SchoolProgramme or None) gets today."""
    return rules.warranty_months(
        programme.warranty_months if programme is not None else None,
        in_programme=programme is not None, default_months=int(get_setting(WARRANTY_MONTHS)),
        school_default_months=int(get_setting(SCHOOL_WARRANTY_MONTHS)))


def warranty_of(allocation) -> Warranty:
    """The promise kept on the allocation (None before it was kept there), raised to today's
    rule for its programme when that is longer."""
    programme = (db.session.get(SchoolProgramme, allocation.programme_id)
                 if allocation.programme_id else None)
    months = rules.effective_months(allocation.warranty_months, months_for(programme))
    start = local_date(allocation.handed_over_at)
    return Warranty(months, start, warranty_end(start, months) if months > 0 else None)
