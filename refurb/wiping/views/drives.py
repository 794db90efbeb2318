"""Drives: the list, one drive's page (records, manual record, removal, label), adding a
drive to a device, and the scan box resolving a removed drive's own tag."""

from __future__ import annotations

import io

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import STAFF, WORKSHOP, roles_required
from refurb.devices import queries as device_queries
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.wiping import drives, overview, queries, records, status
from refurb.wiping.forms import DriveForm, RemoveDriveForm, WipeRecordForm
from refurb.wiping.permissions import can_work_on_drives
from refurb.wiping.views.blueprint import bp
from refurb.workshops.services import label_prefix as workshop_label_prefix


def drive_tag_url(text: str) -> str | None:
    """Scan resolver: a removed drive's tag in the scan box opens the drive page."""
    drive = device_queries.get_drive_by_tag(text)
    return url_for("wiping.show_drive", drive_id=drive.id) if drive else None


@bp.get("/wiping/drives")
@roles_required(*STAFF)
def list_drives():
    where = request.args.get("where")
    where = where if where in ("removed", "installed", "to_wipe") else None
    page = paginate(queries.list_drives_query(where), page_arg(), per_page())
    return render_template("wiping/drives.html", page=page, where=where,
                           statuses=status.statuses(page.items))


@bp.get("/wiping/drives/<int:drive_id>")
@roles_required(*STAFF)
def show_drive(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    return _drive_page(drive, WipeRecordForm(formdata=None))


def _drive_page(drive, form: WipeRecordForm, code: int = 200):
    return render_template(
        "wiping/drive.html", **overview.drive_overview(drive), form=form,
        remove_form=RemoveDriveForm(), can_change=can_work_on_drives(current_user),
        stocks=drives.drive_stocks(),
    ), code


@bp.post("/wiping/drives/<int:drive_id>/records")
@roles_required(*WORKSHOP)
def record_manual(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    form = WipeRecordForm()
    if form.validate_on_submit():
        with attempt() as done:
            records.record_wipe(drive, form.to_input(), actor_id=actor_id(), now=now())
        if done:
            flash(_("Effacement enregistré."), "success")
            return redirect(url_for("wiping.show_drive", drive_id=drive_id))
    return _drive_page(queries.get_drive(drive_id), form, 400)


@bp.post("/wiping/drives/<int:drive_id>/remove")
@roles_required(*WORKSHOP)
def remove_drive(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    form = RemoveDriveForm()
    if form.validate_on_submit():
        with attempt() as done:
            removal = drives.remove_drive(
                drive, prefix=workshop_label_prefix(),
                destination=form.destination.data or "", actor_id=actor_id(), now=now())
        if done:
            flash(_("Support retiré : étiquette %(tag)s.", tag=removal.asset_tag), "success")
    return redirect(url_for("wiping.show_drive", drive_id=drive_id))


@bp.get("/wiping/drives/<int:drive_id>/label.pdf")
@roles_required(*WORKSHOP)
def drive_label(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    with attempt() as done:
        content = drives.drive_label_pdf(drive, request.args.get("stock"))
    if not done:
        return redirect(url_for("wiping.show_drive", drive_id=drive_id))
    return send_file(io.BytesIO(content), mimetype="application/pdf",
                     download_name=f"etiquette-{drive.asset_tag}.pdf")


@bp.route("/wiping/devices/<int:device_id>/drives/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def add_drive(device_id: int):
    device = get_or_404(Device, device_id)
    form = DriveForm()
    if form.validate_on_submit():
        with attempt() as done:
            drives.add_drive(device, form.to_new_drive(), actor_id=actor_id(), now=now())
        if done:
            flash(_("Support ajouté à %(tag)s.", tag=device.asset_tag), "success")
            return redirect(url_for("devices.show", device_id=device.id))
    return render_template("wiping/drive_new.html", device=device, form=form)
