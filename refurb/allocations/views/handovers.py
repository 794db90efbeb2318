"""Handover pages: one handover (remise) with its agreement versions and the forms that end it
(devices returned, loan kept as a gift), and the list of loans due."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import handover, loans, queries
from refurb.allocations.forms import ConfirmForm, ReturnForm
from refurb.allocations.models import Allocation, SchoolProgramme
from refurb.allocations.views.blueprint import bp, log_view
from refurb.beneficiaries.models import Beneficiary
from refurb.clock import local_date
from refurb.core.handover import loan_due_status
from refurb.database import writes_on_get
from refurb.devices.queries import paginate
from refurb.documents.pdf import workshop_letterhead
from refurb.extensions import db
from refurb.web import actor_id, attempt, get_or_404, int_arg, now, page_arg, per_page


def _return_form(allocation: Allocation, form: ReturnForm | None = None) -> ReturnForm:
    form = form or ReturnForm()
    form.device_ids.choices = [(i.device_id, i.device.asset_tag)
                               for i in allocation.reservation.items if i.active]
    return form


def _allocation_page(allocation: Allocation, return_form: ReturnForm | None = None,
                     status: int = 200):
    today = local_date(now())
    items = allocation.reservation.items
    programme = db.session.get(SchoolProgramme, allocation.programme_id) \
        if allocation.programme_id else None
    return render_template(
        "allocations/allocation.html", a=allocation,
        b=db.session.get(Beneficiary, allocation.beneficiary_id), items=items,
        configs=queries.device_configs(i.device for i in items), programme=programme,
        documents=handover.agreement_versions(allocation),
        due_status=loan_due_status(allocation.due_on, today) if allocation.is_open_loan else "",
        return_form=_return_form(allocation, return_form or ReturnForm(formdata=None)),
        keep_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/handovers/<int:allocation_id>")
@roles_required(*SOCIAL)
@writes_on_get
def show_allocation(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    log_view(allocation.beneficiary_id, f"remise {allocation.number}")
    return _allocation_page(allocation)


@bp.post("/handovers/<int:allocation_id>/return")
@roles_required(*SOCIAL)
def return_devices(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    form = _return_form(allocation)
    if not form.validate_on_submit():
        return _allocation_page(allocation, form, status=400)
    with attempt() as done:
        devices = loans.return_devices(allocation, form.device_ids.data, actor_id=actor_id(),
                                       now=now(), note=form.note.data or "")
    if not done:
        return _allocation_page(db.session.get(Allocation, allocation_id), form,
                                status=done.error.http_status)
    flash(_("%(n)s machine(s) rendue(s) : l’atelier les reprend en diagnostic.",
            n=len(devices)), "success")
    return redirect(url_for("allocations.show_allocation", allocation_id=allocation_id))


@bp.post("/handovers/<int:allocation_id>/keep")
@roles_required(*SOCIAL)
def keep_loan(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    back = redirect(url_for("allocations.show_allocation", allocation_id=allocation_id))
    if not ConfirmForm().validate_on_submit():
        flash(_("Le formulaire a expiré : rechargez la page."), "error")
        return back
    with attempt() as done:
        loans.keep_loan(allocation, actor_id=actor_id(), now=now(),
                        workshop=workshop_letterhead(current_app.config),
                        signed_for_workshop=current_user.display_name)
    if done:
        flash(_("Prêt converti en don : la nouvelle convention est prête à signer."), "success")
    return back


@bp.get("/loans", endpoint="loans")
@roles_required(*SOCIAL)
def loans_due():
    today = local_date(now())
    scope = request.args.get("scope", "due")
    scope = scope if scope in queries.LOAN_SCOPES else "due"
    programme_id = int_arg("programme") or None
    page = paginate(queries.loans_query(today, scope, programme_id), page_arg(), per_page())
    return render_template(
        "allocations/loans.html", page=page, scope=scope, programme_id=programme_id,
        programmes=queries.programme_choices(),
        due={a.id: loan_due_status(a.due_on, today) for a in page.items},
    )
