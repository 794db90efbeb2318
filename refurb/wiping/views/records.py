"""Wipe records: the list, one record with what it is worth, its validation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import STAFF, WORKSHOP, roles_required
from refurb.devices.queries import paginate
from refurb.web import actor_id, attempt, now, page_arg, per_page
from refurb.wiping import overview, queries, records
from refurb.wiping.forms import ValidateForm
from refurb.wiping.permissions import can_validate_wipe
from refurb.wiping.views.blueprint import bp


@bp.get("/wiping/records")
@roles_required(*STAFF)
def list_records():
    result = request.args.get("result") or None
    source = request.args.get("source") or None
    awaiting = request.args.get("awaiting") == "1"  # the home page's "to validate" queue
    page = paginate(queries.list_records_query(result, source,
                                               current_user.id if awaiting else None),
                    page_arg(), per_page())
    return render_template("wiping/records.html", page=page, result=result, source=source,
                           awaiting=awaiting)


@bp.get("/wiping/records/<int:record_id>")
@roles_required(*STAFF)
def show_record(record_id: int):
    record = queries.get_record(record_id) or abort(404)
    page = overview.record_overview(record)
    can_validate = can_validate_wipe(current_user, record) and page["verdict"].accepted
    return render_template("wiping/record.html", **page, can_validate=can_validate,
                           form=ValidateForm())


@bp.post("/wiping/records/<int:record_id>/validate")
@roles_required(*WORKSHOP)
def validate_record(record_id: int):
    record = queries.get_record(record_id) or abort(404)
    form = ValidateForm()
    if form.validate_on_submit():
        with attempt() as done:
            records.validate_record(record, actor_id=actor_id(), now=now(),
                                    note=form.note.data or "")
        if done:
            flash(_("Effacement validé."), "success")
    return redirect(url_for("wiping.show_record", record_id=record_id))
