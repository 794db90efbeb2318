"""Reports: the staff dashboard's figures and charts, their CSV tables, and the annual activity
report issued as an immutable document.

For other domains (the donor portal): `co2_assumptions()` (impact settings) and
`training_hours(beneficiary_ids)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select

from refurb.beneficiaries.services import KIND_LABELS
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.eligibility import LABELS_FR as SITUATION_LABELS
from refurb.core.errors import InvalidInput
from refurb.core.impact import (
    CO2E_SOURCE,
    COMPUTER_TYPES,
    DEFAULT_CO2E_KG_PER_YEAR,
    DEFAULT_YEARS_OF_USE,
    Co2Assumptions,
    LeadTime,
    ReuseRate,
    co2e_avoided_kg,
    computers_among,
    hours_as_days,
    lead_times,
)
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.training import hours
from refurb.core.weee import CATEGORY_LABELS
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.reports import queries, svg
from refurb.reports.queries import Period
from refurb.settings.services import define
from refurb.settings.services import get as get_setting

CO2E_FACTOR = "impact.co2e_kg_per_year"
YEARS_OF_USE = "impact.years_of_use"
PROGRAMME_TEXT = "reports.programme_description"
define(CO2E_FACTOR, "Impact : kg CO2e évités par année d'usage d'un ordinateur réemployé",
       "decimal", DEFAULT_CO2E_KG_PER_YEAR, help=CO2E_SOURCE, minimum=Decimal("0"))
define(YEARS_OF_USE, "Impact : années d'usage supposées d'un ordinateur réemployé", "decimal",
       DEFAULT_YEARS_OF_USE,
       help="Hypothèse de durée d'usage après reconditionnement, affichée avec les chiffres.",
       minimum=Decimal("0"))
define(PROGRAMME_TEXT, "Rapport annuel : description du programme", "str",
       "Collecte, reconditionnement et redistribution d'ordinateurs à des foyers, élèves, écoles "
       "et associations, accompagnés d'ateliers de prise en main. Le matériel non réemployable "
       "est orienté vers la filière DEEE.",
       help="Texte d'introduction du rapport d'activité annuel remis aux financeurs.")

MAX_PERIOD_DAYS = 3 * 366
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")
ANNUAL_KIND = "annual_report"


def co2_assumptions() -> Co2Assumptions:
    return Co2Assumptions(Decimal(get_setting(CO2E_FACTOR)), Decimal(get_setting(YEARS_OF_USE)))


def training_hours(beneficiary_ids: Select) -> Decimal:
    """Hours of training attended by these beneficiaries (all sessions), summed in SQL by
    session and half-day; same figure as training.progress.hours_delivered_for_beneficiaries."""
    return hours(sum(queries.present_minutes(queries.present_marks_of(beneficiary_ids)).values()))


# --- period -------------------------------------------------------------------------------


def resolve_period(*, year: int | None, start: date | None, end: date | None,
                   today: date) -> Period:
    """From/to dates win over a year; nothing given: the current calendar year."""
    if start or end:
        start = start or date((end or today).year, 1, 1)
        end = end or today
        if start > end:
            raise InvalidInput("La date de début doit précéder la date de fin.")
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise InvalidInput("Choisissez une période de trois ans au plus.")
        return Period(start, end)
    year = year or today.year
    if not 2000 <= year <= 2100:
        raise InvalidInput("Année invalide.")
    return Period(date(year, 1, 1), date(year, 12, 31))


def period_label(period: Period) -> str:
    if period.start == date(period.start.year, 1, 1) and period.end == date(
            period.start.year, 12, 31):
        return _("Année %(year)s", year=period.start.year)
    return _("Du %(start)s au %(end)s", start=period.start.strftime("%d/%m/%Y"),
             end=period.end.strftime("%d/%m/%Y"))


# --- labels -------------------------------------------------------------------------------


def state_label(state: str) -> str:
    try:
        return _(STATE_LABELS[State(state)])
    except ValueError:
        return state


def type_label(kind: str) -> str:
    try:
        return _(DEVICE_TYPE_LABELS[DeviceType(kind)])
    except ValueError:
        return kind


def _type_order(kind: str) -> int:
    order = [t.value for t in DeviceType]
    return order.index(kind) if kind in order else len(order)


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def situation_label(situation: str) -> str:
    return _(SITUATION_LABELS.get(situation, situation))


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


# --- tables: one shape for the page, the CSV and the PDF ---------------------------------


@dataclass
class Table:
    """A titled grid: `rows` hold raw values (Decimal, int, date), formatted by whoever shows
    them; `numeric` marks right-aligned columns."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)
    chart: Any = None
    wide: bool = False  # a chart over time: full width above its table

    @property
    def csv_filename(self) -> str:
        return f"{self.name}.csv"


def _num_cols(header: Sequence[str], first_text: int = 1) -> set[int]:
    return set(range(first_text, len(header)))


# --- stock --------------------------------------------------------------------------------


def stock_table() -> Table:
    rows = queries.stock_by_state_and_type()
    types = sorted({kind for _s, kind, _n in rows}, key=_type_order)
    grid: dict[str, dict[str, int]] = defaultdict(dict)
    for state, kind, n in rows:
        grid[state][kind] = n
    header = [_("État"), *(type_label(k) for k in types), _("Total")]
    body = []
    for state in State:
        counts = grid.get(state.value, {})
        values = [counts.get(k, 0) for k in types]
        body.append([state_label(state.value), *values, sum(values)])
    body.append([_("Total"), *(sum(grid[s].get(k, 0) for s in grid) for k in types),
                 sum(n for *_x, n in rows)])
    table = Table("stock", _("Stock actuel par état et par type"), header, body,
                  _num_cols(header))
    table.chart = svg.bar_chart(
        chart_id="chart-stock", title=table.title,
        desc=_("Nombre d'appareils dans chaque état, tous types confondus."),
        labels=[r[0] for r in body[:-1]], values=[r[-1] for r in body[:-1]],
        unit=_("appareils"))
    return table


# --- throughput ---------------------------------------------------------------------------


def _months(period: Period) -> list[tuple[int, int]]:
    months, cursor = [], date(period.start.year, period.start.month, 1)
    while cursor <= period.end:
        months.append((cursor.year, cursor.month))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def _weeks(period: Period) -> list[date]:
    monday = period.start - timedelta(days=period.start.weekday())
    weeks = []
    while monday <= period.end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def throughput_tables(period: Period) -> tuple[Table, Table]:
    states = queries.THROUGHPUT_STATES
    by_month: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    by_week: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(states, 0))
    for state, day, n in queries.transitions_by_day(period):
        by_month[(day.year, day.month)][state] += n
        by_week[day - timedelta(days=day.weekday())][state] += n
    names = [state_label(s) for s in states]
    header = [_("Mois"), *names]
    months = _months(period)
    month_rows = [[month_label(y, m), *(by_month[(y, m)][s] for s in states)] for y, m in months]
    one_year = len({y for y, _m in months}) == 1
    month_axis = [MONTHS[m - 1] if one_year else f"{MONTHS[m - 1]} {y % 100:02d}"
                  for y, m in months]
    month_rows.append([_("Total"), *(sum(r[i + 1] for r in month_rows) for i in range(len(states)))])
    monthly = Table("flux_mensuels", _("Flux par mois"), header, month_rows, _num_cols(header),
                    wide=True)
    monthly.chart = svg.column_chart(
        chart_id="chart-months", title=monthly.title,
        desc=_("Appareils reçus, prêts, attribués et recyclés chaque mois de la période."),
        categories=month_axis,
        series=[(name, [r[i + 1] for r in month_rows[:-1]]) for i, name in enumerate(names)],
        y_label=_("appareils"))
    week_header = [_("Semaine (lundi)"), *names]
    weeks = _weeks(period)
    week_rows = [[monday, *(by_week[monday][s] for s in states)] for monday in weeks]
    weekly = Table("flux_hebdomadaires", _("Flux par semaine"), week_header, week_rows,
                   _num_cols(week_header), wide=True)
    weekly.chart = svg.column_chart(
        chart_id="chart-weeks", title=weekly.title, style="line",
        desc=_("Appareils reçus, prêts, attribués et recyclés chaque semaine (semaines "
               "commençant le lundi)."),
        categories=[f"S{m.isocalendar()[1]:02d}" for m in weeks],
        series=[(name, [r[i + 1] for r in week_rows]) for i, name in enumerate(names)],
        y_label=_("appareils"))
    return monthly, weekly


# --- lead times ---------------------------------------------------------------------------


def lead_time_lines(period: Period) -> list[LeadTime]:
    return lead_times(queries.stay_histograms(period))


def lead_time_table(period: Period) -> Table:
    lines = lead_time_lines(period)
    header = [_("État"), _("Séjours terminés"), _("Médiane (jours)"), _("90e centile (jours)")]
    rows = [[state_label(line.state), line.stays, hours_as_days(line.median_hours),
             hours_as_days(line.p90_hours)] for line in lines]
    table = Table("delais", _("Temps passé dans chaque état"), header, rows, _num_cols(header),
                  wide=True)
    table.chart = svg.column_chart(
        chart_id="chart-lead", title=table.title,
        desc=_("Médiane et 90e centile du temps passé dans chaque état, en jours, pour les "
               "séjours terminés dans la période."),
        categories=[r[0] for r in rows],
        series=[(_("Médiane"), [r[2] or 0 for r in rows]),
                (_("90e centile"), [r[3] or 0 for r in rows])],
        y_label=_("jours"))
    return table


# --- reuse, WEEE, CO2e --------------------------------------------------------------------


@dataclass(frozen=True)
class ReuseFigures:
    rate: ReuseRate
    by_type: Table
    weee: Table
    weee_kg: Decimal
    reused_computers: int
    co2e_kg: Decimal
    assumptions: Co2Assumptions


def reuse_figures(period: Period) -> ReuseFigures:
    rows = queries.devices_left(period)
    reused = [r for r in rows if r.state == State.ALLOCATED]
    recycled = [r for r in rows if r.state == State.DISPOSED]
    rate = ReuseRate(sum(r.devices for r in reused), sum(r.devices for r in recycled),
                     sum((r.kg for r in reused), Decimal("0")),
                     sum((r.kg for r in recycled), Decimal("0")))
    types = sorted({r.device_type for r in rows}, key=_type_order)
    cell = {(r.state, r.device_type): r for r in rows}
    header = [_("Type"), _("Réemployés (nombre)"), _("Réemployés (kg)"), _("Recyclés (nombre)"),
              _("Recyclés (kg)")]
    body = []
    for kind in types:
        a, d = cell.get((State.ALLOCATED.value, kind)), cell.get((State.DISPOSED.value, kind))
        body.append([type_label(kind), a.devices if a else 0, a.kg if a else Decimal("0.00"),
                     d.devices if d else 0, d.kg if d else Decimal("0.00")])
    body.append([_("Total"), rate.reused_count, rate.reused_kg, rate.recycled_count,
                 rate.recycled_kg])
    by_type = Table("reemploi", _("Appareils sortis : réemploi et recyclage"), header, body,
                    _num_cols(header), wide=True)
    by_type.chart = svg.column_chart(
        chart_id="chart-reuse", title=by_type.title,
        desc=_("Nombre d'appareils attribués (réemploi) et remis en lot DEEE (recyclage) dans "
               "la période, par type."),
        categories=[r[0] for r in body[:-1]],
        series=[(_("Réemployés"), [r[1] for r in body[:-1]]),
                (_("Recyclés"), [r[3] for r in body[:-1]])],
        y_label=_("appareils"))
    weee_rows = queries.weee_by_category(period)
    weee_header = [_("Catégorie DEEE"), _("Lignes"), _("Quantité"), _("Poids (kg)"),
                   _("Tonnes")]
    weee_body = [[_(CATEGORY_LABELS.get(r.category, str(r.category))), r.items, r.quantity, r.kg,
                  (r.kg / 1000).quantize(Decimal("0.001"))] for r in weee_rows]
    weee_kg = sum((r.kg for r in weee_rows), Decimal("0"))
    weee_body.append([_("Total"), sum(r.items for r in weee_rows),
                      sum(r.quantity for r in weee_rows), weee_kg,
                      (weee_kg / 1000).quantize(Decimal("0.001"))])
    weee = Table("deee", _("Tonnage DEEE remis par catégorie"), weee_header, weee_body,
                 _num_cols(weee_header))
    weee.chart = svg.bar_chart(
        chart_id="chart-weee", title=weee.title,
        desc=_("Poids remis aux prestataires de traitement dans la période, par catégorie DEEE."),
        labels=[r[0] for r in weee_body[:-1]], values=[r[3] for r in weee_body[:-1]],
        unit=_("kg"), digits=1)
    computers = computers_among({r.device_type: r.devices for r in reused})
    assumptions = co2_assumptions()
    return ReuseFigures(rate, by_type, weee, weee_kg, computers,
                        co2e_avoided_kg(computers, assumptions), assumptions)


# --- beneficiaries ------------------------------------------------------------------------


def served_tables(period: Period) -> list[Table]:
    header_for = {
        "kind": _("Type de bénéficiaire"), "commune": _("Commune"),
        "situation": _("Situation ouvrant droit"),
    }
    sources: list[tuple[str, str, Callable, Callable[[str], str]]] = [
        ("kind", _("Bénéficiaires servis par type"), queries.served_by_kind, kind_label),
        ("commune", _("Bénéficiaires servis par commune"), queries.served_by_commune, str),
        ("situation", _("Bénéficiaires servis par situation"), queries.served_by_situation,
         situation_label),
    ]
    tables = []
    for key, title, fetch, label in sources:
        rows = fetch(period)
        header = [header_for[key], _("Bénéficiaires"), _("Remises")]
        body = [[label(r.key), r.beneficiaries, r.allocations] for r in rows]
        table = Table(f"beneficiaires_{key}", title, header, body, _num_cols(header))
        table.chart = svg.bar_chart(
            chart_id=f"chart-served-{key}", title=title,
            desc=_("Nombre de bénéficiaires distincts ayant reçu au moins une machine dans la "
                   "période."),
            labels=[r[0] for r in body], values=[r[1] for r in body], unit=_("bénéficiaires"))
        tables.append(table)
    return tables


# --- training -----------------------------------------------------------------------------


def training_table(period: Period) -> Table:
    rows = queries.training_by_programme(period)
    header = [_("Programme"), _("Séances"), _("Participants"), _("Demi-journées présentes"),
              _("Absences"), _("Absences excusées"), _("Heures suivies"), _("Parcours suivis"),
              _("Parcours terminés")]
    body = [[r.title, r.sessions, r.participants, r.present, r.absent, r.excused,
             hours(r.minutes), r.followed, r.complete] for r in rows]
    if rows:
        body.append([_("Total"), *(sum(r[i] for r in body) for i in range(1, 6)),
                     hours(sum(r.minutes for r in rows)), sum(r.followed for r in rows),
                     sum(r.complete for r in rows)])
    table = Table("formation", _("Formation : présence et parcours"), header, body,
                  _num_cols(header))
    shown = body[:-1] if rows else []
    table.chart = svg.bar_chart(
        chart_id="chart-training", title=_("Heures de formation suivies par programme"),
        desc=_("Heures de présence des participants dans la période, par programme."),
        labels=[r[0] for r in shown], values=[r[6] for r in shown], unit=_("heures"), digits=1)
    return table


# --- overview -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Any
    unit: str = ""
    digits: int = 0


def key_figures(period: Period, reuse: ReuseFigures, *, with_people: bool,
                totals: dict[str, int] | None = None) -> list[KeyFigure]:
    totals = totals or queries.transition_totals(period)
    figures = [
        KeyFigure(_("Appareils reçus"), totals[State.RECEIVED]),
        KeyFigure(_("Appareils prêts à attribuer"), totals[State.READY]),
        KeyFigure(_("Appareils attribués"), totals[State.ALLOCATED]),
        KeyFigure(_("Appareils recyclés (DEEE)"), totals[State.DISPOSED]),
        KeyFigure(_("Taux de réemploi (en nombre)"), _pct(reuse.rate.by_count), "%", 1),
        KeyFigure(_("Taux de réemploi (en poids)"), _pct(reuse.rate.by_weight), "%", 1),
        KeyFigure(_("Poids réemployé (évité en déchet)"), reuse.rate.reused_kg, "kg", 1),
        KeyFigure(_("Poids remis en filière DEEE"), reuse.weee_kg, "kg", 1),
        KeyFigure(_("CO2e évité (estimation)"), reuse.co2e_kg, "kg", 0),
    ]
    if with_people:
        figures.append(KeyFigure(_("Bénéficiaires servis"), queries.served_total(period)))
        minutes = sum(queries.present_minutes(queries.present_marks_in(period)).values())
        figures.append(KeyFigure(_("Heures de formation suivies"), hours(minutes), "h", 1))
    return figures


def _pct(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.1"))


def key_figures_table(period: Period, *, with_people: bool) -> Table:
    figures = key_figures(period, reuse_figures(period), with_people=with_people)
    header = [_("Indicateur"), _("Valeur"), _("Unité")]
    rows = [[f.label, f.value, f.unit] for f in figures]
    return Table("chiffres_cles", _("Chiffres clés de la période"), header, rows, {1})


# --- CSV exports --------------------------------------------------------------------------

# name → (needs beneficiary access, builder)
EXPORTS: dict[str, tuple[bool, Callable[[Period], Table]]] = {
    "chiffres_cles": (False, lambda p: key_figures_table(p, with_people=False)),
    "stock": (False, lambda _p: stock_table()),
    "flux_mensuels": (False, lambda p: throughput_tables(p)[0]),
    "flux_hebdomadaires": (False, lambda p: throughput_tables(p)[1]),
    "delais": (False, lead_time_table),
    "reemploi": (False, lambda p: reuse_figures(p).by_type),
    "deee": (False, lambda p: reuse_figures(p).weee),
    "beneficiaires_kind": (True, lambda p: served_tables(p)[0]),
    "beneficiaires_commune": (True, lambda p: served_tables(p)[1]),
    "beneficiaires_situation": (True, lambda p: served_tables(p)[2]),
    "formation": (True, training_table),
}


def export_table(name: str, period: Period, *, with_people: bool = False) -> Table:
    if name == "chiffres_cles":  # the same figures as the page shows this role
        return key_figures_table(period, with_people=with_people)
    return EXPORTS[name][1](period)


def csv_filename(table: Table, period: Period) -> str:
    return f"{table.name}_{period.start:%Y%m%d}_{period.end:%Y%m%d}.csv"


# --- annual report ------------------------------------------------------------------------


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
        "co2": {"kg_per_year": str(reuse.assumptions.kg_per_year),
                "years": str(reuse.assumptions.years_of_use),
                "computers": reuse.reused_computers, "source": CO2E_SOURCE,
                "types": sorted(type_label(t) for t in COMPUTER_TYPES)},
    }


def issue_annual_report(year: int, *, workshop: Letterhead, actor_id: int | None,
                        now: datetime):
    """(document, created). Refused for a year that has not started."""
    if year > now.year or year < 2000:
        raise InvalidInput("Le rapport annuel ne peut porter que sur une année commencée.")
    from refurb.reports.annual import render_annual_report

    payload = annual_payload(year, workshop=workshop)
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
