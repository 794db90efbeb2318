"""A device's workshop page, and the workshop panel of the device page (a slot registered in
wiring, built here because what it offers depends on who reads it)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.web import get_or_404
from refurb.workshop.permissions import can_work_on_devices
from refurb.workshop.queries.device_panel import DevicePanel, device_panel
from refurb.workshop.views.blueprint import bp


def panel_for_reader(device: Device) -> DevicePanel:
    return device_panel(device, can_edit=can_work_on_devices(current_user))


@bp.get("/devices/<int:device_id>")
@roles_required(*WORKSHOP)
def device(device_id: int):
    device = get_or_404(Device, device_id)
    return render_template("workshop/device.html", device=device,
                           panel=panel_for_reader(device))
