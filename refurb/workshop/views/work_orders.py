"""The work order page of a device."""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.workshop import parse_ram_gb
from refurb.devices.models import Device
from refurb.web import actor_id, attempt, get_or_404, now
from refurb.workshop import forms
from refurb.workshop.queries.spare_parts import spare_part_choices
from refurb.workshop.queries.work_orders import technician_choices
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, to_device
from refurb.workshop.work_orders import SparePartUse, record_work_order


def _work_order_form() -> forms.WorkOrderForm:
    form = forms.WorkOrderForm()
    form.technician_id.choices = technician_choices()
    if request.method == "GET":
        form.technician_id.data = current_user.id
    choices = [(0, _("— aucune —")), *spare_part_choices(in_stock_only=True)]
    for entry in form.parts:
        entry.part_id.choices = choices
    return form


@bp.route("/devices/<int:device_id>/work-order", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def work_order(device_id: int):
    device = get_or_404(Device, device_id)
    form = _work_order_form()
    if form.validate_on_submit():
        with attempt() as done:
            record_work_order(
                device, actions=form.actions.data, minutes=form.minutes.data,
                technician_id=form.technician_id.data,
                parts=[SparePartUse(e.part_id.data, e.quantity.data or 1)
                       for e in form.parts if e.part_id.data],
                ram_mib_after=parse_ram_gb(form.ram_gb_after.data),
                actor_id=actor_id(), now=now())
        if done:
            flash(_("%(tag)s : bon de travail enregistré.", tag=device.asset_tag), "success")
            return to_device(device_id)
    return form_page("workshop/work_order.html", device, form)
