"""The reuse and recycling rates page."""

from __future__ import annotations

from flask import render_template

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.weee import CATEGORY_LABELS
from refurb.core.weee_rates import OUTCOME_LABELS, Outcome
from refurb.weee import rates as weee_rates
from refurb.weee.views.common import bp, period


@bp.get("/rates")
@roles_required(*WORKSHOP)
def rates():
    start, end = period()
    return render_template("weee/rates.html", start=start, end=end,
                           report=weee_rates.report(start, end), outcomes=Outcome,
                           outcome_labels=OUTCOME_LABELS, categories=CATEGORY_LABELS)
