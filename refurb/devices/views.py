"""Device pages: the dashboard, lists, the scan box, one device with its history and panels."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import STAFF, WORKSHOP, roles_required
from refurb.core.asset_tags import parse_tag
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.lifecycle import STATE_LABELS, Option
from refurb.core.scan_codes import normalise_scan, strip_scanner_noise
from refurb.devices import queries, services
from refurb.devices.forms import NoteForm, TransitionForm
from refurb.devices.models import Device
from refurb.devices.permissions import can_change_device
from refurb.extension_points import device_panels, scan_resolvers
from refurb.security.redirects import safe_redirect_target
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page, translate

bp = Blueprint("devices", __name__)



@bp.get("/devices/dashboard")
@roles_required(*STAFF)
def dashboard():
    """Devices by state: the stock at a glance (the home page at `/` lists what waits)."""
    counts = queries.count_by_state()
    rows = [(state, label, counts.get(state.value, 0)) for state, label in STATE_LABELS.items()]
    return render_template("devices/dashboard.html", rows=rows, total=sum(counts.values()))


@bp.get("/devices")
@roles_required(*STAFF)
def list_devices():
    state = request.args.get("state") or None
    device_type = request.args.get("type") or None
    page = queries.paginate(queries.table_rows(queries.list_devices_query(state, device_type)),
                            page_arg(), per_page(), total=queries.count_devices(state, device_type),
                            rows=True)
    return render_template(
        "devices/list.html",
        page=page,
        state=state,
        device_type=device_type,
        states=STATE_LABELS,
        types=DEVICE_TYPE_LABELS,
    )


def _resolve_scan(text: str) -> str | None:
    """Where a scan that is not a device's tag goes (a drive, a location…), if anywhere."""
    for resolver in scan_resolvers:
        url = resolver(text)
        if url:
            return url
    # A scanned serial (even one shaped like a tag without hyphens): one index lookup, and
    # straight to the machine when it is the only one.
    exact = queries.get_devices_by_exact(strip_scanner_noise(text))
    if len(exact) == 1:
        return url_for("devices.show", device_id=exact[0].id)
    return None


@bp.get("/scan")
@roles_required(*STAFF)
def scan():
    """The scan box. A device's tag answers its page at once (one round trip at the bench, the
    address bar then shows the page's own address); other tags go to their page; other text
    searches serials, makes and models."""
    text = strip_scanner_noise(request.args.get("q") or "")
    wants_json = request.args.get("format") == "json"
    if not text:
        message = _("Scannez ou saisissez un numéro d'inventaire.")
        return (jsonify(found=False, message=message), 400) if wants_json else redirect(
            safe_redirect_target(request.referrer, url_for("home.index"),
                                 host_url=request.host_url)
        )
    if wants_json:  # the scan box's script: the address alone, read from the tag's index
        device_id = queries.get_device_id_by_tag(text)
        if device_id is not None:
            return jsonify(found=True, url=url_for("devices.show", device_id=device_id))
    else:
        device = queries.get_device_for_page_by_tag(text)
        if device is not None:
            url = url_for("devices.show", device_id=device.id)
            response = make_response(_device_page(device, canonical_url=url))
            response.headers["Link"] = f'<{url}>; rel="canonical"'
            return response
    url = _resolve_scan(text)
    if url:
        return jsonify(found=True, url=url) if wants_json else redirect(url)
    if parse_tag(text) is not None:
        message = _("Numéro d'inventaire inconnu : %(tag)s", tag=normalise_scan(text))
        if wants_json:
            return jsonify(found=False, message=message), 404
        return render_template("devices/search.html", query=text, page=None, message=message), 404
    if wants_json:
        return jsonify(found=False, url=url_for("devices.scan", q=text))
    page = queries.search_devices(text, page_arg(), per_page())
    return render_template("devices/search.html", query=text, page=page, message=None,
                           count_limit=queries.COUNT_LIMIT)


@bp.get("/devices/<int:device_id>")
@roles_required(*STAFF)
def show(device_id: int):
    device = queries.get_device_for_page(device_id)
    if device is None:
        abort(404)
    return _device_page(device)


def _device_page(device: Device, canonical_url: str | None = None) -> str:
    """The device page; `canonical_url` when it answers another address (the scan box)."""
    return render_template(
        "devices/show.html",
        device=device,
        options=[_in_readers_language(o) for o in services.next_states(device)],
        history=queries.history_rows(device.id),
        can_change=can_change_device(current_user),
        panels=device_panels.render_data(device),
        canonical_url=canonical_url,
        touch_page=False,  # the same page as at its own address, not the scan page's controls
    )


def _in_readers_language(option: Option) -> Option:
    """The option with the reasons it is refused translated, ready for the template."""
    reasons = tuple(translate(reason) for reason in option.verdict.reasons)
    return replace(option, verdict=replace(option.verdict, reasons=reasons))


@bp.post("/devices/<int:device_id>/transition")
@roles_required(*WORKSHOP)
def change_state(device_id: int):
    device = get_or_404(Device, device_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(_("Action incomplète : choisissez un état."), "error")
        return redirect(url_for("devices.show", device_id=device.id))
    with attempt() as done:
        services.transition(
            device, form.target.data, actor_id=actor_id(), now=now(), reason=form.reason.data or ""
        )
    if done:
        flash(_("%(tag)s : nouvel état enregistré.", tag=device.asset_tag), "success")
    return redirect(url_for("devices.show", device_id=device_id))


@bp.post("/devices/<int:device_id>/note")
@roles_required(*WORKSHOP)
def add_note(device_id: int):
    device = get_or_404(Device, device_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.record_event(
            device, "note", actor_id=actor_id(), now=now(), reason=form.note.data.strip()
        )
        flash(_("Note ajoutée à l'historique."), "success")
    else:
        flash(_("La note est vide."), "error")
    return redirect(url_for("devices.show", device_id=device_id))
