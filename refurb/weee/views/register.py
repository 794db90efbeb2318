"""The waste register pages: lines by period, exports, incoming lines, corrections."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.devices.queries import paginate
from refurb.jobs.forms import StartJobForm
from refurb.jobs.views import start_job
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.weee import forms, queries, register_columns, trackdechets
from refurb.weee import register as weee_register
from refurb.weee.jobs import EXPORT_KIND
from refurb.weee.models import WasteRegisterLine
from refurb.weee.permissions import can_correct_register, can_record_incoming
from refurb.weee.views.common import bp, direction, period


@bp.get("/register")
@roles_required(*WORKSHOP)
def register_page():
    start, end = period()
    shown = direction()
    page = paginate(queries.register_query(shown, start, end), page_arg(), per_page())
    return render_template(
        "weee/register.html", page=page, start=start, end=end, direction=shown,
        latest=queries.latest_revisions([line.public_id for line in page.items]),
        pending=queries.count_pending_incoming(), incoming_form=forms.IncomingForm(),
        can_correct=can_correct_register(current_user),
        can_record=can_record_incoming(current_user),
        columns=register_columns.columns(shown))


@bp.route("/register.<any(csv, jsonl):fmt>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def register_export(fmt: str):
    """An export is a permanent document: what it will hold first, then (confirmed) a job."""
    start, end, shown = *period(), direction()
    form = StartJobForm()
    if request.method == "POST" and request.form.get("confirm") and form.validate_on_submit():
        params = {"direction": shown, "fmt": fmt, "start": start.isoformat(),
                  "end": end.isoformat()}
        return start_job(EXPORT_KIND, params, form, shown, fmt, start, end,
                         back=("weee.register_page", {"direction": shown}, N_("Revenir au registre")))
    with attempt() as done:
        preview = weee_register.export_preview(shown, start, end, fmt)
    if not done:
        return redirect(url_for("weee.register_page"))
    return render_template("weee/register_export.html", preview=preview,
                           form=StartJobForm.fresh(), fmt=fmt, direction=shown, start=start,
                           end=end)


@bp.post("/register/incoming")
@roles_required(*ADMIN)
def record_incoming():
    if forms.IncomingForm().validate_on_submit():
        with attempt() as done:
            lines = weee_register.record_incoming_lines(actor_id=actor_id(), now=now())
        if done:
            flash(_("%(n)s ligne(s) ajoutée(s) au registre entrant.", n=len(lines)), "success")
    return redirect(url_for("weee.register_page", direction="incoming"))


@bp.route("/register/<int:line_id>/correct", methods=["GET", "POST"])
@roles_required(*ADMIN)
def correct(line_id: int):
    line = get_or_404(WasteRegisterLine, line_id)
    form = forms.CorrectionForm(data=_line_data(line))
    if form.validate_on_submit():
        with attempt() as done:
            weee_register.correct_line(line, _changes(form, line.direction),
                                       note=form.note.data, actor_id=actor_id(), now=now())
        if done:
            flash(_("Correction ajoutée au registre (ligne %(id)s).", id=line.public_id),
                  "success")
            return redirect(url_for("weee.register_page", direction=line.direction,
                                    start=line.line_date.isoformat()))
    return render_template("weee/correct.html", line=line, form=form)


def _line_data(line: WasteRegisterLine) -> dict:
    f = line.fields
    return {"waste_description": f.get("wasteDescription"), "waste_code": f.get("wasteCode"),
            "waste_pop": f.get("wastePop"), "waste_is_dangerous": f.get("wasteIsDangerous"),
            "weight_tonnes": str(f.get("weightValue")).replace(".", ","),
            "weight_is_estimate": f.get("weightIsEstimate"), "line_date": line.line_date,
            "operation_code": f.get("operationCode"), "operation_mode": f.get("operationMode")}


def _changes(form: forms.CorrectionForm, line_direction: str) -> dict:
    try:
        weight = float(Decimal(form.weight_tonnes.data.strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise InvalidInput(N_("Poids en tonnes illisible.")) from None
    return {"wasteDescription": form.waste_description.data.strip(),
            "wasteCode": form.waste_code.data, "wastePop": form.waste_pop.data,
            "wasteIsDangerous": form.waste_is_dangerous.data, "weightValue": weight,
            "weightIsEstimate": form.weight_is_estimate.data,
            "operationCode": form.operation_code.data,
            "operationMode": form.operation_mode.data or None,
            trackdechets.DATE_FIELD[line_direction]: form.line_date.data}
