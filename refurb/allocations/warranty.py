"""The workshop's warranty on what it hands over: a setting per scheme (school programme or
not), counted from the handover day. Printed on the agreement, enforced by support requests
(refurb.aftercare)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from refurb.clock import local_date
from refurb.core.aftercare import in_warranty, warranty_end
from refurb.core.i18n import N_
from refurb.extension_points import Definition
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


def warranty_of(allocation) -> Warranty:
    key = SCHOOL_WARRANTY_MONTHS if allocation.programme_id else WARRANTY_MONTHS
    months = int(get_setting(key))
    start = local_date(allocation.handed_over_at)
    return Warranty(months, start, warranty_end(start, months) if months > 0 else None)
