"""Batch pages: the list, opening a batch, and filling it with devices and loose parts."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.queries import get_device_by_tag, get_drive_by_tag, paginate
from refurb.documents.services import latest_version
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page
from refurb.weee import batches as weee_batches
from refurb.weee import forms, loose_parts, queries
from refurb.weee.models import WasteItem, WeeeBatch
from refurb.weee.permissions import can_close_batch, can_fill_batch
from refurb.weee.views.common import bp, labels


@bp.get("/")
@roles_required(*WORKSHOP)
def batches():
    state = request.args.get("state") or None
    page = paginate(queries.list_batches_query(state), page_arg(), per_page())
    return render_template("weee/batches.html", page=page, state=state,
                           totals=queries.batch_totals([b.id for b in page.items]),
                           form=forms.OpenBatchForm(), containers=weee_batches.CONTAINERS)


@bp.post("/batches")
@roles_required(*WORKSHOP)
def open_batch():
    form = forms.OpenBatchForm()
    if not form.validate_on_submit():
        flash(_("Contenant ou repère invalide."), "error")
        return redirect(url_for("weee.batches"))
    with attempt() as done:
        batch = weee_batches.open_batch(container=form.container.data,
                                        label=form.label.data or "", actor_id=actor_id(),
                                        now=now())
    if not done:
        return redirect(url_for("weee.batches"))
    flash(_("Lot %(number)s ouvert.", number=batch.number), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


def render_batch(batch: WeeeBatch, status: int = 200, **forms_):
    """The batch page; a refused form comes back in `forms_` with what was typed."""
    items = queries.batch_items(batch)
    weights: dict[str, Decimal] = {}
    for item in items:
        weights[item.waste_code] = weights.get(item.waste_code, Decimal("0")) + item.weight_kg
    return render_template(
        "weee/batch.html", batch=batch, items=items, weights=sorted(weights.items()),
        total=sum(weights.values(), Decimal("0")),
        carriers=[] if batch.is_open else queries.batch_carriers(batch.id),
        document=None if batch.is_open else latest_version(batch.number),
        disposable=queries.disposable_devices() if batch.is_open else [],
        device_form=forms_.get("device_form") or forms.AddDeviceForm(formdata=None),
        part_form=forms_.get("part_form") or forms.AddPartForm(formdata=None),
        edit_form=forms.EditItemForm(formdata=None), remove_form=forms.RemoveItemForm(),
        can_edit=can_fill_batch(current_user, batch),
        can_close=can_close_batch(current_user, batch), labels=labels(),
    ), status


@bp.get("/batches/<int:batch_id>")
@roles_required(*WORKSHOP)
def batch(batch_id: int):
    return render_batch(get_or_404(WeeeBatch, batch_id))


@bp.post("/batches/<int:batch_id>/devices")
@roles_required(*WORKSHOP)
def add_device(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    form = forms.AddDeviceForm()
    if not form.validate_on_submit():
        return render_batch(batch, 400, device_form=form)
    device = get_device_by_tag(form.tag.data)
    if device is None:
        form.tag.errors.append(_("Numéro d'inventaire inconnu : %(tag)s", tag=form.tag.data))
        return render_batch(batch, 400, device_form=form)
    with attempt() as done:
        weee_batches.add_device(batch, device, actor_id=actor_id(), now=now(),
                                waste_code=form.waste_code.data or None,
                                contains_pops=form.contains_pops.data,
                                weight_kg=form.weight.data)
    if not done:
        return render_batch(batch, 409, device_form=form)
    flash(_("%(tag)s ajouté au lot.", tag=device.asset_tag), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


@bp.post("/batches/<int:batch_id>/parts")
@roles_required(*WORKSHOP)
def add_part(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    form = forms.AddPartForm()
    if not form.validate_on_submit():
        return render_batch(batch, 400, part_form=form)
    drive = _find_drive(form.drive_tag.data)
    if form.drive_tag.data and drive is None:
        form.drive_tag.errors.append(_("Disque introuvable : %(text)s", text=form.drive_tag.data))
        return render_batch(batch, 400, part_form=form)
    with attempt() as done:
        loose_parts.add_part(batch, _part_values(form), actor_id=actor_id(), now=now(),
                             drive=drive)
    if not done:
        return render_batch(batch, 409, part_form=form)
    flash(_("Élément ajouté au lot."), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


def _part_values(form: forms.AddPartForm) -> loose_parts.PartValues:
    return loose_parts.PartValues(
        kind=form.kind.data, description=form.description.data or "",
        quantity=form.quantity.data, weight_kg=form.weight.data,
        weight_measured=form.weight_measured.data, category=form.category.data,
        waste_code=form.waste_code.data, contains_pops=form.contains_pops.data)


def _find_drive(text: str | None):
    """A removed drive by its own tag, else by its serial number when only one drive has it."""
    text = (text or "").strip()
    if not text:
        return None
    return get_drive_by_tag(text) or queries.drive_by_serial(text)


@bp.post("/items/<int:item_id>")
@roles_required(*WORKSHOP)
def edit_item(item_id: int):
    item = get_or_404(WasteItem, item_id)
    form = forms.EditItemForm()
    if not form.validate_on_submit():
        flash(_("Modification invalide : vérifiez le code déchet et le poids."), "error")
        return redirect(url_for("weee.batch", batch_id=item.batch_id))
    with attempt() as done:
        weee_batches.update_item(item, waste_code=form.waste_code.data,
                                 contains_pops=form.contains_pops.data,
                                 weight_kg=form.weight.data, actor_id=actor_id(), now=now())
    if done:
        flash(_("Élément modifié."), "success")
    return redirect(url_for("weee.batch", batch_id=item.batch_id))


@bp.post("/items/<int:item_id>/remove")
@roles_required(*WORKSHOP)
def remove_item(item_id: int):
    item = get_or_404(WasteItem, item_id)
    batch_id = item.batch_id
    if forms.RemoveItemForm().validate_on_submit():
        with attempt() as done:
            weee_batches.remove_item(item, actor_id=actor_id(), now=now())
        if done:
            flash(_("Élément retiré du lot."), "success")
    return redirect(url_for("weee.batch", batch_id=batch_id))
