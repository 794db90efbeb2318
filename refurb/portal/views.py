"""The donor portal: a donor organisation's own collections, documents, the fate of each
machine and its impact — never who received a machine (invariant 4). Another donor's
collection or device answers exactly like a missing one (404). Admins may open any
collection's page (to declare a value for a mécénat receipt on the donor's behalf)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, DONOR, roles_required
from refurb.accounts.permissions import is_admin
from refurb.core.collections import STATE_LABELS as COLLECTION_STATES
from refurb.core.impact import CO2E_SOURCE, COMPUTER_TYPES, FATE_LABELS, Fate, fate_of
from refurb.devices.queries import paginate
from refurb.documents.csv_export import csv_response
from refurb.documents.pdf import workshop_letterhead
from refurb.portal import queries, services
from refurb.portal.forms import GiftValueForm
from refurb.templating import type_label
from refurb.web import actor_id, attempt, int_arg, now, page_arg, per_page
from refurb.workshops import context as workshop_context

bp = Blueprint("portal", __name__, url_prefix="/portal")

DOCUMENT_LABELS = {
    "collection_receipt": "Bon de prise en charge",
    "erasure_certificate": "Certificat d’effacement",
    "gift_receipt": "Reçu fiscal (mécénat)",
}


def _scope() -> int | None:
    """The donor whose records may be shown: the user's organisation; None for admins."""
    return None if is_admin(current_user) else current_user.donor_organisation_id


def _collection(collection_id: int):
    collection = queries.get_collection(collection_id, _scope())
    if collection is None:
        abort(404)
    # A donor's pages are network-wide; a collection's page acts for the workshop that
    # handled it (its letterhead, its documents, its number series).
    workshop_context.bind(collection.workshop_id)
    return collection


def _common() -> dict:
    return {"fate_labels": FATE_LABELS, "fate_of": fate_of, "fates": list(Fate),
            "document_labels": DOCUMENT_LABELS, "collection_states": COLLECTION_STATES}


@bp.get("/")
@roles_required(*DONOR)
def home():
    donor_id = current_user.donor_organisation_id
    page = paginate(queries.collections_query(donor_id), page_arg(), per_page())
    impact = services.impact_for_donor(donor_id)
    return render_template(
        "portal/home.html", organisation=current_user.donor_organisation, page=page,
        fates_by_collection=queries.fates_by_collection(c.id for c in page.items),
        workshop_of=queries.workshop_names(c.id for c in page.items),
        by_workshop=queries.fates_by_workshop(donor_id, impact.fates),
        impact=impact, co2_source=CO2E_SOURCE,
        co2_types=sorted(type_label(t) for t in COMPUTER_TYPES), **_common())


def _collection_page(collection, form: GiftValueForm, status: int = 200):
    page = paginate(queries.collection_devices_query(collection.id), page_arg(), per_page())
    return render_template(
        "portal/collection.html", collection=collection, page=page, form=form,
        documents=queries.collection_documents(collection),
        device_documents=queries.device_documents((d.id for d in page.items),
                                                  collection.donor_id),
        fate_totals=queries.fates_by_collection([collection.id])[collection.id],
        valuations=queries.valuations(collection.id), identity_gaps=services.identity_gaps(),
        can_edit_identity=is_admin(current_user), **_common()), status


@bp.get("/collections/<int:collection_id>")
@roles_required(*DONOR, *ADMIN)
def collection(collection_id: int):
    return _collection_page(_collection(collection_id), GiftValueForm())


@bp.post("/collections/<int:collection_id>/valuation")
@roles_required(*DONOR, *ADMIN)
def declare_value(collection_id: int):
    collection = _collection(collection_id)
    form = GiftValueForm()
    done = None
    if form.validate():
        with attempt() as done:
            _valuation, document = services.declare_gift_value(
                collection, form.amount.data, workshop=workshop_letterhead(current_app.config),
                actor_id=actor_id(), now=now())
    if not done:
        return _collection_page(_collection(collection_id), form, 400)
    flash(_("Reçu fiscal %(number)s, version %(version)s, émis.", number=document.number,
            version=document.version), "success")
    return redirect(url_for("portal.collection", collection_id=collection_id) + "#mecenat")


@bp.get("/collections/<int:collection_id>/devices.csv")
@roles_required(*DONOR, *ADMIN)
def collection_csv(collection_id: int):
    collection = _collection(collection_id)
    # The donor's number last: columns a donor's spreadsheet already reads keep their place.
    header = [_("N° d’inventaire"), _("N° de série"), _("Type"), _("Marque"), _("Modèle"),
              _("Devenir"), _("N° d'inventaire du donateur")]
    rows = ((tag, serial, type_label(kind), make, model, _(FATE_LABELS[fate_of(state)]),
             donor_number or "")
            for tag, serial, kind, make, model, state, donor_number in
            queries.collection_device_rows(collection.id))
    return csv_response(f"collecte-{collection.number}.csv", header, rows)


@bp.get("/devices/<int:device_id>")
@roles_required(*DONOR, *ADMIN)
def device(device_id: int):
    found = queries.get_device(device_id, _scope())
    if found is None or found.collection_id is None:
        abort(404)
    collection = _collection(found.collection_id)
    return render_template(
        "portal/device.html", device=found, collection=collection,
        documents=queries.device_documents([found.id], collection.donor_id).get(found.id, []),
        collection_documents=[d for d in queries.collection_documents(collection)
                              if d.kind == "erasure_certificate"], **_common())


@bp.get("/mecenat")
@roles_required(*ADMIN)
def gift_receipts():
    donor_id = int_arg("donor")
    page = paginate(queries.gift_overview_query(donor_id), page_arg(), per_page())
    ids = [c.id for c in page.items]
    return render_template("portal/mecenat.html", page=page, donor_id=donor_id,
                           latest=queries.latest_valuations(ids),
                           counts=queries.device_counts(ids))
