"""The handover (remise): the reserved devices are given or lent, the file is marked served and
the agreement (convention de don / contrat de prêt) is issued. Refused with every reason at once:
the approval (invariant 2), the fee, the loan's date, the school programme, the training the
policy requires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from refurb.allocations import agreements, queries
from refurb.allocations.models import Allocation, Reservation, SchoolProgramme
from refurb.allocations.reservations import close, flush_reservation
from refurb.allocations.warranty import months_for, warranty_of
from refurb.beneficiaries.models import Beneficiary, Kind
from refurb.beneficiaries.services import (
    KIND_LABELS,
    get_current_policy,
    mark_served,
    pseudonym_of,
    require_approved_and_valid,
)
from refurb.clock import local_date
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.handover import (
    MODE_WORDS,
    Fee,
    HandoverFacts,
    Mode,
    Training,
    check_handover,
    reservation_expired,
)
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.counters import next_number
from refurb.devices.models import Device
from refurb.devices.services import transition
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead, workshop_letterhead
from refurb.documents.services import issue_document, list_versions
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings.services import get as get_setting
from refurb.training.progress import sessions_attended

FEE = "handover.fee"
LOAN_MONTHS = "loan.default_months"
FEE_SETTING = Definition(
    FEE, N_("Participation demandée à la remise (EUR)"), "decimal", Decimal("10"),
    help=N_("Montant proposé par défaut ; exonération possible à la remise."), minimum=0,
    section=N_("Remises et réservations"))
LOAN_MONTHS_SETTING = Definition(
    LOAN_MONTHS, N_("Durée proposée pour un prêt (mois)"), "int", 12,
    help=N_("Date de retour proposée par défaut hors dispositif scolaire."), minimum=1,
    section=N_("Remises et réservations"))


@dataclass(frozen=True)
class HandoverValues:
    mode: str
    fee_status: str
    fee_amount: Decimal | None
    fee_method: str | None = None
    receipt_number: str = ""
    due_on: date | None = None
    programme_id: int | None = None


def default_fee() -> Decimal:
    return Decimal(get_setting(FEE))


def loan_default_months() -> int:
    return int(get_setting(LOAN_MONTHS))


def required_sessions() -> int:
    """Training sessions the current policy asks before a handover (0: none)."""
    return max(0, get_current_policy().min_training_sessions)


def training_status(beneficiary_id: int) -> Training:
    """Sessions the current policy still requires before a handover, and those attended."""
    required = get_current_policy().min_training_sessions
    if required <= 0:
        return Training(required=0, attended=0)
    return Training(required=required, attended=sessions_attended(beneficiary_id))


def _workshop(workshop: Letterhead | None) -> Letterhead:
    if workshop is not None:
        return workshop
    from flask import current_app, has_app_context

    return workshop_letterhead(current_app.config if has_app_context() else {})


def _programme(programme_id: int | None) -> SchoolProgramme | None:
    if not programme_id:
        return None
    programme = db.session.get(SchoolProgramme, programme_id)
    if programme is None or not programme.active:
        raise InvalidInput(N_("Dispositif scolaire inconnu ou clos."))
    return programme


def _check_still_open(reservation: Reservation, today: date) -> None:
    if reservation.status != "active":
        raise IllegalTransition(N_("La réservation n° %(number)s n'est plus en cours."),
                                number=reservation.id)
    if reservation_expired(reservation.expires_on, today):
        raise IllegalTransition(
            N_("La réservation n° %(number)s a expiré le %(date)s : réservez de nouveau les "
               "machines."), number=reservation.id, date=f"{reservation.expires_on:%d/%m/%Y}")


def _check_terms(reservation: Reservation, beneficiary: Beneficiary, values: HandoverValues,
                 programme: SchoolProgramme | None, due_on: date | None, fee: Fee,
                 today: date) -> None:
    verdict = check_handover(HandoverFacts(
        today=today, mode=values.mode, due_on=due_on if values.mode == Mode.LOAN else None,
        fee=fee, device_count=len(reservation.active_items),
        training=training_status(beneficiary.id), in_programme=programme is not None,
        school_in_programme=programme is None or queries.school_in_programme(
            programme, beneficiary.uai),
    ))
    if not verdict.allowed:
        raise IllegalTransition(N_("Remise impossible."), reasons=list(verdict.reasons))


def hand_over(reservation: Reservation, values: HandoverValues, *, actor_id: int | None,
              now: datetime, workshop: Letterhead | None = None,
              signed_for_workshop: str = "", pack: dict[str, Any] | None = None,
              ) -> tuple[Allocation, IssuedDocument]:
    """Give or lend the reserved devices: devices `allocated` (events name the pseudonym),
    file marked served, agreement issued. Refused with every reason at once. `pack`: the
    cohort's pack as handed over (refurb.allocations.cohorts.pack_contents), kept and
    printed."""
    today = local_date(now)
    _check_still_open(reservation, today)
    beneficiary = db.session.get(Beneficiary, reservation.beneficiary_id)
    require_approved_and_valid(beneficiary, today)  # invariant 2
    programme = _programme(values.programme_id)
    due_on = values.due_on
    if programme is not None and due_on is None:
        due_on = programme.due_on
    fee = Fee(values.fee_status, values.fee_amount, values.fee_method or None,
              (values.receipt_number or "").strip())
    _check_terms(reservation, beneficiary, values, programme, due_on, fee, today)

    mode = Mode(values.mode)
    allocation = _allocate(reservation, beneficiary, mode, fee,
                           due_on=due_on if mode == Mode.LOAN else None, programme=programme,
                           actor_id=actor_id, now=now)
    allocation.pack = pack
    mark_served(beneficiary, actor_id, now)
    document = issue_agreement(allocation, beneficiary=beneficiary, actor_id=actor_id, now=now,
                               workshop=workshop, signed_for_workshop=signed_for_workshop)
    return allocation, document


def _allocate(reservation: Reservation, beneficiary: Beneficiary, mode: Mode, fee: Fee, *,
              due_on: date | None, programme: SchoolProgramme | None, actor_id: int | None,
              now: datetime) -> Allocation:
    number = f"REM-{now.year}-{next_number(f'allocation:{now.year}'):04d}"
    details: dict[str, Any] = {"beneficiary": pseudonym_of(beneficiary),
                               "mode": MODE_WORDS[mode], "allocation": number}
    if due_on is not None:
        details["due_on"] = due_on.isoformat()
    for item in reservation.active_items:
        transition(item.device, State.ALLOCATED, actor_id=actor_id, now=now, details=details)
    paid = fee.status == "paid"
    allocation = Allocation(
        number=number, reservation_id=reservation.id, beneficiary_id=beneficiary.id,
        mode=mode.value, status="active", handed_over_at=now, handed_over_by_id=actor_id,
        due_on=due_on, programme_id=programme.id if programme else None,
        fee_amount=(fee.amount or Decimal(0)).quantize(Decimal("0.01")),
        fee_status=fee.status, fee_method=fee.method if paid else None,
        receipt_number=fee.receipt_number if paid else "",
        warranty_months=months_for(programme),
    )
    db.session.add(allocation)
    close(reservation, "handed_over", f"remise {number}", now)
    flush_reservation(reservation)
    return allocation


# ------------------------------------------------------------------------- the agreement

def _device_lines(devices: list[Device]) -> list[dict[str, Any]]:
    configs = queries.device_configs(devices)
    return [
        {
            "tag": d.asset_tag,
            "type": agreements.type_label(d.device_type),
            "make_model": f"{d.make} {d.model}".strip(),
            "serial": d.serial or "",
            "config": [list(pair) for pair in configs[d.id].lines()],
        }
        for d in devices
    ]


def issue_agreement(allocation: Allocation, *, actor_id: int | None, now: datetime,
                    beneficiary: Beneficiary | None = None, workshop: Letterhead | None = None,
                    signed_for_workshop: str = "") -> IssuedDocument:
    """Issue (or find, when nothing changed) the agreement for the devices still held."""
    beneficiary = beneficiary or db.session.get(Beneficiary, allocation.beneficiary_id)
    programme = db.session.get(SchoolProgramme, allocation.programme_id) \
        if allocation.programme_id else None
    devices = [item.device for item in allocation.reservation.items if item.active]
    warranty = warranty_of(allocation)
    payload = agreements.agreement_payload(
        number=allocation.number, workshop=_workshop(workshop), beneficiary=beneficiary,
        kind_label=KIND_LABELS[Kind(beneficiary.kind)], devices=_device_lines(devices),
        mode=allocation.mode, handed_over_on=allocation.handed_over_at.date(),
        due_on=allocation.due_on, fee_amount=allocation.fee_amount,
        fee_status=allocation.fee_status, fee_method=allocation.fee_method,
        receipt_number=allocation.receipt_number,
        programme=programme.name if programme else "",
        converted_on=allocation.converted_at.date() if allocation.converted_at else None,
        signed_for_workshop=signed_for_workshop,
        warranty_months=warranty.months, warranty_until=warranty.until,
        pack=allocation.pack,
    )
    mode = Mode(allocation.mode)
    document, _created = issue_document(
        kind=agreements.KIND, number=allocation.number, subject=f"allocation:{allocation.id}",
        payload=payload, render=agreements.render_agreement,
        filename_stem=f"{'convention-don' if mode == Mode.GIFT else 'contrat-pret'}-"
                      f"{allocation.number}",
        actor_id=actor_id, now=now, personal=True,
        summary={"mode": mode.value, "devices": len(devices)},
    )
    return document


def agreement_versions(allocation: Allocation) -> list[IssuedDocument]:
    return list_versions(f"allocation:{allocation.id}", kind=agreements.KIND)
