"""Machines waiting for parts: record a need, note the order, end it (fitted or cancelled),
and the list of every machine still waiting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.workshop import forms, part_needs
from refurb.workshop.models import PartNeed
from refurb.workshop.queries.part_needs import waiting_devices, waiting_devices_query
from refurb.workshop.queries.spare_parts import spare_part_choices
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, same_site, to_device


@bp.route("/devices/<int:device_id>/part-needs/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_part_need(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.PartNeedForm()
    form.part_id.choices = [(0, _("— pas dans le stock : décrivez-la —")),
                            *spare_part_choices()]
    if form.validate_on_submit():
        with attempt() as done:
            part_needs.record_part_need(
                device, part_id=form.part_id.data or None, category=form.category.data,
                description=form.description.data or "", quantity=form.quantity.data,
                ordered_on=form.ordered_on.data, actor_id=actor_id(), now=now())
        if done:
            flash(_("%(tag)s : pièce attendue enregistrée.", tag=device.asset_tag), "success")
            return to_device(device_id)
    return form_page("workshop/part_need_form.html", device, form)


def _back(need: PartNeed):
    return redirect(same_site(request.form.get("next"))
                    or url_for("workshop.device", device_id=need.device_id))


@bp.post("/part-needs/<int:need_id>/ordered")
@roles_required(*WORKSHOP)
def part_ordered(need_id: int):
    need = get_or_404(PartNeed, need_id)
    form = forms.PartOrderedForm()
    if form.validate_on_submit():
        with attempt() as done:
            part_needs.mark_ordered(need.id, form.ordered_on.data, actor_id=actor_id(),
                                    now=now())
        if done:
            flash(_("Date de commande enregistrée."), "success")
    elif "csrf_token" in form.errors:
        abort(400)
    else:
        flash(_("Indiquez la date de commande."), "error")
    return _back(need)


@bp.post("/part-needs/<int:need_id>/fitted")
@roles_required(*WORKSHOP)
def part_fitted(need_id: int):
    need = get_or_404(PartNeed, need_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        part_needs.mark_fitted(need.id, actor_id=actor_id(), now=now())
    if done:
        flash(_("Pièce reçue et posée : la machine n’attend plus cette pièce."), "success")
    return _back(need)


@bp.post("/part-needs/<int:need_id>/cancel")
@roles_required(*WORKSHOP)
def cancel_part_need(need_id: int):
    need = get_or_404(PartNeed, need_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        part_needs.cancel_need(need.id, request.form.get("reason", ""), actor_id=actor_id(),
                               now=now())
    if done:
        flash(_("La pièce n’est plus attendue."), "success")
    return _back(need)


@bp.get("/waiting-for-parts")
@roles_required(*WORKSHOP)
def waiting_for_parts():
    page = paginate(waiting_devices_query(), page_arg(), per_page())
    return render_template("workshop/waiting_for_parts.html", page=page,
                           rows=waiting_devices(page.items))
