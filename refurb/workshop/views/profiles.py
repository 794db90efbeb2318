"""Build profile pages: the list for the floor, the form for admins."""

from __future__ import annotations

from decimal import Decimal

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.core.workshop import parse_ram_gb
from refurb.web import attempt, get_or_404, now
from refurb.workshop import forms
from refurb.workshop.models import BuildProfile
from refurb.workshop.permissions import can_edit_profiles
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.queries.profiles import list_profiles
from refurb.workshop.views.blueprint import bp
from refurb.workshop.views.helpers import form_page


@bp.get("/profiles")
@roles_required(*WORKSHOP)
def profiles():
    return render_template("workshop/profiles.html", profiles=list_profiles(),
                           can_edit_profiles=can_edit_profiles(current_user))


@bp.route("/profiles/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_profile():
    return _profile_form(None)


@bp.route("/profiles/<int:profile_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_profile(profile_id: int):
    return _profile_form(get_or_404(BuildProfile, profile_id))


def _typed_values(form: forms.ProfileForm) -> ProfileValues:
    return ProfileValues(
        name=form.name.data, description=form.description.data or "",
        device_types=tuple(form.device_types.data or ()),
        min_ram_mib=parse_ram_gb(form.min_ram_gb.data or None),
        min_storage_gb=form.min_storage_gb.data,
        storage_kinds=tuple(form.storage_kinds.data or ()),
        os_names=tuple(form.os_names.data or ()),
        software=tuple((form.software_list.data or "").split(",")), active=form.active.data)


def _profile_form(profile: BuildProfile | None):
    form = forms.ProfileForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.min_ram_gb.data = (Decimal(profile.min_ram_mib) / 1024 if profile.min_ram_mib
                                else None)
        form.software_list.data = ", ".join(profile.software or ())
    if form.validate_on_submit():
        with attempt() as done:
            save_profile(profile, _typed_values(form), now=now())
        if done:
            return redirect(url_for("workshop.profiles"))
    return form_page("workshop/profile_form.html", form=form, profile=profile)
