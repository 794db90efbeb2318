"""The sanitization panel of the device page (a named slot registered in refurb.wiring): the
device's drives and their status, drives removed from it, its certificates."""

from __future__ import annotations

from flask_login import current_user

from refurb.accounts.permissions import is_admin
from refurb.devices.models import Device
from refurb.wiping import overview
from refurb.wiping.permissions import can_work_on_drives


def device_panel(device: Device) -> dict:
    return {**overview.device_overview(device, can_change=can_work_on_drives(current_user)),
            "can_edit_identity": is_admin(current_user)}
