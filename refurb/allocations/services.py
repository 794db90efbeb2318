"""Reservations, handovers (gift / loan) and their end (kept or returned), school programmes.

For other domains: the beneficiary page panel and the report counts (by kind and commune,
never by name) live in ``refurb.allocations.queries``; ``training_status(beneficiary_id)``
says how many sessions the current policy still requires before a handover.

Invariant 2 is held three times over: ``require_approved_and_valid`` before reserving and
before handing over; the device version lock in ``transition`` (two people reserving one
machine: one wins, the other gets ConcurrentChange); and the partial unique index on active
reservation items in the database.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from refurb.allocations import agreements, queries
from refurb.allocations.models import (
    Allocation,
    ProgrammeSchool,
    Reservation,
    ReservationItem,
    SchoolProgramme,
)
from refurb.beneficiaries.models import Beneficiary, Kind
from refurb.beneficiaries.services import (
    KIND_LABELS,
    get_current_policy,
    mark_served,
    pseudonym_of,
    record_contact,
    register_personal_documents,
    register_purge_blocker,
    require_approved_and_valid,
)
from refurb.concurrency import flush_or_conflict
from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import ConcurrentChange, IllegalTransition, InvalidInput
from refurb.core.handover import (
    MODE_WORDS,
    Fee,
    HandoverFacts,
    Mode,
    Training,
    check_handover,
    reservation_expired,
    reservation_expires_on,
    sixth_grade_due_date,
)
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.siret import validate_uai
from refurb.counters import next_number
from refurb.devices.event_words import register_event_words
from refurb.devices.models import Device
from refurb.devices.services import record_event, transition
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead, workshop_letterhead
from refurb.documents.services import issue_document, list_versions
from refurb.extensions import db
from refurb.settings.services import define
from refurb.settings.services import get as get_setting

RESERVATION_DAYS = "reservation.days"
FEE_SETTING = "handover.fee"
LOAN_MONTHS = "loan.default_months"
define(RESERVATION_DAYS, "Durée d'une réservation (jours)", "int", 14,
       help="Au-delà, la réservation expire et la machine redevient disponible.", minimum=1)
define(FEE_SETTING, "Participation demandée à la remise (EUR)", "decimal", Decimal("10"),
       help="Montant proposé par défaut ; exonération possible à la remise.", minimum=0)
define(LOAN_MONTHS, "Durée proposée pour un prêt (mois)", "int", 12,
       help="Date de retour proposée par défaut hors dispositif scolaire.", minimum=1)

EXPIRED_REASON = "réservation expirée"
_TAG_SPLIT = re.compile(r"[\s,;]+")


def _flush(what: str) -> None:
    """Flush; a lost optimistic lock or a taken device becomes a French ConcurrentChange."""
    flush_or_conflict(f"{what} vient d'être modifié(e) par quelqu'un d'autre : rechargez la page.")


# ------------------------------------------------------------------------- training

def sessions_attended_for(beneficiary_id: int) -> tuple[int, bool]:
    """(sessions attended, tracked). The training domain is built alongside this one: until
    it exposes ``sessions_attended`` the count is 0 and ``tracked`` False."""
    if importlib.util.find_spec("refurb.training.services") is None:
        return 0, False
    module = importlib.import_module("refurb.training.services")
    counter = getattr(module, "sessions_attended", None)
    if counter is None:
        return 0, False
    return int(counter(beneficiary_id)), True


def training_status(beneficiary_id: int) -> Training:
    required = get_current_policy().min_training_sessions
    if required <= 0:
        return Training(required=0, attended=0)
    attended, tracked = sessions_attended_for(beneficiary_id)
    return Training(required=required, attended=attended, tracked=tracked)


# ------------------------------------------------------------------------- devices

def resolve_devices(text: str) -> list[Device]:
    """Asset tags typed or scanned (spaces, commas, new lines) → devices, in typed order."""
    tokens = [normalise_scan(t) for t in _TAG_SPLIT.split(text or "") if t.strip()]
    if not tokens:
        raise InvalidInput("Indiquez au moins un numéro d'inventaire.")
    bad = [t for t in tokens if parse_tag(t) is None]
    if bad:
        raise InvalidInput(f"Numéro(s) d'inventaire invalide(s) : {', '.join(bad)}.")
    unique = list(dict.fromkeys(tokens))
    found = queries.devices_by_tags(unique)
    missing = [t for t in unique if t not in found]
    if missing:
        raise InvalidInput(f"Numéro(s) d'inventaire inconnu(s) : {', '.join(missing)}.")
    return [found[t] for t in unique]


# ------------------------------------------------------------------------- reservations

def reservation_days() -> int:
    return int(get_setting(RESERVATION_DAYS))


def _close(reservation: Reservation, status: str, reason: str, now: datetime) -> None:
    reservation.status = status
    reservation.closed_at = now
    reservation.close_reason = reason


def _release(item: ReservationItem, reason: str, now: datetime) -> None:
    item.active = False
    item.released_at = now
    item.release_reason = reason[:200]


def _free_devices(reservation: Reservation, status: str, reason: str, *, actor_id: int | None,
                  now: datetime) -> None:
    """Back to the ready stock: every held device returns to `ready` with the reason."""
    for item in reservation.active_items:
        if item.device.state == State.RESERVED:
            transition(item.device, State.READY, actor_id=actor_id, now=now, reason=reason,
                       details={"reservation": reservation.id})
        _release(item, reason, now)
    _close(reservation, status, reason, now)
    _flush(f"La réservation n° {reservation.id}")


@dataclass
class ExpiryReport:
    expired: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (id, why)


def expire_reservations(*, now: datetime, actor_id: int | None = None,
                        reservations: Iterable[Reservation] | None = None) -> ExpiryReport:
    """Expire reservations past their last day; their devices go back to `ready`.

    Each reservation in its own savepoint: a device a guard keeps from `ready` (a checklist
    made stricter since) is reported, and the others still expire.
    """
    today = now.date()
    report = ExpiryReport()
    if reservations is None:
        reservations = db.session.scalars(queries.expired_reservations_query(today)).all()
    for reservation in reservations:
        if reservation.status != "active" or not reservation_expired(reservation.expires_on,
                                                                      today):
            continue
        # Not the context manager: a ConcurrentChange has already rolled the whole session
        # back (see devices.services.transition) and must reach the caller as it is.
        savepoint = db.session.begin_nested()
        try:
            _free_devices(reservation, "expired", EXPIRED_REASON, actor_id=actor_id, now=now)
        except IllegalTransition as error:
            savepoint.rollback()
            report.skipped.append((reservation.id, " ".join([error.message, *error.reasons])))
        else:
            savepoint.commit()
            report.expired.append(reservation.id)
    return report


def reserve(beneficiary: Beneficiary, devices: list[Device], *, actor_id: int | None,
            now: datetime) -> Reservation:
    """Hold ``devices`` (one machine or a pack) for an approved beneficiary. A file with an
    open reservation gets the devices added to it."""
    if not devices:
        raise InvalidInput("Choisissez au moins une machine.")
    require_approved_and_valid(beneficiary, now.date())
    # Lazily free what expired: a device held by a stale reservation is available again.
    holds = queries.active_holds(d.id for d in devices)
    stale = {item.reservation for item in holds.values() if item.reservation.status == "active"}
    current = queries.get_active_reservation(beneficiary.id)
    if current is not None:
        stale.add(current)
    expire_reservations(now=now, actor_id=actor_id, reservations=sorted(stale, key=lambda r: r.id))
    current = current if current is not None and current.status == "active" else None

    for device in devices:
        if device.state != State.READY:
            state = STATE_LABELS[State(device.state)].lower()
            what = "déjà réservé" if device.state == State.RESERVED else state
            raise IllegalTransition(
                f"{device.asset_tag} n'est pas disponible : {what}. Choisissez une autre machine."
            )
    reservation = current
    if reservation is None:
        reservation = Reservation(
            beneficiary_id=beneficiary.id, status="active", reserved_at=now,
            reserved_by_id=actor_id,
            expires_on=reservation_expires_on(now.date(), reservation_days()),
            close_reason="",
        )
        db.session.add(reservation)
    pseudonym = pseudonym_of(beneficiary)
    try:
        for device in devices:
            try:
                transition(device, State.RESERVED, actor_id=actor_id, now=now,
                           details={"beneficiary": pseudonym})
            except ConcurrentChange:
                raise ConcurrentChange(
                    f"{device.asset_tag} vient d'être réservé par quelqu'un d'autre : il n'est "
                    "plus disponible. Choisissez une autre machine."
                ) from None
            reservation.items.append(ReservationItem(device=device, active=True, added_at=now,
                                                     release_reason=""))
        db.session.flush()
    except IntegrityError:
        # The database's own guard (partial unique indexes): someone else got there first.
        db.session.rollback()
        raise ConcurrentChange(
            "Une de ces machines vient d'être réservée, ou ce dossier vient de recevoir une "
            "réservation, par quelqu'un d'autre : rechargez la page."
        ) from None
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentChange(
            "Cette réservation vient d'être modifiée par quelqu'un d'autre : rechargez la page."
        ) from None
    return reservation


def cancel_reservation(reservation: Reservation, *, reason: str, actor_id: int | None,
                       now: datetime) -> None:
    if reservation.status != "active":
        raise IllegalTransition(f"La réservation n° {reservation.id} n'est plus en cours.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Indiquez pourquoi la réservation est annulée.")
    _free_devices(reservation, "cancelled", f"réservation annulée : {reason}",
                  actor_id=actor_id, now=now)


# ------------------------------------------------------------------------- handover

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
    return Decimal(get_setting(FEE_SETTING))


def loan_default_months() -> int:
    return int(get_setting(LOAN_MONTHS))


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
        raise InvalidInput("Dispositif scolaire inconnu ou clos.")
    return programme


def hand_over(reservation: Reservation, values: HandoverValues, *, actor_id: int | None,
              now: datetime, workshop: Letterhead | None = None,
              signed_for_workshop: str = "") -> tuple[Allocation, IssuedDocument]:
    """Give or lend the reserved devices: devices `allocated` (events name the pseudonym),
    file marked served, agreement issued. Refused with every reason at once."""
    today = now.date()
    if reservation.status != "active":
        raise IllegalTransition(f"La réservation n° {reservation.id} n'est plus en cours.")
    if reservation_expired(reservation.expires_on, today):
        raise IllegalTransition(
            f"La réservation n° {reservation.id} a expiré le {reservation.expires_on:%d/%m/%Y} : "
            "réservez de nouveau les machines.")
    beneficiary = db.session.get(Beneficiary, reservation.beneficiary_id)
    require_approved_and_valid(beneficiary, today)  # invariant 2
    programme = _programme(values.programme_id)
    due_on = values.due_on
    if programme is not None and due_on is None:
        due_on = programme.due_on
    mode = values.mode
    items = reservation.active_items
    fee = Fee(values.fee_status, values.fee_amount, values.fee_method or None,
              (values.receipt_number or "").strip())
    verdict = check_handover(HandoverFacts(
        today=today, mode=mode, due_on=due_on if mode == Mode.LOAN else None, fee=fee,
        device_count=len(items), training=training_status(beneficiary.id),
        in_programme=programme is not None,
        school_in_programme=programme is None or queries.school_in_programme(
            programme, beneficiary.uai),
    ))
    if not verdict.allowed:
        raise IllegalTransition("Remise impossible.", reasons=list(verdict.reasons))

    mode = Mode(mode)
    number = f"REM-{now.year}-{next_number(f'allocation:{now.year}'):04d}"
    details: dict[str, Any] = {"beneficiary": pseudonym_of(beneficiary),
                               "mode": MODE_WORDS[mode], "allocation": number}
    if mode == Mode.LOAN:
        details["due_on"] = due_on.isoformat()
    for item in items:
        transition(item.device, State.ALLOCATED, actor_id=actor_id, now=now, details=details)
    allocation = Allocation(
        number=number, reservation_id=reservation.id, beneficiary_id=beneficiary.id,
        mode=mode.value, status="active", handed_over_at=now, handed_over_by_id=actor_id,
        due_on=due_on if mode == Mode.LOAN else None,
        programme_id=programme.id if programme else None,
        fee_amount=(fee.amount or Decimal(0)).quantize(Decimal("0.01")),
        fee_status=fee.status, fee_method=fee.method if fee.status == "paid" else None,
        receipt_number=fee.receipt_number if fee.status == "paid" else "",
    )
    db.session.add(allocation)
    _close(reservation, "handed_over", f"remise {number}", now)
    _flush(f"La réservation n° {reservation.id}")
    mark_served(beneficiary, actor_id, now)
    document = issue_agreement(allocation, beneficiary=beneficiary, actor_id=actor_id, now=now,
                               workshop=workshop, signed_for_workshop=signed_for_workshop)
    return allocation, document


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


# ------------------------------------------------------------------------- end of a loan

def return_devices(allocation: Allocation, device_ids: Iterable[int] | None = None, *,
                   actor_id: int | None, now: datetime, note: str = "") -> list[Device]:
    """Devices come back (end of a loan, or a gift brought back): `returned`, from where the
    workshop takes them to diagnosis. ``device_ids`` None: everything still held."""
    held = [item for item in allocation.reservation.items if item.active]
    if device_ids is not None:
        wanted = set(device_ids)
        held = [item for item in held if item.device_id in wanted]
    if not held:
        raise InvalidInput("Choisissez au moins une machine encore détenue par le bénéficiaire.")
    beneficiary = db.session.get(Beneficiary, allocation.beneficiary_id)
    reason = "retour de prêt" if allocation.mode == Mode.LOAN else "retour du matériel donné"
    if note.strip():
        reason = f"{reason} : {note.strip()}"
    details = {"beneficiary": pseudonym_of(beneficiary), "allocation": allocation.number}
    for item in held:
        transition(item.device, State.RETURNED, actor_id=actor_id, now=now, reason=reason,
                   details=details)
        _release(item, reason, now)
    if not any(item.active for item in allocation.reservation.items):
        allocation.status = "returned"
        allocation.returned_at = now
    _flush(f"La remise {allocation.number}")
    record_contact(beneficiary, now)
    return [item.device for item in held]


def keep_loan(allocation: Allocation, *, actor_id: int | None, now: datetime,
              workshop: Letterhead | None = None,
              signed_for_workshop: str = "") -> IssuedDocument:
    """The family keeps the machine at the end of the loan: the loan becomes a gift, each
    device's history says so, and the agreement is issued again as a convention de don."""
    if not allocation.is_open_loan:
        raise IllegalTransition(f"La remise {allocation.number} n'est pas un prêt en cours.")
    beneficiary = db.session.get(Beneficiary, allocation.beneficiary_id)
    allocation.mode = Mode.GIFT.value
    allocation.converted_at = now
    details = {"beneficiary": pseudonym_of(beneficiary), "mode": MODE_WORDS[Mode.GIFT],
               "allocation": allocation.number}
    for item in allocation.reservation.items:
        if item.active:
            record_event(item.device, "loan_converted", actor_id=actor_id, now=now,
                         reason="prêt converti en don", details=details)
    _flush(f"La remise {allocation.number}")
    record_contact(beneficiary, now)
    return issue_agreement(allocation, beneficiary=beneficiary, actor_id=actor_id, now=now,
                           workshop=workshop, signed_for_workshop=signed_for_workshop)


# ------------------------------------------------------------------------- programmes

@dataclass(frozen=True)
class ProgrammeValues:
    name: str
    start_level: str
    cohort_year: int
    due_on: date | None = None
    notes: str = ""


def create_programme(values: ProgrammeValues, *, actor_id: int | None,
                     now: datetime) -> SchoolProgramme:
    name = " ".join((values.name or "").split())
    if not name:
        raise InvalidInput("Le nom du dispositif est obligatoire.")
    if queries.get_programme_by_name(name) is not None:
        raise InvalidInput(f"Un dispositif « {name} » existe déjà.")
    if not 2000 <= (values.cohort_year or 0) <= 2100:
        raise InvalidInput("Année scolaire invalide : indiquez par exemple 2026 pour 2026-2027.")
    try:
        due_on = values.due_on or sixth_grade_due_date(values.start_level, values.cohort_year)
    except ValueError as error:
        raise InvalidInput(str(error)) from None
    programme = SchoolProgramme(
        name=name, start_level=values.start_level.strip().upper(),
        cohort_year=values.cohort_year, due_on=due_on, active=True,
        notes=(values.notes or "").strip(), created_at=now, created_by_id=actor_id,
    )
    db.session.add(programme)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConcurrentChange(f"Un dispositif « {name} » vient d'être créé.") from None
    return programme


def add_school(programme: SchoolProgramme, uai: str, name: str) -> ProgrammeSchool:
    code = validate_uai(uai or "")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Le nom de l'école est obligatoire.")
    if queries.programme_school_exists(programme.id, code):
        raise InvalidInput(f"L'école {code} fait déjà partie du dispositif.")
    school = ProgrammeSchool(programme_id=programme.id, uai=code, name=name)
    programme.schools.append(school)
    db.session.flush()
    return school


# ------------------------------------------------------------------------- GDPR purge

@register_personal_documents
def _agreements_of(beneficiary: Beneficiary) -> list[str]:
    """Agreements name the person: they are erased with the file."""
    ids = db.session.scalars(select(Allocation.id).where(Allocation.beneficiary_id == beneficiary.id))
    return [f"allocation:{allocation_id}" for allocation_id in ids]


@register_purge_blocker
def _keep_while_holding(beneficiary: Beneficiary) -> str | None:
    """A file holding a loaned machine or an open reservation is not purged."""
    if queries.get_active_reservation(beneficiary.id) is not None:
        return "Réservation de matériel en cours."
    loan = db.session.scalar(
        select(Allocation).where(Allocation.beneficiary_id == beneficiary.id,
                                 Allocation.mode == Mode.LOAN.value,
                                 Allocation.status == "active").limit(1))
    if loan is not None:
        return f"Matériel en prêt (remise {loan.number})."
    return None


register_event_words(
    kinds={"loan_converted": "Prêt converti en don"},
    details={"beneficiary": "Bénéficiaire", "mode": "Mode de remise", "allocation": "Remise",
             "reservation": "Réservation", "due_on": "Retour prévu le"},
)
