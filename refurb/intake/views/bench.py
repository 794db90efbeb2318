"""The bench: one machine typed in, or read from its hardware reports and confirmed."""

from __future__ import annotations

import json
from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core import collections as rules
from refurb.core.hardware import HardwareReport, report_to_json
from refurb.devices.models import Device
from refurb.devices.services import NewDevice
from refurb.extension_points import bench_panels
from refurb.extensions import db
from refurb.intake import bench, hardware_reports, queries
from refurb.intake.forms import IntakeForm, ReportConfirmForm, ReportUploadForm
from refurb.intake.models import Collection
from refurb.intake.views.blueprint import bp
from refurb.intake.views.collections import translated
from refurb.web import actor_id, attempt, get_or_404, int_arg, now
from refurb.workshops.services import label_prefix as workshop_label_prefix

STICKY = ("device_type", "make", "model", "legal_status")  # kept from one machine to the next


def prefix() -> str:
    return workshop_label_prefix()


def _new_device(form: IntakeForm | ReportConfirmForm) -> NewDevice:
    values = NewDevice(
        device_type=form.device_type.data, make=form.make.data or "",
        model=form.model.data or "", serial=form.serial.data or None,
        donor_inventory_number=form.donor_inventory_number.data or None,
        legal_status=form.legal_status.data, weight_kg=form.weight(),
        condition_notes=form.condition_notes.data or "",
    )
    if isinstance(form, ReportConfirmForm):
        values = replace(values, cpu=form.cpu.data or "", ram_mib=form.ram_mib.data,
                         ram_slots_used=form.ram_slots_used.data, chassis=form.chassis.data or "")
    else:
        values = replace(values, ram_mib=form.ram_mib(), screen_inches=form.screen_inches.data)
    return values


@bp.route("/collections/<int:collection_id>/intake", methods=["GET", "POST"], endpoint="bench")
@roles_required(*WORKSHOP)
def bench_form(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = IntakeForm(data={k: request.args[k] for k in STICKY if request.args.get(k)})
    if form.validate_on_submit():
        with attempt() as done:
            device = bench.register_device(collection, _new_device(form), actor_id=actor_id(),
                                           now=now(), prefix=prefix())
        if done:
            flash(_("%(tag)s enregistré : collez l’étiquette.", tag=device.asset_tag), "success")
            sticky = {k: getattr(form, k).data for k in STICKY if getattr(form, k).data}
            return redirect(url_for("intake.bench", collection_id=collection_id,
                                    saved=device.id, **sticky))
    saved = _saved_here(collection)
    return render_template(
        "intake/bench.html", collection=collection, form=form,
        latest=queries.latest_devices(collection_id), count=queries.device_count(collection_id),
        verdict=translated(rules.check_intake(collection.state)),
        after_save=bench_panels.render_data(saved) if saved else [],
    )


def _saved_here(collection: Collection) -> Device | None:
    """The machine just saved (its label is offered under the form), if it is of this
    collection."""
    device_id = int_arg("saved")
    device = db.session.get(Device, device_id) if device_id else None
    return device if device is not None and device.collection_id == collection.id else None


@bp.route("/collections/<int:collection_id>/intake/report", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def report(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = ReportUploadForm()
    if form.validate_on_submit():
        texts = [form.pasted.data or ""] + [
            f.read().decode("utf-8", errors="replace") for f in form.files.data or [] if f
        ]
        if any(t.strip() for t in texts):
            found = hardware_reports.read_reports(texts)
            confirm = ReportConfirmForm(formdata=None, data=_report_fields(found))
            return _render_preview(collection, confirm)
        flash(_("Collez un rapport ou choisissez au moins un fichier."), "error")
    saved = _saved_here(collection)
    return render_template("intake/report.html", collection=collection, form=form,
                           after_save=bench_panels.render_data(saved) if saved else [])


def _report_fields(found: HardwareReport) -> dict:
    return {
        "device_type": found.device_type or "", "make": found.manufacturer or "",
        "model": found.model or "", "serial": found.serial or "", "cpu": found.cpu or "",
        "ram_mib": found.ram_mib, "ram_slots_used": found.ram_slots_used,
        "chassis": found.chassis or "", "legal_status": "reuse",
        "report": json.dumps(report_to_json(found), ensure_ascii=False),
    }


def _render_preview(collection: Collection, form: ReportConfirmForm):
    with attempt() as done:
        drives = hardware_reports.drives_from_json(form.report.data)
        warnings = hardware_reports.warnings_from_json(form.report.data)
    if not done:
        return redirect(url_for("intake.report", collection_id=collection.id))
    return render_template("intake/report_preview.html", collection=collection, form=form,
                           drives=drives, warnings=warnings)


@bp.post("/collections/<int:collection_id>/intake/report/confirm")
@roles_required(*WORKSHOP)
def confirm_report(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = ReportConfirmForm()
    if form.validate_on_submit():
        with attempt() as done:
            device = bench.register_device(
                collection, _new_device(form), actor_id=actor_id(), now=now(), prefix=prefix(),
                drives=hardware_reports.drives_from_json(form.report.data),
                report=hardware_reports.report_details(form.report.data),
            )
        if done:
            flash(_("%(tag)s enregistré avec %(n)s support(s) de stockage.",
                    tag=device.asset_tag, n=len(device.drives)), "success")
            return redirect(url_for("intake.report", collection_id=collection_id,
                                    saved=device.id))
    return _render_preview(collection, form)
