"""Batch scanning pages: choose an action, then scan tag after tag (answered in place as JSON
when the page's script asks, by a plain redirect otherwise), undo the last, close."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.extension_points import batch_actions as BATCH_ACTIONS
from refurb.web import actor_id, attempt, get_or_404, now, translate, translate_error
from refurb.workshop import batch as scans
from refurb.workshop import forms
from refurb.workshop.batch_actions import LOCATION_ACTIONS
from refurb.workshop.models import BatchScanItem, BatchScanSession
from refurb.workshop.permissions import can_open_batch
from refurb.workshop.queries.batch import batch_items, open_batches, summary
from refurb.workshop.views.blueprint import bp


@bp.route("/batch", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def batch_scan():
    form = forms.BatchStartForm()
    if form.validate_on_submit():
        with attempt() as done:
            batch = scans.start_batch(form.action.data, form.parameter.data,
                                      role=current_user.role, actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("workshop.batch", batch_id=batch.id))
    status = 400 if request.method == "POST" else 200
    return render_template("workshop/batch_start.html", form=form, options=_batch_options(),
                           open_batches=_open_batches(), typed=request.form), status


def _batch_options() -> list[tuple]:
    """(action, parameter choices or None, parameter optional) for each allowed action."""
    return [(a, a.parameter_choices() if a.parameter_choices else None,
             a.key in LOCATION_ACTIONS)
            for a in scans.actions_for(current_user.role)]


def _open_batches() -> list[tuple]:
    rows = []
    for batch in open_batches(actor_id()):
        action = BATCH_ACTIONS.get(batch.action_key)
        if action is not None:
            rows.append((batch, action, scans.parameter_label(action, batch.parameter)))
    return rows


def _own_batch(batch_id: int) -> BatchScanSession:
    batch = get_or_404(BatchScanSession, batch_id)
    if not can_open_batch(current_user, batch):
        abort(403)
    return batch


def _wants_json() -> bool:
    return (request.accept_mimetypes.best == "application/json"
            or request.args.get("format") == "json")


def _batch_context(batch: BatchScanSession) -> dict:
    action = scans.get_action(batch.action_key)
    return {
        "batch": batch, "action": action,
        "target": scans.parameter_label(action, batch.parameter),
        "items": batch_items(batch.id),
        "summary": summary(batch.id),
    }


def _item_json(item: BatchScanItem) -> dict:
    return {"id": item.id, "scanned": item.scanned, "ok": item.ok, "message": item.message,
            "undone": item.undone_at is not None, "undo_message": item.undo_message,
            "device_url": url_for("devices.show", device_id=item.device_id)
            if item.device_id else None}


def _batch_reply(batch: BatchScanSession, items: list[BatchScanItem], error: str | None,
                 status: int = 200):
    if _wants_json():
        if error:
            return jsonify(error=error), status
        done = summary(batch.id)
        return jsonify(items=[_item_json(i) for i in items],
                       target=scans.parameter_label(scans.get_action(batch.action_key),
                                                    batch.parameter),
                       summary={"done": done.done, "refused": done.refused,
                                "undone": done.undone}), status
    if error:
        flash(error, "error")
    for item in items:
        if item.id is None:  # a repeated read, answered but not stored
            flash(item.message, "info")
    # No "#scan" fragment: browsers skip autofocus on a URL with a fragment.
    return redirect(url_for("workshop.batch", batch_id=batch.id))


@bp.get("/batch/<int:batch_id>")
@roles_required(*WORKSHOP)
def batch(batch_id: int):
    batch = _own_batch(batch_id)
    return render_template("workshop/batch.html", scan_form=forms.ScanForm(formdata=None),
                           action_form=forms.CsrfForm(), **_batch_context(batch))


@bp.post("/batch/<int:batch_id>/scan")
@roles_required(*WORKSHOP)
def batch_scan_tag(batch_id: int):
    batch = _own_batch(batch_id)
    form = forms.ScanForm()
    if not form.validate_on_submit():
        message = (_("Le formulaire a expiré : rechargez la page.") if form.csrf_token.errors
                   else _("Étiquette illisible ou trop longue."))
        return _batch_reply(batch, [], message, 400)
    with attempt(flash_error=False) as done:
        tags = scans.split_scans(form.code.data, form.codes.data)
    if not done:
        return _batch_reply(batch, [], translate_error(done.error)[0], 400)
    if not tags:
        return _batch_reply(batch, [], _("Scannez une étiquette."), 400)
    items = [scans.scan(batch, tag, actor_id=actor_id(), now=now(), translate=translate)
             for tag in tags]
    return _batch_reply(batch, items, None)


@bp.post("/batch/<int:batch_id>/undo")
@roles_required(*WORKSHOP)
def batch_undo(batch_id: int):
    batch = _own_batch(batch_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    with attempt(flash_error=False) as done:
        item = scans.undo_last(batch, actor_id=actor_id(), now=now(), translate=translate)
    if not done:
        message = _("Annulation impossible : %(why)s", why=done.error.describe(translate))
        return _batch_reply(batch, [], message, done.error.http_status)
    if not _wants_json():
        flash(_("Annulé : %(message)s", message=item.undo_message), "success")
    return _batch_reply(batch, [item], None)


@bp.post("/batch/<int:batch_id>/close")
@roles_required(*WORKSHOP)
def batch_close(batch_id: int):
    batch = _own_batch(batch_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    scans.close_batch(batch, now=now())
    return redirect(url_for("workshop.batch", batch_id=batch_id))
