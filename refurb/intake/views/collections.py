"""Collection pages: the list, planning and editing, the page of one collection, its state
steps and its receipt."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core import collections as rules
from refurb.devices.queries import paginate
from refurb.documents.services import list_versions
from refurb.donors import services as donors
from refurb.donors.permissions import can_create_donors
from refurb.donors.queries import organisation_choices
from refurb.extension_points import collection_panels
from refurb.intake import collections, queries, receipts
from refurb.intake.forms import CollectionForm, CsrfForm, NewDonorForm, StateForm
from refurb.intake.models import Collection
from refurb.intake.permissions import can_open_donor_view
from refurb.intake.views.blueprint import bp
from refurb.settings import workshop as workshop_identity
from refurb.web import actor_id, attempt, get_or_404, int_arg, now, page_arg, per_page, translate


def _collection_values(form: CollectionForm) -> collections.CollectionValues:
    return collections.CollectionValues(
        pickup_site=form.pickup_site.data or "", pickup_contact=form.pickup_contact.data or "",
        planned_on=form.planned_on.data, transport_notes=form.transport_notes.data or "",
        measured_weight_kg=form.measured_weight(),
    )


def _workshop() -> dict[str, str]:
    return workshop_identity.letterhead_fields()  # as admins set it (Réglages)


def translated(verdict: rules.Verdict) -> rules.Verdict:
    """The verdict with its reasons in the reader's language, ready for a template."""
    return rules.Verdict(verdict.allowed, tuple(translate(r) for r in verdict.reasons))


@bp.get("/collections/")
@roles_required(*WORKSHOP)
def list_collections():
    state = request.args.get("state") or None
    receipt_missing = request.args.get("receipt") == "missing"  # the admin's home queue
    page = paginate(queries.list_collections_query(state, receipt_missing), page_arg(),
                    per_page())
    return render_template("intake/collections.html", page=page, state=state,
                           states=rules.STATE_LABELS, receipt_missing=receipt_missing)


@bp.route("/collections/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_collection():
    form = CollectionForm(donor_id=int_arg("donor_id"))
    form.donor_id.choices = [(0, "—")] + organisation_choices()
    donor_form = NewDonorForm(prefix="new_donor") if can_create_donors(current_user) else None
    if donor_form and request.form.get("action") == "create_donor":
        _add_donor(form, donor_form)
    elif form.validate_on_submit():
        with attempt() as done:
            collection = collections.plan_collection(form.donor_id.data,
                                                     _collection_values(form), now=now())
        if done:
            flash(_("Collecte %(number)s planifiée.", number=collection.number), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection.id))
    return render_template("intake/collection_form.html", form=form, collection=None,
                           donor_form=donor_form)


def _add_donor(form: CollectionForm, donor_form: NewDonorForm) -> None:
    """The donor typed in below the collection form: created, then selected, with what was
    typed for the collection kept as it is (the page renders again from the same post)."""
    if not donor_form.validate():
        return
    with attempt() as done:
        organisation = donors.create_organisation(
            donors.OrganisationValues(**donor_form.values()), now=now())
    if done:
        flash(_("Donateur « %(name)s » créé et choisi pour cette collecte.",
                name=organisation.name), "success")
        form.donor_id.choices = [(0, "—")] + organisation_choices()
        form.donor_id.data = organisation.id
        donor_form.process(formdata=None)  # empty again: the donor is in the list now


@bp.route("/collections/<int:collection_id>/edit", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def edit_collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CollectionForm(obj=collection)
    form.donor_id.choices = [(collection.donor_id, collection.donor.name)]
    if request.method == "GET" and collection.measured_weight_kg is not None:
        form.measured_weight_kg.data = str(collection.measured_weight_kg).replace(".", ",")
    if form.validate_on_submit():
        with attempt() as done:
            collections.update_collection(collection, _collection_values(form))
        if done:
            flash(_("Collecte mise à jour."), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection_id))
    return render_template("intake/collection_form.html", form=form, collection=collection)


@bp.get("/collections/<int:collection_id>")
@roles_required(*WORKSHOP)
def show_collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    return render_template("intake/collection.html", **_collection_page(collection))


def _collection_page(collection: Collection) -> dict:
    totals = queries.collection_totals(collection.id)
    options = [
        (target, rules.ACTION_LABELS[target],
         translated(rules.check_transition(collection.state, target, device_count=totals.count)))
        for target in rules.next_states(collection.state)
    ]
    return dict(
        collection=collection, totals=totals, options=options,
        panels=collection_panels.render_data(collection),
        page=paginate(queries.collection_devices_query(collection.id), page_arg(), per_page()),
        receipts=list_versions(f"collection:{collection.id}", kind="collection_receipt"),
        receipt_verdict=translated(rules.can_issue_receipt(collection.state, totals.count)),
        intake_verdict=translated(rules.check_intake(collection.state)),
        imports=queries.imports_of(collection.id), state_labels=rules.STATE_LABELS,
        form=StateForm(), can_open_donor_view=can_open_donor_view(current_user),
    )


@bp.post("/collections/<int:collection_id>/state")
@roles_required(*WORKSHOP)
def change_state(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = StateForm()
    if form.validate_on_submit():
        with attempt() as done:
            collections.advance_collection(collection, form.target.data, now=now())
        if done:
            label = rules.STATE_LABELS[rules.CollectionState(collection.state)]
            flash(_("%(number)s : %(state)s.", number=collection.number, state=_(label)), "success")
    return redirect(url_for("intake.show_collection", collection_id=collection_id))


@bp.post("/collections/<int:collection_id>/receipt")
@roles_required(*WORKSHOP)
def issue_receipt(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CsrfForm()
    if not form.validate_on_submit():
        abort(400)
    if not request.form.get("confirm"):  # a permanent document: its figures first
        with attempt() as done:
            preview = receipts.receipt_preview(collection, _workshop())
        if done:
            return render_template("intake/receipt_confirm.html", collection=collection,
                                   preview=preview, form=form)
        return redirect(url_for("intake.show_collection", collection_id=collection_id))
    with attempt() as done:
        document, created = receipts.issue_receipt(collection, workshop=_workshop(),
                                                   actor_id=actor_id(), now=now())
    if done and created:
        flash(_("Bon de prise en charge émis : version %(v)s.", v=document.version), "success")
    elif done:
        flash(_("Rien n’a changé depuis la version %(v)s : pas de nouvelle version.",
                v=document.version), "info")
    return redirect(url_for("intake.show_collection", collection_id=collection_id))
