"""The ready stock: machines a social worker may reserve."""

from __future__ import annotations

from flask import render_template, request

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import queries
from refurb.allocations.views.blueprint import bp, expire_lazily
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.database import writes_on_get
from refurb.devices.queries import paginate
from refurb.web import page_arg, per_page


@bp.get("/")
@roles_required(*SOCIAL)
@writes_on_get
def ready_stock():
    expire_lazily()
    device_type = request.args.get("type") or None
    page = paginate(queries.ready_stock_query(device_type), page_arg(), per_page())
    return render_template("allocations/stock.html", page=page, device_type=device_type,
                           configs=queries.device_configs(page.items), types=DEVICE_TYPE_LABELS)
