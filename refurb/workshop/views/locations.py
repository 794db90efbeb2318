"""Stock location pages: the list, one shelf and what stands on it, its label; putting a
device on a shelf; a shelf label typed in the scan box (resolver registered in wiring)."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.errors import Message
from refurb.core.workshop import parse_location_code
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.devices.scan_repeat import ALREADY_TAKEN
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page, translate
from refurb.workshop import forms, locations
from refurb.workshop.models import StockLocation
from refurb.workshop.queries.locations import (
    device_counts_by_location,
    devices_at_query,
    get_location_by_code,
    list_locations_query,
)
from refurb.workshop.queries.stock import stock_rows
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page, same_site


def location_url(text: str) -> str | None:
    """A shelf label in the scan box opens the shelf."""
    location = get_location_by_code(text)
    return url_for("workshop.location", location_id=location.id) if location else None


@bp.get("/locations", endpoint="locations")
@roles_required(*WORKSHOP)
def locations_list():
    show_all = request.args.get("all") == "1"
    page = paginate(list_locations_query(show_all), page_arg(), per_page())
    counts = device_counts_by_location(loc.id for loc in page.items)
    return render_template("workshop/locations.html", page=page, counts=counts,
                           show_all=show_all)


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_location():
    return _location_form(None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def edit_location(location_id: int):
    return _location_form(get_or_404(StockLocation, location_id))


def _location_form(location: StockLocation | None):
    form = forms.LocationForm(obj=location)
    if form.validate_on_submit():
        values = (form.name.data, form.kind.data, form.notes.data or "")
        with attempt() as done:
            if location is None:
                location = locations.create_location(*values, now=now())
            else:
                locations.update_location(location, *values, active=form.active.data)
        if done:
            return redirect(url_for("workshop.location", location_id=location.id))
    return form_page("workshop/location_form.html", form=form, location=location)


@bp.get("/locations/<int:location_id>")
@roles_required(*WORKSHOP)
def location(location_id: int):
    location = get_or_404(StockLocation, location_id)
    page = paginate(devices_at_query(location.id), page_arg(), per_page())
    return render_template("workshop/location.html", location=location, page=page,
                           rows=stock_rows(page.items))


@bp.get("/locations/<int:location_id>/label.pdf")
@roles_required(*WORKSHOP)
def location_label(location_id: int):
    location = get_or_404(StockLocation, location_id)
    with attempt() as done:
        content = locations.location_label_pdf(location, request.args.get("stock"))
    if not done:
        return redirect(url_for("workshop.location", location_id=location_id))
    return send_file(io.BytesIO(content), mimetype="application/pdf",
                     download_name=f"etiquette-{location.code}.pdf")


@bp.post("/devices/<int:device_id>/location")
@roles_required(*WORKSHOP)
def move(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.MoveForm()
    if form.validate_on_submit():
        with attempt() as done:
            moved = locations.move_to_scanned(device, form.location.data, actor_id=actor_id(),
                                              now=now())
        if done and moved is None and form.location.data.strip():
            code = parse_location_code(form.location.data)
            flash(translate(Message(ALREADY_TAKEN, {"code": code})), "info")
        elif done:
            flash(_("%(tag)s : emplacement enregistré.", tag=device.asset_tag), "success")
    return redirect(same_site(request.form.get("next"))
                    or url_for("workshop.device", device_id=device_id))
