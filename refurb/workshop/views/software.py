"""Software pages: record an installation, reveal a licence key (logged)."""

from __future__ import annotations

from flask import abort, current_app, flash, render_template
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.web import actor_id, attempt, get_or_404, now
from refurb.workshop import forms, software
from refurb.workshop.models import SoftwareInstall
from refurb.workshop.queries.software import software_history
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, to_device


@bp.route("/devices/<int:device_id>/software", methods=["GET", "POST"], endpoint="software")
@roles_required(*WORKSHOP)
def software_page(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.SoftwareForm()
    if form.validate_on_submit():
        with attempt() as done:
            software.record_software(
                device, os_name=form.os_name.data, os_version=form.os_version.data or "",
                office=form.office.data or "", other_software=form.other_software.data or "",
                licence_key=form.licence_key.data, actor_id=actor_id(), now=now())
        if done:
            flash(_("%(tag)s : installation enregistrée.", tag=device.asset_tag), "success")
            return to_device(device_id)
    return form_page("workshop/software.html", device, form,
                     installs=software_history(device.id), reveal_form=forms.CsrfForm())


@bp.post("/software/<int:install_id>/reveal")
@roles_required(*WORKSHOP)
def reveal_key(install_id: int):
    install = get_or_404(SoftwareInstall, install_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        key = software.reveal_licence_key(install, actor_id=actor_id(), now=now())
    if not done:
        return to_device(install.device_id)
    response = current_app.make_response(render_template(
        "workshop/licence_key.html", install=install, key=key,
        device=db.session.get(Device, install.device_id)))
    response.headers["Cache-Control"] = "no-store"  # the key must not stay in a cache
    return response
