"""Diagnosis pages: start one, record what was found and decided."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.lifecycle import State
from refurb.core.workshop import REPAIRABLE
from refurb.devices.models import Device
from refurb.web import actor_id, attempt, get_or_404, now
from refurb.workshop import diagnosis, forms
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, to_device


@bp.post("/devices/<int:device_id>/diagnosis/start")
@roles_required(*WORKSHOP)
def start_diagnosis(device_id: int):
    device = get_or_404(Device, device_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    with attempt():
        diagnosis.start_diagnosis(device, actor_id=actor_id(), now=now())
    return redirect(url_for("workshop.diagnose", device_id=device_id))


@bp.route("/devices/<int:device_id>/diagnosis", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def diagnose(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.DiagnosisForm()
    if form.validate_on_submit():
        with attempt() as done:
            diagnosis.record_diagnosis(
                device, power_on=form.power_on.data, faults=form.faults.data or [],
                fault_notes=form.fault_notes.data or "", decision=form.decision.data,
                actor_id=actor_id(), now=now())
        if done:
            flash(_("%(tag)s : diagnostic enregistré.", tag=device.asset_tag), "success")
            return to_device(device_id)
    return form_page("workshop/diagnosis.html", device, form,
                     can_need_part=State(device.state) in REPAIRABLE)
