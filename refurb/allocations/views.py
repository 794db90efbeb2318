"""Reservations and handovers, for social workers and admins (beneficiary names appear here:
technicians are refused, invariant 4). Pages that list reservations first expire the stale
ones, so a forgotten reservation never keeps a machine from someone else."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import queries, services
from refurb.allocations.forms import (
    CancelForm,
    ConfirmForm,
    HandoverForm,
    ProgrammeForm,
    ReserveForm,
    ReturnForm,
    SchoolForm,
)
from refurb.allocations.models import Allocation, Reservation, SchoolProgramme
from refurb.beneficiaries import queries as beneficiary_queries
from refurb.beneficiaries import services as beneficiaries
from refurb.beneficiaries.models import AccessAction, Beneficiary
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.eligibility import add_months
from refurb.core.errors import DomainError
from refurb.core.handover import (
    FEE_STATUS_LABELS,
    MODE_LABELS,
    PAYMENT_LABELS,
    loan_due_status,
    reservation_expired,
    school_year_start,
)
from refurb.devices.queries import paginate
from refurb.documents.pdf import workshop_letterhead
from refurb.extensions import db
from refurb.web import (
    actor_id,
    flash_domain_error,
    get_or_404,
    int_arg,
    int_list_arg,
    now,
    page_arg,
    per_page,
)

bp = Blueprint("allocations", __name__, url_prefix="/allocations")


@bp.app_context_processor
def _panel():
    # allocations/_beneficiary_panel.html (included by the beneficiary page) calls this.
    def allocations_panel(beneficiary: Beneficiary):
        if not current_user.is_authenticated or current_user.role not in SOCIAL:
            return None
        today = now().date()
        return queries.beneficiary_panel(
            beneficiary, today, can_reserve=beneficiaries.is_approved_and_valid(beneficiary, today))

    return {"allocations_panel": allocations_panel}


@bp.app_template_global("allocation_labels")
def _labels() -> dict:
    return {"mode": MODE_LABELS, "fee": FEE_STATUS_LABELS, "payment": PAYMENT_LABELS,
            "types": DEVICE_TYPE_LABELS}


def _expire_lazily(reservations: list[Reservation] | None = None) -> None:
    try:
        services.expire_reservations(now=now(), actor_id=None, reservations=reservations)
    except DomainError:
        db.session.rollback()  # another worker expired them at the same moment
    else:
        db.session.commit()


def _refused(error: DomainError) -> int:
    db.session.rollback()
    flash_domain_error(error)
    return error.http_status


def _log_view(beneficiary_id: int, detail: str) -> None:
    beneficiary = db.session.get(Beneficiary, beneficiary_id)
    beneficiaries.record_access(beneficiary, AccessAction.VIEW, actor_id=actor_id(), now=now(),
                                detail=detail)
    db.session.commit()


# ------------------------------------------------------------------------- ready stock

@bp.get("/")
@roles_required(*SOCIAL)
def ready_stock():
    _expire_lazily()
    device_type = request.args.get("type") or None
    page = paginate(queries.ready_stock_query(device_type), page_arg(), per_page())
    return render_template("allocations/stock.html", page=page, device_type=device_type,
                           configs=queries.device_configs(page.items),
                           has_grade=queries.has_grade(), types=DEVICE_TYPE_LABELS)


# ------------------------------------------------------------------------- reservations

def _reserve_form() -> ReserveForm:
    form = ReserveForm()
    approved = db.session.scalars(beneficiary_queries.approved_and_valid_query(now().date()))
    form.beneficiary_id.choices = [(b.id, f"{b.pseudonym} — {b.display_name} ({b.commune})")
                                   for b in approved]
    if request.method == "GET":
        form.beneficiary_id.data = int_arg("beneficiary")
        ids = int_list_arg("device")
        form.tags.data = "\n".join(d.asset_tag for d in queries.devices_by_ids(ids))
    return form


@bp.route("/reserve", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def reserve():
    form = _reserve_form()
    status = 200
    if form.validate_on_submit():
        try:
            devices = services.resolve_devices(form.tags.data)
            beneficiary = get_or_404(Beneficiary, form.beneficiary_id.data)
            reservation = services.reserve(beneficiary, devices, actor_id=actor_id(), now=now())
        except DomainError as error:
            status = _refused(error)
        else:
            db.session.commit()
            flash(_("Réservation n° %(n)s enregistrée jusqu’au %(d)s.", n=reservation.id,
                    d=reservation.expires_on.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("allocations.show_reservation",
                                    reservation_id=reservation.id))
    elif request.method == "POST":
        status = 400
    return render_template("allocations/reserve.html", form=form,
                           days=services.reservation_days()), status


@bp.get("/reservations")
@roles_required(*SOCIAL)
def reservations():
    _expire_lazily()
    page = paginate(queries.active_reservations_query(), page_arg(), per_page())
    return render_template("allocations/reservations.html", page=page, today=now().date())


def _handover_defaults(reservation: Reservation, beneficiary: Beneficiary) -> HandoverForm:
    today = now().date()
    programme = queries.get_programme_by_name(beneficiary.programme)
    return HandoverForm(
        formdata=None, mode="loan" if programme else "gift", fee_status="paid",
        fee_amount=services.default_fee(), programme_id=programme.id if programme else 0,
        due_on=programme.due_on if programme else add_months(today,
                                                             services.loan_default_months()),
    )


def _reservation_page(reservation: Reservation, form: HandoverForm | None = None,
                      cancel_form: CancelForm | None = None, status: int = 200):
    beneficiary = db.session.get(Beneficiary, reservation.beneficiary_id)
    today = now().date()
    form = form or _handover_defaults(reservation, beneficiary)
    form.programme_id.choices = [(0, "—"), *queries.programme_choices()]
    devices = [item.device for item in reservation.items if item.active]
    return render_template(
        "allocations/reservation.html", r=reservation, b=beneficiary, devices=devices,
        configs=queries.device_configs(devices), form=form,
        cancel_form=cancel_form or CancelForm(formdata=None),
        expired=reservation_expired(reservation.expires_on, today),
        approval=beneficiaries.display_status(beneficiary, today),
        approved=beneficiaries.is_approved_and_valid(beneficiary, today),
        training=services.training_status(beneficiary.id),
        allocation=queries.get_allocation_for_reservation(reservation.id),
    ), status


@bp.get("/reservations/<int:reservation_id>")
@roles_required(*SOCIAL)
def show_reservation(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    _expire_lazily([reservation])
    _log_view(reservation.beneficiary_id, f"réservation {reservation.id}")
    return _reservation_page(reservation)


@bp.post("/reservations/<int:reservation_id>/handover")
@roles_required(*SOCIAL)
def hand_over(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    form = HandoverForm()
    form.programme_id.choices = [(0, "—"), *queries.programme_choices()]
    if not form.validate_on_submit():
        return _reservation_page(reservation, form, status=400)
    values = services.HandoverValues(
        mode=form.mode.data, fee_status=form.fee_status.data, fee_amount=form.fee_amount.data,
        fee_method=form.fee_method.data or None, receipt_number=form.receipt_number.data or "",
        due_on=form.due_on.data, programme_id=form.programme_id.data or None)
    try:
        allocation, _document = services.hand_over(
            reservation, values, actor_id=actor_id(), now=now(),
            workshop=workshop_letterhead(current_app.config),
            signed_for_workshop=current_user.display_name)
    except DomainError as error:
        status = _refused(error)
        return _reservation_page(db.session.get(Reservation, reservation_id), form,
                                 status=status)
    db.session.commit()
    flash(_("Remise %(n)s enregistrée : imprimez l’accord et faites-le signer.",
            n=allocation.number), "success")
    return redirect(url_for("allocations.show_allocation", allocation_id=allocation.id))


@bp.post("/reservations/<int:reservation_id>/cancel")
@roles_required(*SOCIAL)
def cancel_reservation(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _reservation_page(reservation, cancel_form=form, status=400)
    try:
        services.cancel_reservation(reservation, reason=form.reason.data, actor_id=actor_id(),
                                    now=now())
    except DomainError as error:
        status = _refused(error)
        return _reservation_page(db.session.get(Reservation, reservation_id),
                                 cancel_form=form, status=status)
    db.session.commit()
    flash(_("Réservation annulée : les machines sont de nouveau disponibles."), "success")
    return redirect(url_for("allocations.reservations"))


# ------------------------------------------------------------------------- handovers

def _allocation_page(allocation: Allocation, return_form: ReturnForm | None = None,
                     status: int = 200):
    today = now().date()
    items = allocation.reservation.items
    return_form = return_form or ReturnForm(formdata=None)
    return_form.device_ids.choices = [(i.device_id, i.device.asset_tag) for i in items
                                      if i.active]
    return render_template(
        "allocations/allocation.html", a=allocation,
        b=db.session.get(Beneficiary, allocation.beneficiary_id), items=items,
        configs=queries.device_configs(i.device for i in items),
        programme=db.session.get(SchoolProgramme, allocation.programme_id)
        if allocation.programme_id else None,
        documents=services.agreement_versions(allocation),
        due_status=loan_due_status(allocation.due_on, today) if allocation.is_open_loan else "",
        return_form=return_form, keep_form=ConfirmForm(formdata=None),
    ), status


@bp.get("/handovers/<int:allocation_id>")
@roles_required(*SOCIAL)
def show_allocation(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    _log_view(allocation.beneficiary_id, f"remise {allocation.number}")
    return _allocation_page(allocation)


@bp.post("/handovers/<int:allocation_id>/return")
@roles_required(*SOCIAL)
def return_devices(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    form = ReturnForm()
    form.device_ids.choices = [(i.device_id, i.device.asset_tag)
                               for i in allocation.reservation.items if i.active]
    if not form.validate_on_submit():
        return _allocation_page(allocation, form, status=400)
    try:
        devices = services.return_devices(allocation, form.device_ids.data, actor_id=actor_id(),
                                          now=now(), note=form.note.data or "")
    except DomainError as error:
        status = _refused(error)
        return _allocation_page(db.session.get(Allocation, allocation_id), form, status=status)
    db.session.commit()
    flash(_("%(n)s machine(s) rendue(s) : l’atelier les reprend en diagnostic.",
            n=len(devices)), "success")
    return redirect(url_for("allocations.show_allocation", allocation_id=allocation_id))


@bp.post("/handovers/<int:allocation_id>/keep")
@roles_required(*SOCIAL)
def keep_loan(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("Le formulaire a expiré : rechargez la page."), "error")
    else:
        try:
            services.keep_loan(allocation, actor_id=actor_id(), now=now(),
                               workshop=workshop_letterhead(current_app.config),
                               signed_for_workshop=current_user.display_name)
        except DomainError as error:
            _refused(error)
        else:
            db.session.commit()
            flash(_("Prêt converti en don : la nouvelle convention est prête à signer."),
                  "success")
    return redirect(url_for("allocations.show_allocation", allocation_id=allocation_id))


@bp.get("/loans")
@roles_required(*SOCIAL)
def loans():
    today = now().date()
    scope = request.args.get("scope", "due")
    scope = scope if scope in queries.LOAN_SCOPES else "due"
    programme_id = int_arg("programme") or None
    page = paginate(queries.loans_query(today, scope, programme_id), page_arg(), per_page())
    return render_template(
        "allocations/loans.html", page=page, scope=scope, programme_id=programme_id,
        programmes=queries.programme_choices(),
        due={a.id: loan_due_status(a.due_on, today) for a in page.items},
    )


# ------------------------------------------------------------------------- school programmes

@bp.get("/programmes")
@roles_required(*SOCIAL)
def programmes():
    page = paginate(queries.programmes_query(), page_arg(), per_page())
    return render_template("allocations/programmes.html", page=page,
                           counts=queries.programme_counts((p.id for p in page.items),
                                                           now().date()))


@bp.route("/programmes/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_programme():
    form = ProgrammeForm()
    if request.method == "GET":
        form.cohort_year.data = school_year_start(now().date())
    status = 200
    if form.validate_on_submit():
        try:
            programme = services.create_programme(
                services.ProgrammeValues(name=form.name.data, start_level=form.start_level.data,
                                         cohort_year=form.cohort_year.data,
                                         due_on=form.due_on.data, notes=form.notes.data or ""),
                actor_id=actor_id(), now=now())
        except DomainError as error:
            status = _refused(error)
        else:
            db.session.commit()
            flash(_("Dispositif « %(n)s » créé.", n=programme.name), "success")
            return redirect(url_for("allocations.show_programme", programme_id=programme.id))
    elif request.method == "POST":
        status = 400
    return render_template("allocations/programme_form.html", form=form), status


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def show_programme(programme_id: int):
    programme = get_or_404(SchoolProgramme, programme_id)
    form = SchoolForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_school(programme, form.uai.data, form.name.data)
        except DomainError as error:
            status = _refused(error)
            programme = db.session.get(SchoolProgramme, programme_id)
        else:
            db.session.commit()
            flash(_("École ajoutée au dispositif."), "success")
            return redirect(url_for("allocations.show_programme", programme_id=programme_id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "allocations/programme.html", p=programme, form=form,
        counts=queries.programme_counts([programme.id], now().date()).get(programme.id, {}),
    ), status
