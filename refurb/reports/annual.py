"""The annual activity report: every figure of the year as plain data, issued as an immutable
document (number RAPPORT-YYYY, new version when the figures change)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from sqlalchemy import and_, case, select

from refurb import database
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.impact import CO2E_SOURCE, COMPUTER_TYPES
from refurb.devices.models import DeviceEvent
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead
from refurb.documents.preview import Fact, Preview
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.reports import funders, queries
from refurb.reports.activity import lead_time_table, throughput_tables
from refurb.reports.annual_pdf import render_annual_report
from refurb.reports.outcomes import (
    PROGRAMME_TEXT,
    key_figures,
    reuse_figures,
    served_tables,
    training_table,
)
from refurb.reports.queries import Period
from refurb.reports.tables import Table, type_label
from refurb.settings.services import get as get_setting

ANNUAL_KIND = "annual_report"



def _plain(value: Any) -> Any:
    """JSON-friendly and stable: Decimals and dates as text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _table_payload(table: Table) -> dict[str, Any]:
    return {"title": table.title, "header": list(table.header),
            "rows": [[_plain(v) for v in row] for row in table.rows]}


def annual_payload(year: int, *, workshop: Letterhead) -> dict[str, Any]:
    """Every figure of the year, as plain data: the PDF is drawn from this alone, and an
    unchanged year gives the same content hash, hence the same version."""
    with force_locale("fr"):  # a document is French, whoever issues it
        return _annual_payload(year, workshop)


def _annual_payload(year: int, workshop: Letterhead) -> dict[str, Any]:
    period = Period(date(year, 1, 1), date(year, 12, 31))
    totals = queries.transition_totals(period)
    reuse = reuse_figures(period)
    monthly, _weekly = throughput_tables(period)
    served = served_tables(period)
    figures = key_figures(period, reuse, with_people=True, totals=totals)
    return {
        "year": year,
        "workshop": {"name": workshop.name, "address": workshop.address,
                     "siret": workshop.siret, "contact": workshop.contact},
        "programme": str(get_setting(PROGRAMME_TEXT) or ""),
        "figures": [[f.label, _plain(f.value), f.unit, f.digits] for f in figures],
        "months": _table_payload(monthly),
        "reuse": _table_payload(reuse.by_type),
        "weee": _table_payload(reuse.weee),
        "lead_times": _table_payload(lead_time_table(period)),
        "served": [_table_payload(t) for t in served],
        "training": _table_payload(training_table(period)),
        "funders": _funders_payload(period),
        "co2": {"kg_per_year": str(reuse.assumptions.kg_per_year),
                "years": str(reuse.assumptions.years_of_use),
                "computers": reuse.reused_computers, "source": CO2E_SOURCE,
                "types": sorted(type_label(t) for t in COMPUTER_TYPES)},
    }


def _funders_payload(period: Period) -> dict[str, Any]:
    """Amounts already as French money text ("1 234,50 €"), as the funders read them."""
    figures = funders.funder_figures(period)
    return {name: _table_payload(replace(table, rows=funders.display_rows(table)))
            for name, table in (("key", figures.key), ("fees", figures.fees),
                                ("budget", figures.budget), ("cohorts", figures.cohorts))}


def annual_report_due(year: int) -> int:
    """1 when `year` saw activity (a device event) and its report was never issued, else 0:
    the admin's home lists it from 1 January. One query."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    active = select(DeviceEvent.id).where(DeviceEvent.occurred_at >= start,
                                          DeviceEvent.occurred_at < end)
    issued = select(IssuedDocument.id).where(IssuedDocument.kind == ANNUAL_KIND,
                                             IssuedDocument.number == f"RAPPORT-{year}")
    return int(db.session.scalar(select(case((and_(active.exists(), ~issued.exists()), 1),
                                             else_=0))) or 0)


def check_year(year: int, now: datetime) -> None:
    if year > now.year or year < 2000:
        raise InvalidInput(N_("Le rapport annuel ne peut porter que sur une année commencée."))


def preview(year: int, now: datetime) -> Preview:
    """The key figures the report will open with, for the page that asks for confirmation."""
    check_year(year, now)
    period = Period(date(year, 1, 1), date(year, 12, 31))
    figures = key_figures(period, reuse_figures(period), with_people=True)
    return Preview(f"RAPPORT-{year}",
                   [Fact(f.label, f.value, f.unit, f.digits) for f in figures])


def issue_annual_report(year: int, *, workshop: Letterhead, actor_id: int | None,
                        now: datetime, progress=None):
    """(document, created). Refused for a year that has not started."""
    check_year(year, now)
    if progress:
        progress(0, 2, N_("Calcul des chiffres de l’année"))
    payload = annual_payload(year, workshop=workshop)
    if progress:
        progress(1, 2, N_("Mise en page du rapport"))
    database.will_write()  # the write lock for the number and the document only
    return issue_document(
        kind=ANNUAL_KIND,
        number=f"RAPPORT-{year}",
        subject=f"annual_report:{year}",
        payload=payload,
        render=render_annual_report,
        filename_stem=f"rapport-activite-{year}",
        actor_id=actor_id,
        now=now,
        summary={"year": year},
    )


def annual_versions() -> list[IssuedDocument]:
    return list(db.session.scalars(
        select(IssuedDocument).where(IssuedDocument.kind == ANNUAL_KIND)
        .order_by(IssuedDocument.number.desc(), IssuedDocument.version.desc())))
