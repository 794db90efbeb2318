"""Donor organisations: admins manage them, the workshop reads them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.core.collections import STATE_LABELS
from refurb.devices.queries import paginate
from refurb.donors import queries, services
from refurb.donors.forms import DonorUserForm, OrganisationForm
from refurb.donors.models import DonorOrganisation
from refurb.donors.permissions import can_manage_donors
from refurb.web import attempt, get_or_404, now, page_arg, per_page

bp = Blueprint("donors", __name__)


def _values(form: OrganisationForm) -> services.OrganisationValues:
    return services.OrganisationValues(
        **{k: (getattr(form, k).data or "") for k in services.OrganisationValues.__dataclass_fields__}
    )


@bp.get("/donors/")
@roles_required(*WORKSHOP)
def list_donors():
    text = request.args.get("q", "")
    page = paginate(queries.list_organisations_query(text), page_arg(), per_page())
    return render_template("donors/list.html", page=page, q=text,
                           can_manage=can_manage_donors(current_user))


@bp.route("/donors/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)  # technicians add a donor at a pick-up; editing stays with admins
def new_donor():
    form = OrganisationForm()
    if form.validate_on_submit():
        with attempt() as done:
            organisation = services.create_organisation(_values(form), now=now())
        if done:
            flash(_("Organisation « %(name)s » créée.", name=organisation.name), "success")
            return redirect(url_for("donors.show_donor", donor_id=organisation.id))
    return render_template("donors/form.html", form=form, organisation=None)


@bp.get("/donors/<int:donor_id>")
@roles_required(*WORKSHOP)
def show_donor(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    return render_template(
        "donors/show.html", organisation=organisation,
        collections=list(organisation.collections), users=queries.donor_users(donor_id),
        can_manage=can_manage_donors(current_user), state_labels=STATE_LABELS,
    )


@bp.route("/donors/<int:donor_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_donor(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with attempt() as done:
            services.update_organisation(organisation, _values(form))
        if done:
            flash(_("Organisation mise à jour."), "success")
            return redirect(url_for("donors.show_donor", donor_id=donor_id))
    return render_template("donors/form.html", form=form, organisation=organisation)


@bp.route("/donors/<int:donor_id>/users/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_donor_user(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    form = DonorUserForm()
    if form.validate_on_submit():
        with attempt() as done:
            user = services.create_donor_user(
                organisation, email=form.email.data, display_name=form.display_name.data or "",
                password=form.password.data, now=now(),
            )
        if done:
            flash(_("Compte donateur %(email)s créé.", email=user.email), "success")
            return redirect(url_for("donors.show_donor", donor_id=donor_id))
    return render_template("donors/user_form.html", form=form, organisation=organisation)
