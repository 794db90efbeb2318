"""Enrolment pages: enrol a file (by its number), stop an enrolment, issue the attestation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import SOCIAL, roles_required
from refurb.settings import workshop as workshop_identity
from refurb.training import enrolments as enrolment_cases
from refurb.training import queries
from refurb.training.certificates import issue_certificate as issue
from refurb.training.forms import ActionForm, EnrolForm
from refurb.training.models import Enrolment
from refurb.training.views.blueprint import bp
from refurb.web import actor_id, attempt, get_or_404, int_arg, now


def _enrol_form() -> EnrolForm:
    if request.method == "GET":
        form = EnrolForm(formdata=None, programme_id=int_arg("programme"),
                         pseudonym=request.args.get("pseudonym", ""))
    else:
        form = EnrolForm()
    form.set_choices(queries.programme_choices())
    return form


@bp.route("/enrol", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def enrol():
    form = _enrol_form()
    if form.validate_on_submit():
        with attempt() as done:
            enrolment = enrolment_cases.enrol_by_pseudonym(
                form.programme_id.data, form.pseudonym.data or "",
                group_name=form.group_name.data or "", actor_id=actor_id(), now=now())
        if done:
            flash(_("Inscription enregistrée."), "success")
            return redirect(url_for("training.show_programme", programme_id=enrolment.programme_id))
        form.set_choices(queries.programme_choices())
    return render_template("training/enrol.html", form=form)


@bp.post("/enrolments/<int:enrolment_id>/withdraw")
@roles_required(*SOCIAL)
def withdraw(enrolment_id: int):
    enrolment = get_or_404(Enrolment, enrolment_id)
    programme_id = enrolment.programme_id
    if ActionForm().validate_on_submit():
        with attempt() as done:
            enrolment_cases.withdraw(enrolment, actor_id=actor_id(), now=now())
        if done:
            flash(_("Inscription arrêtée."), "success")
    return redirect(url_for("training.show_programme", programme_id=programme_id))


@bp.post("/enrolments/<int:enrolment_id>/certificate")
@roles_required(*SOCIAL)
def issue_certificate(enrolment_id: int):
    enrolment = queries.get_enrolment(enrolment_id) or abort(404)
    programme_id = enrolment.programme_id
    if not ActionForm().validate_on_submit():
        abort(400)
    with attempt() as done:
        document, _created = issue(enrolment, workshop=workshop_identity.letterhead_fields(),
                                   actor_id=actor_id(), now=now())
    if not done:
        return redirect(url_for("training.show_programme", programme_id=programme_id))
    return redirect(url_for("documents.download", document_id=document.id,
                            filename=document.filename))
