"""nwipe logs: the list, importing several files at once, one log with its drives, the
original file, and attaching a drive the import could not match."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import STAFF, WORKSHOP, roles_required
from refurb.devices.queries import paginate
from refurb.web import (
    actor_id,
    attempt,
    get_or_404,
    now,
    page_arg,
    per_page,
    translate,
    translate_error,
)
from refurb.wiping import log_import, overview, queries
from refurb.wiping.forms import AttachForm, UploadLogsForm
from refurb.wiping.models import WipeLog
from refurb.wiping.permissions import can_override_match, can_work_on_drives, current_actor
from refurb.wiping.views.blueprint import bp


@bp.get("/wiping/logs")
@roles_required(*STAFF)
def list_logs():
    page = paginate(queries.list_logs_query(), page_arg(), per_page())
    return render_template("wiping/logs.html", page=page)


@bp.route("/wiping/logs/import", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def import_logs():
    form = UploadLogsForm()
    results = None
    if form.validate_on_submit():
        files = [f for f in form.files.data or [] if getattr(f, "filename", "")]
        if not files:
            flash(_("Choisissez au moins un fichier journal."), "error")
        else:
            results = _shown(log_import.import_files(((f.filename, f.read()) for f in files),
                                                     actor_id=actor_id(), now=now()))
    return render_template("wiping/import.html", form=form, results=results)


def _shown(results) -> list[dict]:
    """Each file's outcome with its messages in the reader's language."""
    shown = []
    for filename, outcome, error in results:
        message, reasons = translate_error(error) if error else (None, [])
        pending = [(p, p.describe(translate)) for p in outcome.pending] if outcome else []
        shown.append({"filename": filename, "outcome": outcome, "error": message,
                      "reasons": reasons, "pending": pending})
    return shown


@bp.get("/wiping/logs/<int:log_id>")
@roles_required(*STAFF)
def show_log(log_id: int):
    log = get_or_404(WipeLog, log_id)
    return render_template("wiping/log.html", log=log, drives=overview.log_drives(log),
                           attach_form=AttachForm(formdata=None),
                           can_change=can_work_on_drives(current_user),
                           can_override=can_override_match(current_user))


@bp.get("/wiping/logs/<int:log_id>/download")
@roles_required(*WORKSHOP)
def download_log(log_id: int):
    log = get_or_404(WipeLog, log_id)
    return send_file(io.BytesIO(log.text.encode("utf-8")), mimetype="text/plain",
                     as_attachment=True, download_name=log.filename)


@bp.post("/wiping/logs/<int:log_id>/drives/<int:index>/attach")
@roles_required(*WORKSHOP)
def attach_log_drive(log_id: int, index: int):
    log = get_or_404(WipeLog, log_id)
    form = AttachForm()
    if not form.validate_on_submit():
        flash(_("Scannez un numéro d’inventaire."), "error")
    else:
        with attempt() as done:
            log_import.attach_log_drive(log, index, form.tag.data, form.kind.data,
                                        actor=current_actor(), now=now(),
                                        override_reason=form.override_reason.data)
        if done:
            flash(_("Effacement enregistré pour %(tag)s.", tag=form.tag.data.strip()),
                  "success")
    return redirect(url_for("wiping.show_log", log_id=log_id) + f"#drive-{index}")
