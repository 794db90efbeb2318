"""The ready stock: machines a social worker may reserve, all of them or those fitting one
file's needs (?fit=<file>, the waiting list's link)."""

from __future__ import annotations

from flask import render_template, request, url_for

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import matching, queries
from refurb.allocations.views.blueprint import bp, expire_lazily
from refurb.beneficiaries.models import Beneficiary
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.needs import KIND_LABELS as NEED_KIND_LABELS
from refurb.database import writes_on_get
from refurb.devices.queries import paginate
from refurb.extension_points import StockFit
from refurb.web import get_or_404, int_arg, page_arg, per_page


@bp.get("/")
@roles_required(*SOCIAL)
@writes_on_get
def ready_stock():
    expire_lazily()
    device_type = request.args.get("type") or None
    fit_id = int_arg("fit")
    fit_for = get_or_404(Beneficiary, fit_id) if fit_id else None
    query = (matching.fitting_stock_query(fit_for.needs) if fit_for is not None
             else queries.ready_stock_query(device_type))
    page = paginate(query, page_arg(), per_page())
    return render_template("allocations/stock.html", page=page, device_type=device_type,
                           configs=queries.device_configs(page.items), types=DEVICE_TYPE_LABELS,
                           fit_for=fit_for, labels={"need_kind": NEED_KIND_LABELS})


def waiting_list_fits(files) -> dict[int, StockFit]:
    """The waiting list's column: ready machines fitting each file, and the link to them."""
    return {file_id: StockFit(fit.count, fit.noted, url_for("allocations.ready_stock",
                                                            fit=file_id))
            for file_id, fit in matching.fitting_counts(files).items()}
