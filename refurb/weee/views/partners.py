"""Treatment operators and carriers (admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from refurb.accounts.access import ADMIN, roles_required
from refurb.core.weee import ECO_ORGANISMS
from refurb.web import attempt, get_or_404, now
from refurb.weee import forms, queries
from refurb.weee import partners as weee_partners
from refurb.weee.models import Carrier, TreatmentOperator
from refurb.weee.views.common import bp, labels

OPERATOR_TEXT_FIELDS = ("name", "siret", "address", "postal_code", "city", "country_code",
                        "authorisation", "eco_organism", "eco_other_name", "eco_other_siret")
CARRIER_TEXT_FIELDS = ("name", "siret", "receipt_number", "transport_mode", "address",
                       "postal_code", "city", "country_code")


@bp.get("/partners")
@roles_required(*ADMIN)
def partners():
    return render_template("weee/partners.html", operators=queries.list_operators(),
                           carriers=queries.list_carriers(), labels=labels())


@bp.route("/operators/new", methods=["GET", "POST"], defaults={"operator_id": None})
@bp.route("/operators/<int:operator_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def operator_form(operator_id: int | None):
    operator = get_or_404(TreatmentOperator, operator_id) if operator_id else None
    form = forms.OperatorForm(obj=operator, **_eco_defaults(operator))
    if form.validate_on_submit():
        values = weee_partners.OperatorValues(
            **{f: getattr(form, f).data or "" for f in OPERATOR_TEXT_FIELDS},
            active=form.active.data)
        with attempt() as done:
            weee_partners.save_operator(values, now=now(), operator=operator)
        if done:
            flash(_("Prestataire de traitement enregistré."), "success")
            return redirect(url_for("weee.partners"))
    return render_template("weee/partner_form.html", form=form, subject=operator,
                           title=_("Prestataire de traitement"))


def _eco_defaults(operator: TreatmentOperator | None) -> dict:
    """The eco-organism as the form shows it: a known one, or "other" with name and SIRET."""
    if operator is None or not operator.eco_organism_siret:
        return {}
    if operator.eco_organism_siret in ECO_ORGANISMS:
        return {"eco_organism": operator.eco_organism_siret}
    return {"eco_organism": "other", "eco_other_name": operator.eco_organism_name,
            "eco_other_siret": operator.eco_organism_siret}


@bp.route("/carriers/new", methods=["GET", "POST"], defaults={"carrier_id": None})
@bp.route("/carriers/<int:carrier_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def carrier_form(carrier_id: int | None):
    carrier = get_or_404(Carrier, carrier_id) if carrier_id else None
    form = forms.CarrierForm(obj=carrier)
    if form.validate_on_submit():
        values = weee_partners.CarrierValues(
            **{f: getattr(form, f).data or "" for f in CARRIER_TEXT_FIELDS},
            receipt_exempted=form.receipt_exempted.data, active=form.active.data)
        with attempt() as done:
            weee_partners.save_carrier(values, now=now(), carrier=carrier)
        if done:
            flash(_("Transporteur enregistré."), "success")
            return redirect(url_for("weee.partners"))
    return render_template("weee/partner_form.html", form=form, subject=carrier,
                           title=_("Transporteur"))
