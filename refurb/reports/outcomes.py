"""What the work achieved: machines reused and recycled, WEEE tonnage, CO2e avoided,
beneficiaries served, training delivered, and the key figures that sum them up.

For other domains (the donor portal): `co2_assumptions()` (impact settings) and
`training_hours(beneficiary_ids)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select

from refurb.core.i18n import N_
from refurb.core.impact import (
    CO2E_SOURCE,
    DEFAULT_CO2E_KG_PER_YEAR,
    DEFAULT_YEARS_OF_USE,
    Co2Assumptions,
    ReuseRate,
    co2e_avoided_kg,
    computers_among,
)
from refurb.core.lifecycle import State
from refurb.core.training import hours
from refurb.core.weee import CATEGORY_LABELS
from refurb.extension_points import Definition
from refurb.reports import queries, svg
from refurb.reports.queries import Period
from refurb.reports.tables import (
    Table,
    kind_label,
    numeric_columns,
    situation_label,
    type_label,
    type_order,
)
from refurb.settings.services import get as get_setting

CO2E_FACTOR = "impact.co2e_kg_per_year"
YEARS_OF_USE = "impact.years_of_use"
PROGRAMME_TEXT = "reports.programme_description"
REPORTS_SECTION = N_("Rapports et impact")
SETTINGS = (
    Definition(CO2E_FACTOR,
               N_("Impact : kg CO2e évités par année d'usage d'un ordinateur réemployé"),
               "decimal", DEFAULT_CO2E_KG_PER_YEAR, help=CO2E_SOURCE, minimum=Decimal("0"),
               section=REPORTS_SECTION),
    Definition(YEARS_OF_USE, N_("Impact : années d'usage supposées d'un ordinateur réemployé"),
               "decimal", DEFAULT_YEARS_OF_USE,
               help=N_("Hypothèse de durée d'usage après reconditionnement, affichée avec les "
                       "chiffres."),
               minimum=Decimal("0"), section=REPORTS_SECTION),
    Definition(PROGRAMME_TEXT, N_("Rapport annuel : description du programme"), "str",
               "Collecte, reconditionnement et redistribution d'ordinateurs à des foyers, élèves, "
               "écoles et associations, accompagnés d'ateliers de prise en main. Le matériel non "
               "réemployable est orienté vers la filière DEEE.",
               help=N_("Texte d'introduction du rapport d'activité annuel remis aux financeurs."),
               section=REPORTS_SECTION),
)


def co2_assumptions() -> Co2Assumptions:
    return Co2Assumptions(Decimal(get_setting(CO2E_FACTOR)), Decimal(get_setting(YEARS_OF_USE)))


def training_hours(beneficiary_ids: Select) -> Decimal:
    """Hours of training attended by these beneficiaries (all sessions), summed in SQL by
    session and half-day; same figure as training.services.hours_delivered_for_beneficiaries."""
    return hours(sum(queries.present_minutes(queries.present_marks_of(beneficiary_ids)).values()))


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
    types = sorted({r.device_type for r in rows}, key=type_order)
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
                    numeric_columns(header), wide=True)
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
                 numeric_columns(weee_header))
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
        table = Table(f"beneficiaires_{key}", title, header, body, numeric_columns(header))
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
                  numeric_columns(header))
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
