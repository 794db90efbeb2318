"""Report pages: the staff dashboard and its tabs (each table with its chart and its CSV), and
the annual activity report. Workshop figures for every staff role; figures about beneficiaries
(served, training) for admins and social workers only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, SOCIAL, STAFF, roles_required
from refurb.clock import local_date
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.impact import CO2E_SOURCE, COMPUTER_TYPES
from refurb.documents.csv_export import csv_response
from refurb.jobs.forms import StartJobForm
from refurb.jobs.views import start_job
from refurb.reports import activity as flows
from refurb.reports import annual as annual_report
from refurb.reports import exports, funders, outcomes
from refurb.reports.forms import AnnualForm, ConfirmForm, FundingLineForm, PeriodForm
from refurb.reports.jobs import ANNUAL_KIND
from refurb.reports.models import FundingLine
from refurb.reports.periods import period_label, resolve_period
from refurb.reports.permissions import can_issue_annual_report, can_see_people_figures
from refurb.reports.queries import Period
from refurb.reports.tables import type_label
from refurb.web import actor_id, attempt, get_or_404, int_arg, now, translate

bp = Blueprint("reports", __name__, url_prefix="/reports")

TABS = (
    ("reports.dashboard", "Vue d’ensemble", False),
    ("reports.activity", "Flux", False),
    ("reports.lead_times", "Délais", False),
    ("reports.reuse", "Réemploi et DEEE", False),
    ("reports.beneficiaries", "Bénéficiaires", True),
    ("reports.training", "Formation", True),
    ("reports.funders_page", "Financeurs", True),
)


@bp.app_template_filter("report_cell")
def report_cell(value) -> str:
    """A raw table value as French text: numbers grouped, decimals as stored, dates dd/mm/yyyy."""
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        digits = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    return str(value)


def _sees_people() -> bool:
    return can_see_people_figures(current_user)


def _period() -> tuple[Period, PeriodForm]:
    form = PeriodForm(formdata=request.args)
    today = local_date(now())
    try:
        if not form.validate():
            raise InvalidInput(N_("Période invalide : l’année en cours est affichée."))
        period = resolve_period(year=form.year.data, start=form.start.data, end=form.end.data,
                                today=today)
    except InvalidInput as error:
        flash(translate(error.msg), "error")
        period = resolve_period(year=None, start=None, end=None, today=today)
    return period, form


ADMIN_LINKS = (("reports.annual", "Rapport d’activité annuel"),
               ("reports.funding_lines", "Coûts et financements"),
               ("portal.gift_receipts", "Reçus fiscaux (mécénat)"))


def _page(template: str, period: Period, form: PeriodForm, **context):
    """Render a report page with its tabs, its period filter and the period's label."""
    tabs = [(e, _(label)) for e, label, people in TABS if _sees_people() or not people]
    links = ([(e, _(label)) for e, label in ADMIN_LINKS]
             if can_issue_annual_report(current_user) else [])
    args = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return render_template(template, period=period, form=form, tabs=tabs, links=links,
                           period_args=args,
                           period_label=period_label(period), **context)


@bp.get("/")
@roles_required(*STAFF)
def dashboard():
    period, form = _period()
    reuse = outcomes.reuse_figures(period)
    return _page("reports/dashboard.html", period, form,
                 figures=outcomes.key_figures(period, reuse, with_people=_sees_people()),
                 stock=flows.stock_table(), co2_source=CO2E_SOURCE,
                 co2_types=sorted(type_label(t) for t in COMPUTER_TYPES),
                 assumptions=reuse.assumptions, reused_computers=reuse.reused_computers)


@bp.get("/activity")
@roles_required(*STAFF)
def activity():
    period, form = _period()
    return _page("reports/tables.html", period, form, heading=_("Flux"),
                 tables=flows.throughput_tables(period),
                 note=_("Transitions enregistrées dans l’historique des appareils : un appareil "
                        "revenu en arrière puis à nouveau prêt compte à chaque passage."))


@bp.get("/lead-times")
@roles_required(*STAFF)
def lead_times():
    period, form = _period()
    return _page("reports/tables.html", period, form, heading=_("Délais"),
                 tables=[flows.lead_time_table(period)],
                 note=_("Temps passé dans chaque état, pour les séjours terminés dans la période "
                        "(d’une transition à la suivante). Médiane et 90e centile au rang le "
                        "plus proche, à l’heure près."))


@bp.get("/reuse")
@roles_required(*STAFF)
def reuse():
    period, form = _period()
    figures = outcomes.reuse_figures(period)
    return _page("reports/reuse.html", period, form, figures=figures,
                 co2_source=CO2E_SOURCE,
                 co2_types=sorted(type_label(t) for t in COMPUTER_TYPES))


@bp.get("/beneficiaries")
@roles_required(*SOCIAL)
def beneficiaries():
    period, form = _period()
    return _page("reports/tables.html", period, form,
                 heading=_("Bénéficiaires servis"), tables=outcomes.served_tables(period),
                 note=_("Bénéficiaires distincts ayant reçu au moins une machine (don ou prêt) "
                        "dans la période. Des effectifs, jamais des noms."))


@bp.get("/training")
@roles_required(*SOCIAL)
def training():
    period, form = _period()
    return _page("reports/tables.html", period, form, heading=_("Formation"),
                 tables=[outcomes.training_table(period)],
                 note=_("Séances tenues dans la période ; un parcours est terminé quand le "
                        "nombre de séances suivies atteint le nombre prévu."))


@bp.get("/funders")
@roles_required(*SOCIAL)
def funders_page():
    period, form = _period()
    figures = funders.funder_figures(period)
    return _page("reports/tables.html", period, form, heading=_("Financeurs"),
                 tables=[replace(t, rows=funders.display_rows(t)) for t in figures.tables],
                 note=_("Participations et remises de la période ; coûts et financements "
                        "saisis pour les années qu’elle couvre ; QPV : quartier prioritaire "
                        "de la politique de la ville, d’après le dossier."))


def _funding_page(form: FundingLineForm, year: int, status: int = 200):
    lines = funders.queries.funding_lines(year, year)
    return render_template("reports/funding.html", form=form, year=year, lines=lines,
                           eur=funders.funding.format_eur, kinds=funders.funding.KIND_LABELS,
                           delete_form=ConfirmForm(formdata=None)), status


@bp.route("/funding", methods=["GET", "POST"])
@roles_required(*ADMIN)
def funding_lines():
    year = int_arg("year") or now().year
    form, done = FundingLineForm(), None
    if request.method == "GET":
        form.year.data = year
    if form.validate_on_submit():
        with attempt() as done:
            line = funders.add_line(funders.FundingValues(
                year=form.year.data, programme=form.programme.data, label=form.label.data,
                amount=form.amount.data, kind=form.kind.data, source=form.source.data or ""),
                actor_id=actor_id(), now=now())
        if done:
            flash(_("Ligne enregistrée."), "success")
            return redirect(url_for("reports.funding_lines", year=line.year))
    status = 200 if not form.is_submitted() else (done.error.http_status if done else 400)
    return _funding_page(form, form.year.data or year, status)


@bp.post("/funding/<int:line_id>/delete")
@roles_required(*ADMIN)
def delete_funding_line(line_id: int):
    line = get_or_404(FundingLine, line_id)
    year = line.year
    if ConfirmForm().validate_on_submit():
        funders.delete_line(line)
        flash(_("Ligne supprimée."), "success")
    return redirect(url_for("reports.funding_lines", year=year))


@bp.get("/export/<name>.csv")
@roles_required(*STAFF)
def export(name: str):
    if name not in exports.EXPORTS:
        abort(404)
    if exports.EXPORTS[name][0] and not _sees_people():
        abort(403)
    period, _form = _period()
    table = exports.export_table(name, period, with_people=_sees_people())
    return csv_response(exports.csv_filename(table, period), table.header, table.rows)


@bp.get("/annual")
@roles_required(*ADMIN)
def annual():
    # The current year: last year's report is issued on purpose, not by a careless click
    # (the admin's home links here with the year due; issuing still asks for confirmation).
    year = int_arg("year")
    return _annual_page(AnnualForm(year=year if year and 2000 <= year <= now().year
                                   else now().year))


@bp.post("/annual")
@roles_required(*ADMIN)
def issue_annual():
    form = AnnualForm()
    if not form.validate():
        return _annual_page(form), 400
    with attempt() as done:
        preview = annual_report.preview(form.year.data, now())
    if not done:
        return _annual_page(form), 400
    confirmed = StartJobForm()
    if request.form.get("confirm") and confirmed.validate():
        return start_job(ANNUAL_KIND, {"year": form.year.data}, confirmed, form.year.data)
    return _annual_page(form, preview)


def _annual_page(form: AnnualForm, preview=None):
    return render_template("reports/annual.html", form=form, preview=preview,
                           job_form=StartJobForm.fresh(),
                           documents=annual_report.annual_versions())
