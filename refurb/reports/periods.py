"""Report periods: a calendar year, or from/to dates of three years at most."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.reports.queries import Period

MAX_PERIOD_DAYS = 3 * 366
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")



def resolve_period(*, year: int | None, start: date | None, end: date | None,
                   today: date) -> Period:
    """From/to dates win over a year; nothing given: the current calendar year."""
    if start or end:
        start = start or date((end or today).year, 1, 1)
        end = end or today
        if start > end:
            raise InvalidInput(N_("La date de début doit précéder la date de fin."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise InvalidInput(N_("Choisissez une période de trois ans au plus."))
        return Period(start, end)
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise InvalidInput(N_("Année invalide."))
    return Period(date(year, 1, 1), date(year, 12, 31))


def period_label(period: Period) -> str:
    if period.start == date(period.start.year, 1, 1) and period.end == date(
            period.start.year, 12, 31):
        return _("Année %(year)s", year=period.start.year)
    return _("Du %(start)s au %(end)s", start=period.start.strftime("%d/%m/%Y"),
             end=period.end.strftime("%d/%m/%Y"))



def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"
