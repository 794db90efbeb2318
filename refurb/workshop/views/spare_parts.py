"""Spare parts pages: the catalogue, one part and its ledger, harvesting from a machine."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.workshop import forms, spare_parts
from refurb.workshop.models import SPARE_PART_CATEGORIES, SparePart
from refurb.workshop.queries.device_panel import device_panel
from refurb.workshop.queries.spare_parts import (
    ledger_query,
    list_spare_parts_query,
    spare_part_choices,
)
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page


@bp.get("/parts")
@roles_required(*WORKSHOP)
def parts():
    category = request.args.get("category") or None
    category = category if category in SPARE_PART_CATEGORIES else None
    text = (request.args.get("q") or "").strip()
    page = paginate(list_spare_parts_query(category, text), page_arg(), per_page())
    return render_template("workshop/parts.html", page=page, category=category, q=text)


@bp.route("/parts/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_part():
    form = forms.SparePartForm()
    if form.validate_on_submit():
        with attempt() as done:
            part = spare_parts.create_spare_part(
                form.category.data, form.name.data, form.compatibility.data or "",
                quantity=form.quantity.data or 0, actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("workshop.part", part_id=part.id))
    return form_page("workshop/part_form.html", form=form)


@bp.route("/parts/<int:part_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def part(part_id: int):
    part = get_or_404(SparePart, part_id)
    form = forms.StockChangeForm()
    if form.validate_on_submit():
        change = (spare_parts.receive_spare_parts if form.kind.data == "receive"
                  else spare_parts.adjust_stock)
        with attempt() as done:
            change(part, form.quantity.data, form.note.data or "", actor_id=actor_id(),
                   now=now())
        if done:
            flash(_("Stock mis à jour : %(n)s en stock.", n=part.quantity), "success")
            return redirect(url_for("workshop.part", part_id=part_id))
    page = paginate(ledger_query(part.id), page_arg(), per_page())
    return form_page("workshop/part.html", form=form, part=part, page=page)


@bp.route("/devices/<int:device_id>/harvest", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def harvest(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.HarvestForm()
    form.part_id.choices = spare_part_choices()
    if form.validate_on_submit():
        with attempt() as done:
            spare_parts.harvest_spare_part(
                device, get_or_404(SparePart, form.part_id.data), form.quantity.data,
                form.note.data or "", actor_id=actor_id(), now=now())
        if done:
            flash(_("Pièce ajoutée au stock."), "success")
            return redirect(url_for("workshop.harvest", device_id=device_id))
    return form_page("workshop/harvest.html", device, form,
                     panel=device_panel(device, can_edit=True))
