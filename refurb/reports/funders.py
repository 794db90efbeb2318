"""Figures for funders: fees collected, programme costs and funding entered per year, cost
per household equipped, people trained and hours, share of beneficiaries in priority
neighbourhoods (QPV), devices per cohort. The same tables feed the page, the CSV files and
the annual report; the funding lines are the only amounts typed in (from the accounts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _

from refurb.allocations.cohorts import COHORT_KIND_LABELS
from refurb.core import funding
from refurb.core.handover import PAYMENT_LABELS, PaymentMethod
from refurb.extensions import db
from refurb.reports import queries
from refurb.reports.models import FundingLine
from refurb.reports.queries import Period
from refurb.reports.tables import Table


def _payment_label(method: str | None) -> str:
    try:
        return _(PAYMENT_LABELS[PaymentMethod(method)])
    except ValueError:
        return method or "—"


# ------------------------------------------------------------------------- entering lines

@dataclass(frozen=True)
class FundingValues:
    year: int | None
    programme: str
    label: str
    amount: Decimal | None
    kind: str
    source: str = ""


def add_line(values: FundingValues, *, actor_id: int | None, now: datetime) -> FundingLine:
    programme = " ".join((values.programme or "").split())[:120]
    label = " ".join((values.label or "").split())[:200]
    funding.check_line(year=values.year, programme=programme, label=label,
                       amount=values.amount, kind=values.kind)
    line = FundingLine(year=values.year, programme=programme, label=label,
                       amount=funding.cents(values.amount), kind=values.kind,
                       source=" ".join((values.source or "").split())[:120],
                       created_at=now, created_by_id=actor_id)
    db.session.add(line)
    db.session.flush()
    return line


def delete_line(line: FundingLine) -> None:
    """A line typed in by mistake goes: these are the accounts' figures, not history."""
    db.session.delete(line)
    db.session.flush()


# ------------------------------------------------------------------------- figures

@dataclass
class FunderFigures:
    key: Table
    fees: Table
    budget: Table
    cohorts: Table

    @property
    def tables(self) -> list[Table]:
        return [self.key, self.fees, self.budget, self.cohorts]


def _fees_table(period: Period) -> Table:
    rows = queries.fees_by_programme_and_method(period)
    header = [_("Programme"), _("Moyen de paiement"), _("Remises payées"), _("Montant (€)")]
    body = [[r.programme or _("Hors dispositif"), _payment_label(r.method), r.handovers, r.amount]
            for r in rows]
    if rows:
        body.append([_("Total"), "", sum(r.handovers for r in rows),
                     funding.cents(sum((r.amount for r in rows), Decimal(0)))])
    return Table("financeurs_participations", _("Participations encaissées"), header, body,
                 {2, 3}, money={3})


def _budget_table(lines: list[FundingLine]) -> Table:
    header = [_("Année"), _("Programme"), _("Nature"), _("Libellé"), _("Source"),
              _("Montant (€)")]
    body = [[str(line.year), line.programme, _(funding.KIND_LABELS[line.kind]), line.label,
             line.source or "—", funding.cents(line.amount)] for line in lines]
    sums = funding.totals(funding.Line(x.programme, x.kind, x.amount) for x in lines)
    body += [["", "", "", _("Total des coûts"), "", sums["cost"]],
             ["", "", "", _("Total des financements"), "", sums["funding"]]]
    return Table("financeurs_budget", _("Coûts et financements des programmes"), header, body,
                 {5}, money={5})


def _cohorts_table(period: Period) -> Table:
    rows = queries.devices_by_cohort(period)
    header = [_("Cohorte"), _("Genre"), _("Membres"), _("Membres équipés"),
              _("Appareils remis")]
    body = [[r.name, _(COHORT_KIND_LABELS.get(r.kind, r.kind)), r.members, r.served, r.devices]
            for r in rows]
    body.append([_("Total"), "", sum(r.members for r in rows), sum(r.served for r in rows),
                 sum(r.devices for r in rows)])
    return Table("financeurs_cohortes", _("Appareils remis par cohorte"), header, body,
                 {2, 3, 4})


@dataclass(frozen=True)
class Figure:
    label: str
    value: object
    unit: str = ""
    money: bool = False


def _key_table(period: Period, lines: list[FundingLine]) -> Table:
    sums = funding.totals(funding.Line(x.programme, x.kind, x.amount) for x in lines)
    fees = queries.fees_by_programme_and_method(period)
    households = queries.households_equipped(period)
    served, in_qpv = queries.served_in_qpv(period)
    minutes = sum(r.minutes for r in queries.training_by_programme(period))
    figures = [
        Figure(_("Participations encaissées"),
               funding.cents(sum((r.amount for r in fees), Decimal(0))), "€", True),
        Figure(_("Coûts des programmes"), sums["cost"], "€", True),
        Figure(_("Financements obtenus"), sums["funding"], "€", True),
        Figure(_("Foyers équipés"), households),
        Figure(_("Coût par foyer équipé"),
               funding.cost_per_household(sums["cost"], households), "€", True),
        Figure(_("Personnes formées"), queries.people_trained(period)),
        Figure(_("Heures de formation suivies"), funding.cents(Decimal(minutes) / 60), "h"),
        Figure(_("Bénéficiaires servis"), served),
        Figure(_("Dont en quartier prioritaire (QPV)"), in_qpv),
        Figure(_("Part des bénéficiaires en QPV"), funding.share(in_qpv, served), "%"),
    ]
    return Table("financeurs_chiffres", _("Chiffres pour les financeurs"),
                 [_("Indicateur"), _("Valeur"), _("Unité")],
                 [[f.label, f.value, f.unit] for f in figures], {1},
                 money_rows={i for i, f in enumerate(figures) if f.money})


def funder_figures(period: Period) -> FunderFigures:
    """Event figures over the period; funding lines of the years it covers."""
    lines = queries.funding_lines(period.start.year, period.end.year)
    return FunderFigures(_key_table(period, lines), _fees_table(period), _budget_table(lines),
                         _cohorts_table(period))


def display_rows(table: Table) -> list[list]:
    """The rows with every amount as French money text ("1 234,50 €"), other cells raw."""
    def cell(r: int, c: int, value):
        if c in table.money or (c == 1 and r in table.money_rows):
            return funding.format_eur(value)
        if c == 2 and r in table.money_rows:
            return ""  # the unit is in the amount's text
        return value

    return [[cell(r, c, v) for c, v in enumerate(row)] for r, row in enumerate(table.rows)]


KIND_CHOICES = [(k, v) for k, v in funding.KIND_LABELS.items()]
