"""The wiping station: choose the method once, then scan tag after tag. The page posts each
scan as JSON when scripts run, as a form otherwise (the method stays in the URL)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.clock import format_local
from refurb.web import actor_id, attempt, now, translate, translate_error
from refurb.wiping import station as wiping_station
from refurb.wiping.forms import StationForm
from refurb.wiping.views.blueprint import bp


@bp.get("/wiping/station")
@roles_required(*WORKSHOP)
def station():
    form = StationForm(formdata=request.args if request.args else None)
    return render_template("wiping/station.html", form=form)


@bp.post("/wiping/station")
@roles_required(*WORKSHOP)
def station_scan():
    form = StationForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        return _incomplete(form, wants_json)
    with attempt(flash_error=not wants_json) as done:
        result = wiping_station.station_record(form.tag.data, form.to_input(),
                                               actor_id=actor_id(), now=now())
    if wants_json:
        return _as_json(done, result if done else None)
    if done:
        flash(translate(result[1]), "success")
    return redirect(url_for("wiping.station", **form.method_args()))


def _incomplete(form: StationForm, wants_json: bool):
    message = _("Scan incomplet : vérifiez la méthode et le numéro d’inventaire.")
    if wants_json:
        return jsonify(ok=False, message=message, errors=form.errors), 400
    flash(message, "error")
    return render_template("wiping/station.html", form=form), 400


def _as_json(done, result):
    if not done:
        message, reasons = translate_error(done.error)
        return jsonify(ok=False, message=message, reasons=reasons,
                       time=format_local(now(), "%H:%M:%S")), 409
    records, message = result
    return jsonify(ok=True, message=translate(message), count=len(records),
                   time=format_local(now(), "%H:%M:%S"))
