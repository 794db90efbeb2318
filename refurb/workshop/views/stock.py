"""The ready stock page (and the other workshop states), filtered by what a household needs."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from refurb.accounts.access import STAFF, roles_required
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.qa import GRADES
from refurb.devices.queries import paginate
from refurb.web import int_arg, page_arg, per_page
from refurb.workshop.permissions import can_edit_checklist, can_work_on_devices
from refurb.workshop.queries.profiles import list_profiles, to_core_profile
from refurb.workshop.queries.stock import (
    COUNTED_STATES,
    StockFilters,
    counts_by_type_and_state,
    stock_query,
    stock_rows,
)
from refurb.workshop.views.blueprint import bp


def _stock_filters() -> StockFilters:
    args = request.args
    state = args.get("state", State.READY.value)
    kind = args.get("type") or None
    return StockFilters(
        state=state if state in {s.value for s in State} else State.READY.value,
        device_type=kind if kind in {t.value for t in DeviceType} else None,
        grade=args.get("grade") if args.get("grade") in GRADES else None,
        min_ram_gb=int_arg("ram") or None,
        min_storage_gb=int_arg("storage") or None,
        profile_id=int_arg("profile") or None,
    )


@bp.get("/stock")
@roles_required(*STAFF)
def stock():
    filters = _stock_filters()
    page = paginate(stock_query(filters), page_arg(), per_page())
    profiles = list_profiles(include_inactive=False)
    rows = stock_rows(page.items, [to_core_profile(p) for p in profiles])
    return render_template(
        "workshop/stock.html", page=page, rows=rows, filters=filters, profiles=profiles,
        counts=counts_by_type_and_state(), counted_states=COUNTED_STATES,
        states=STATE_LABELS, types=DEVICE_TYPE_LABELS, grades=GRADES,
        can_edit=can_work_on_devices(current_user),
        can_edit_checklist=can_edit_checklist(current_user))
