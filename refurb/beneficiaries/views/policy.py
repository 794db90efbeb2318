"""The eligibility policy: the version in force, any past version, and the admin's form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, SOCIAL, roles_required
from refurb.beneficiaries import policy as policies
from refurb.beneficiaries import queries
from refurb.beneficiaries.forms import PolicyForm, policy_form_data, rules_from_form
from refurb.beneficiaries.permissions import can_edit_policy
from refurb.beneficiaries.views.blueprint import bp
from refurb.web import actor_id, attempt, now


@bp.route("/policy", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_policy():
    current = policies.get_current_policy()
    form = PolicyForm() if request.method == "POST" else PolicyForm(
        formdata=None, data=policy_form_data(current))
    if form.validate_on_submit():
        with attempt() as done:
            policy = policies.save_policy(
                rules_from_form(form.data), base_version=_int(form.base_version.data),
                actor_id=actor_id(), now=now(), note=form.note.data or "")
        if done:
            flash(_("Politique d’éligibilité enregistrée en version %(v)s.", v=policy.version),
                  "success")
            return redirect(url_for("beneficiaries.edit_policy"))
    return render_template("beneficiaries/policy_edit.html", form=form, current=current,
                           versions=queries.list_policy_versions())


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@bp.get("/policy/current")
@roles_required(*SOCIAL)
def current_policy():
    version = policies.get_current_policy().version
    return redirect(url_for("beneficiaries.show_policy", version=version))


@bp.get("/policy/<int:version>")
@roles_required(*SOCIAL)
def show_policy(version: int):
    policy, row = policies.policy_for_display(version)
    if policy is None:
        abort(404)
    return render_template("beneficiaries/policy_show.html", policy=policy, row=row,
                           lines=policies.describe_policy(policy),
                           current_version=policies.get_current_policy().version,
                           can_edit_policy=can_edit_policy(current_user))
