"""Reservation pages: reserve (one machine or a pack), the running reservations, one
reservation with its two forms (hand over, cancel)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import handover, matching, queries, reservations
from refurb.allocations.forms import CancelForm, ExtendForm, HandoverForm, ReserveForm
from refurb.allocations.models import Reservation
from refurb.allocations.views.blueprint import bp, expire_lazily, form_status, log_view
from refurb.beneficiaries import queries as beneficiary_queries
from refurb.beneficiaries import services as beneficiaries
from refurb.beneficiaries.models import Beneficiary
from refurb.clock import local_date
from refurb.core.eligibility import add_months
from refurb.core.handover import reservation_expired
from refurb.database import writes_on_get
from refurb.devices.queries import paginate
from refurb.documents.pdf import workshop_letterhead
from refurb.extensions import db
from refurb.training.progress import training_in_progress
from refurb.web import (
    actor_id,
    attempt,
    get_or_404,
    int_arg,
    int_list_arg,
    now,
    page_arg,
    per_page,
    translate,
)


def _reserve_form() -> ReserveForm:
    form = ReserveForm()
    approved = db.session.scalars(beneficiary_queries.approved_and_valid_query(local_date(now())))
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
    form, outcome = _reserve_form(), None
    if form.validate_on_submit():
        beneficiary = get_or_404(Beneficiary, form.beneficiary_id.data)
        with attempt() as outcome:
            reservation = reservations.reserve_tags(beneficiary, form.tags.data,
                                                    actor_id=actor_id(), now=now())
        if outcome:
            flash(_("Réservation n° %(n)s enregistrée jusqu’au %(d)s.", n=reservation.id,
                    d=reservation.expires_on.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("allocations.show_reservation",
                                    reservation_id=reservation.id))
    return render_template("allocations/reserve.html", form=form,
                           days=reservations.reservation_days(), fit=_fit(form)), \
        form_status(form, outcome)


def _fit(form: ReserveForm):
    """The chosen file and the ready machines fitting its needs (a link to them), if any."""
    chosen = form.beneficiary_id.data
    beneficiary = db.session.get(Beneficiary, chosen) if isinstance(chosen, int) else None
    if beneficiary is None:
        return None
    return beneficiary, matching.fitting_counts([beneficiary])[beneficiary.id]


@bp.get("/reservations", endpoint="reservations")
@roles_required(*SOCIAL)
@writes_on_get
def list_reservations():
    expire_lazily()
    today = local_date(now())
    # The home page's queues: ?expiring=1 (ending within the warning days), ?training=short.
    expiring = request.args.get("expiring") == "1"
    short_of_training = request.args.get("training") == "short"
    query = queries.active_reservations_query(
        expiring_by=today + timedelta(days=reservations.expiry_warning_days()) if expiring
        else None,
        training_below=handover.required_sessions() if short_of_training else None)
    page = paginate(query, page_arg(), per_page())
    training = training_in_progress(r.beneficiary_id for r in page.items)
    return render_template("allocations/reservations.html", page=page, today=today,
                           expiring=expiring, short_of_training=short_of_training,
                           training=training)


def _handover_defaults(beneficiary: Beneficiary) -> HandoverForm:
    programme = queries.get_programme_by_name(beneficiary.programme)
    due_on = programme.due_on if programme else add_months(local_date(now()),
                                                           handover.loan_default_months())
    return HandoverForm(
        formdata=None, mode="loan" if programme else "gift", fee_status="paid",
        fee_amount=handover.default_fee(), programme_id=programme.id if programme else 0,
        due_on=due_on,
    )


def _reservation_page(reservation: Reservation, form: HandoverForm | None = None,
                      cancel_form: CancelForm | None = None, status: int = 200,
                      extend_form: ExtendForm | None = None):
    beneficiary = db.session.get(Beneficiary, reservation.beneficiary_id)
    today = local_date(now())
    form = form or _handover_defaults(beneficiary)
    form.programme_id.choices = [(0, "—"), *queries.programme_choices()]
    devices = [item.device for item in reservation.items if item.active]
    training = handover.training_status(beneficiary.id)
    return render_template(
        "allocations/reservation.html", r=reservation, b=beneficiary, devices=devices,
        configs=queries.device_configs(devices), form=form,
        cancel_form=cancel_form or CancelForm(formdata=None),
        extend_form=extend_form or ExtendForm(formdata=None),
        programmes=training_in_progress([beneficiary.id]).get(beneficiary.id, []),
        hold_during_training=reservations.hold_during_training(),
        extensions=queries.reservation_extensions(reservation.id),
        expired=reservation_expired(reservation.expires_on, today),
        approval=beneficiaries.display_status(beneficiary, today),
        approved=beneficiaries.is_approved_and_valid(beneficiary, today),
        training=training, training_note=translate(training.note),
        allocation=queries.get_allocation_for_reservation(reservation.id),
    ), status


@bp.get("/reservations/<int:reservation_id>")
@roles_required(*SOCIAL)
@writes_on_get
def show_reservation(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    expire_lazily([reservation])
    log_view(reservation.beneficiary_id, f"réservation {reservation.id}")
    return _reservation_page(reservation)


def _handover_values(form: HandoverForm) -> handover.HandoverValues:
    return handover.HandoverValues(
        mode=form.mode.data, fee_status=form.fee_status.data, fee_amount=form.fee_amount.data,
        fee_method=form.fee_method.data or None, receipt_number=form.receipt_number.data or "",
        due_on=form.due_on.data, programme_id=form.programme_id.data or None)


@bp.post("/reservations/<int:reservation_id>/handover")
@roles_required(*SOCIAL)
def hand_over(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    form = HandoverForm()
    form.programme_id.choices = [(0, "—"), *queries.programme_choices()]
    if not form.validate_on_submit():
        return _reservation_page(reservation, form, status=400)
    with attempt() as done:
        allocation, _document = handover.hand_over(
            reservation, _handover_values(form), actor_id=actor_id(), now=now(),
            workshop=workshop_letterhead(current_app.config),
            signed_for_workshop=current_user.display_name)
    if not done:
        return _reservation_page(db.session.get(Reservation, reservation_id), form,
                                 status=done.error.http_status)
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
    with attempt() as done:
        reservations.cancel_reservation(reservation, reason=form.reason.data,
                                        actor_id=actor_id(), now=now())
    if not done:
        return _reservation_page(db.session.get(Reservation, reservation_id),
                                 cancel_form=form, status=done.error.http_status)
    flash(_("Réservation annulée : les machines sont de nouveau disponibles."), "success")
    return redirect(url_for("allocations.reservations"))


@bp.post("/reservations/<int:reservation_id>/extend")
@roles_required(*SOCIAL)
def extend_reservation(reservation_id: int):
    reservation = get_or_404(Reservation, reservation_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _reservation_page(reservation, extend_form=form, status=400)
    with attempt() as done:
        reservations.extend_reservation(reservation, form.new_expires_on.data, form.reason.data,
                                        actor_id=actor_id(), now=now())
    if not done:
        return _reservation_page(db.session.get(Reservation, reservation_id),
                                 extend_form=form, status=done.error.http_status)
    flash(_("Réservation prolongée jusqu’au %(d)s.",
            d=form.new_expires_on.data.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("allocations.show_reservation", reservation_id=reservation_id))
