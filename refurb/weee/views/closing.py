"""Closing a batch (admins) and its handover document."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.clock import today
from refurb.documents.services import latest_version
from refurb.settings import workshop
from refurb.web import actor_id, attempt, get_or_404, now, translate
from refurb.weee import closing, forms, queries
from refurb.weee.models import WeeeBatch
from refurb.weee.site import site_gaps
from refurb.weee.views.common import bp, labels


@bp.route("/batches/<int:batch_id>/close", methods=["GET", "POST"])
@roles_required(*ADMIN)
def close(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    if not batch.is_open:
        flash(_("Le lot %(number)s est déjà clôturé.", number=batch.number), "info")
        return redirect(url_for("weee.batch", batch_id=batch.id))
    form = _close_form()
    if form.validate_on_submit():
        with attempt() as done:
            closing.close_batch(batch, _handover(form), actor_id=actor_id(), now=now())
        if done:
            flash(_("Lot %(number)s clôturé et remis.", number=batch.number), "success")
            return redirect(url_for("weee.batch", batch_id=batch.id))
    items = queries.batch_items(batch)
    return render_template("weee/close.html", batch=batch, form=form, items=items,
                           blockers=[translate(r) for r in closing.closing_blockers(items)],
                           identity_gaps=site_gaps(), can_edit_identity=True,
                           labels=labels(), total=sum((i.weight_kg for i in items), Decimal("0")))


def _close_form() -> forms.CloseBatchForm:
    form = forms.CloseBatchForm()
    form.operator_id.choices = [(0, "—")] + [
        (o.id, f"{o.name} ({o.siret})") for o in queries.list_operators(active_only=True)]
    carriers = [(c.id, f"{c.name} ({c.siret})") for c in queries.list_carriers(active_only=True)]
    for name in form.CARRIER_FIELDS:
        getattr(form, name).choices = [(0, "—")] + carriers
    if request.method == "GET":
        form.handover_date.data = today()
        defaults = workshop.current()  # the workshop's usual treatment, when it has one
        form.operation_code.data = form.operation_code.data or defaults.treatment_operation_code
        form.operation_mode.data = form.operation_mode.data or defaults.treatment_operation_mode
    return form


def _handover(form: forms.CloseBatchForm) -> closing.Handover:
    return closing.Handover(
        operator_id=form.operator_id.data,
        carrier_ids=[getattr(form, name).data for name in form.CARRIER_FIELDS],
        handover_date=form.handover_date.data, operation_code=form.operation_code.data,
        operation_mode=form.operation_mode.data or None,
        signed_by_name=form.signed_by_name.data, signature_confirmed=form.signature_confirmed.data,
        signed_on=form.signed_on.data, tracking_reference=form.tracking_reference.data or "")


@bp.get("/batches/<int:batch_id>/handover")
@roles_required(*WORKSHOP)
def handover_document(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    document = None if batch.is_open else latest_version(batch.number)
    if document is None:
        abort(404)
    return redirect(url_for("documents.download", document_id=document.id,
                            filename=document.filename))
