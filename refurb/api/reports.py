"""Aggregate report figures for a period, each one computed by the reports domain from events
and records (invariant 6); figures about people only for social workers and admins."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import STAFF
from refurb.api.auth import caller, operation
from refurb.clock import local_date
from refurb.devices.queries import count_by_state
from refurb.reports import outcomes, queries
from refurb.reports.periods import resolve_period
from refurb.reports.permissions import can_see_people_figures
from refurb.web import now

blp = Blueprint("api_reports", __name__, description="Chiffres des rapports")


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class PeriodArgs(ma.Schema):
    year = ma.fields.Integer(validate=validate.Range(min=FIRST_DAY.year, max=LAST_DAY.year))
    start = ma.fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY),
                           metadata={"description": "Avec `end` : trois ans au plus."})
    end = ma.fields.Date(validate=validate.Range(min=FIRST_DAY, max=LAST_DAY))


class FigureSchema(ma.Schema):
    label = ma.fields.String(required=True)
    value = ma.fields.Float(required=True, allow_none=True)
    unit = ma.fields.String(required=True)


class WeeeCategorySchema(ma.Schema):
    category = ma.fields.Integer(required=True)
    items = ma.fields.Integer(required=True)
    quantity = ma.fields.Integer(required=True)
    kg = ma.fields.Float(required=True)


class FiguresSchema(ma.Schema):
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(required=True)
    devices_by_state = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                                      required=True, metadata={"description": "Aujourd’hui."})
    transitions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(),
                                 required=True, metadata={
                                     "description": "Passages dans ces états sur la période."})
    weee_by_category = ma.fields.List(ma.fields.Nested(WeeeCategorySchema), required=True)
    key_figures = ma.fields.List(ma.fields.Nested(FigureSchema), required=True)


@blp.route("/reports/figures")
@operation(scopes=("read",), roles=STAFF)
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, FiguresSchema)
def figures(args):
    """Chiffres clés d’une année ou d’une période (l’année en cours par défaut)"""
    period = resolve_period(year=args.get("year"), start=args.get("start"),
                            end=args.get("end"), today=local_date(now()))
    totals = queries.transition_totals(period)
    people = can_see_people_figures(caller())
    key = outcomes.key_figures(period, outcomes.reuse_figures(period), with_people=people,
                               totals=totals)
    return {
        "start": period.start, "end": period.end, "devices_by_state": count_by_state(),
        "transitions": totals, "weee_by_category": queries.weee_by_category(period),
        "key_figures": [{"label": str(f.label), "value": None if f.value is None
                         else float(f.value), "unit": f.unit} for f in key],
    }
