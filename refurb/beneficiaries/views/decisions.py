"""A file's next status, and the documents checked for it."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from refurb.accounts.access import SOCIAL, roles_required
from refurb.beneficiaries import workflow
from refurb.beneficiaries.document_checks import record_document_check
from refurb.beneficiaries.forms import DecisionForm, DocumentCheckForm
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.views.blueprint import bp
from refurb.beneficiaries.views.files import render_file
from refurb.web import actor_id, attempt, get_or_404, now


@bp.post("/<int:beneficiary_id>/decision")
@roles_required(*SOCIAL)
def decide(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = DecisionForm()
    typed = {"target": form.target.data, "reason": form.reason.data or "",
             "override": bool(form.override.data)}
    if not form.validate_on_submit():
        flash(_("Action incomplète : choisissez une décision."), "error")
        return render_file(beneficiary, typed)
    with attempt() as done:
        workflow.decide(beneficiary, form.target.data, actor_id=actor_id(), now=now(),
                        reason=typed["reason"], override=typed["override"])
    if not done:
        return render_file(beneficiary, typed)
    flash(_("Dossier %(p)s : décision enregistrée.", p=beneficiary.pseudonym), "success")
    return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))


@bp.post("/<int:beneficiary_id>/documents")
@roles_required(*SOCIAL)
def add_document_check(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = DocumentCheckForm()
    if form.validate_on_submit():
        with attempt() as done:
            record_document_check(beneficiary, form.kind.data, checked_on=form.checked_on.data,
                                  label=form.label.data or "", actor_id=actor_id(), now=now())
        if done:
            flash(_("Vérification du document enregistrée."), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))
    return render_file(beneficiary, document_form=form)
