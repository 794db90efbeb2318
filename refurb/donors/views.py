"""Donor organisations (admins manage, the workshop reads) and the list of collections."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.accounts.models import Role
from refurb.core.collections import STATE_LABELS
from refurb.core.errors import DomainError
from refurb.devices.queries import paginate
from refurb.donors import queries, services
from refurb.donors.forms import DonorUserForm, OrganisationForm
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.web import flash_domain_error, get_or_404, now, page_arg, per_page

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
                           can_manage=current_user.role == Role.ADMIN)


@bp.route("/donors/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_donor():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(_values(form), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Organisation « %(name)s » créée.", name=organisation.name), "success")
            return redirect(url_for("donors.show_donor", donor_id=organisation.id))
    return render_template("donors/form.html", form=form, organisation=None)


@bp.get("/donors/<int:donor_id>")
@roles_required(*WORKSHOP)
def show_donor(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    return render_template(
        "donors/show.html", organisation=organisation,
        collections=queries.collections_of(donor_id), users=queries.donor_users(donor_id),
        can_manage=current_user.role == Role.ADMIN, state_labels=STATE_LABELS,
    )


@bp.route("/donors/<int:donor_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_donor(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, _values(form))
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Organisation mise à jour."), "success")
            return redirect(url_for("donors.show_donor", donor_id=donor_id))
    return render_template("donors/form.html", form=form, organisation=organisation)


@bp.route("/donors/<int:donor_id>/users/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_donor_user(donor_id: int):
    organisation = get_or_404(DonorOrganisation, donor_id)
    form = DonorUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_donor_user(
                organisation, email=form.email.data, display_name=form.display_name.data or "",
                password=form.password.data, now=now(),
            )
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Compte donateur %(email)s créé.", email=user.email), "success")
            return redirect(url_for("donors.show_donor", donor_id=donor_id))
    return render_template("donors/user_form.html", form=form, organisation=organisation)


@bp.get("/collections/")
@roles_required(*WORKSHOP)
def list_collections():
    state = request.args.get("state") or None
    page = paginate(queries.list_collections_query(state), page_arg(), per_page())
    return render_template("donors/collections.html", page=page, state=state,
                           states=STATE_LABELS)
