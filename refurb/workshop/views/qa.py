"""Quality control pages: a device's checklist pass, and the checklist grid (admins)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.web import actor_id, attempt, get_or_404, now, translate
from refurb.workshop import forms
from refurb.workshop.models import QACheck
from refurb.workshop.qa import CheckSettings, QAOutcome, create_check, record_qa, save_checklist
from refurb.workshop.queries.device_panel import QALine, device_panel
from refurb.workshop.queries.qa import all_checks
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, to_device


@bp.route("/devices/<int:device_id>/qa", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def qa(device_id: int):
    device = get_or_404(Device, device_id)
    panel = device_panel(device, can_edit=True)
    form = forms.qa_form_class(panel.qa_lines)()
    if request.method == "GET":  # start from the last pass: redoing QA changes a few boxes
        _fill_from_last_pass(form, device, panel.qa_lines)
    if form.validate_on_submit():
        results = {line.check_id: _qa_answer(form, line) for line in panel.qa_lines}
        with attempt() as done:
            outcome = record_qa(
                device, results=results, grade=form.grade.data or None,
                notes=form.notes.data or "", mark_ready=form.mark_ready.data,
                actor_id=actor_id(), now=now())
        if done:
            _flash_qa(device, outcome)
            return to_device(device_id)
    return form_page("workshop/qa.html", device, form, panel=panel)


def _fill_from_last_pass(form, device: Device, lines: list[QALine]) -> None:
    form.grade.data = device.grade
    for line in lines:
        if line.result is not None:
            form[f"check_{line.check_id}"].data = (
                line.result.value if line.item.kind == "percent" else line.result.passed)


def _qa_answer(form, line: QALine) -> tuple[bool, int | None]:
    field = form[f"check_{line.check_id}"]
    return (False, field.data) if line.item.kind == "percent" else (bool(field.data), None)


def _flash_qa(device: Device, outcome: QAOutcome) -> None:
    if device.state == State.READY.value:
        flash(_("%(tag)s : contrôle validé, prêt à attribuer.", tag=device.asset_tag),
              "success")
        return
    flash(_("%(tag)s : contrôle qualité enregistré.", tag=device.asset_tag), "success")
    for reason in outcome.ready_refused:
        flash(translate(reason), "warning")


# ------------------------------------------------------------------------- the checklist

@bp.route("/qa/checklist", methods=["GET", "POST"])
@roles_required(*ADMIN)
def checklist():
    form = forms.CsrfForm()  # the grid's fields come from the checks themselves
    if form.validate_on_submit():
        with attempt() as done:
            save_checklist(_checklist_settings())
        if done:
            flash(_("Contrôle qualité enregistré."), "success")
            return redirect(url_for("workshop.checklist"))
    return form_page("workshop/checklist.html", form=form, grid=_checklist_grid(),
                     new_form=forms.NewCheckForm(formdata=None), types=DEVICE_TYPE_LABELS)


def _checklist_grid() -> list[tuple[QACheck, CheckSettings]]:
    """Each check with what the grid shows: what was typed when a save was refused."""
    typed = _checklist_settings() if request.method == "POST" else {}
    grid = []
    for check in all_checks():
        current = CheckSettings(
            name=check.name, minimum=check.minimum, active=check.active,
            rules={r.device_type: "mandatory" if r.mandatory else "optional"
                   for r in check.rules})
        grid.append((check, typed.get(check.id, current)))
    return grid


def _checklist_settings() -> dict[int, CheckSettings]:
    settings = {}
    for raw_id in request.form.getlist("check"):
        if not raw_id.isdigit():
            continue
        cid = int(raw_id)
        settings[cid] = CheckSettings(
            name=request.form.get(f"name-{cid}", ""),
            minimum=request.form.get(f"minimum-{cid}") or None,
            active=request.form.get(f"active-{cid}") == "1",
            rules={t.value: request.form.get(f"rule-{cid}-{t.value}", "")
                   for t in DEVICE_TYPE_LABELS})
    return settings


@bp.post("/qa/checks")
@roles_required(*ADMIN)
def new_check():
    form = forms.NewCheckForm()
    if not form.validate_on_submit():
        flash(_("Donnez un nom au contrôle."), "error")
        return redirect(url_for("workshop.checklist"))
    with attempt() as done:
        create_check(form.name.data, form.kind.data, form.minimum.data)
    if done:
        flash(_("Contrôle ajouté : choisissez les types d'appareil concernés."), "success")
    return redirect(url_for("workshop.checklist"))
