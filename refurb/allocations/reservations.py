"""Reservations: hold ready devices (one machine or a pack) for an approved beneficiary until
the handover, a cancellation or the last day.

Invariant 2 is held three times over: ``require_approved_and_valid`` before reserving (and
again at the handover); the device version lock in ``transition`` (two people reserving one
machine: one wins, the other gets ConcurrentChange); and the partial unique index on active
reservation items in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from refurb.allocations import queries
from refurb.allocations.models import Reservation, ReservationExtension, ReservationItem
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import pseudonym_of, require_approved_and_valid
from refurb.clock import local_date
from refurb.concurrency import flush_or_conflict
from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, Message
from refurb.core.handover import reservation_expired, reservation_expires_on
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.devices.models import Device
from refurb.devices.services import transition
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings.services import get as get_setting
from refurb.training.progress import ProgrammeProgress, training_in_progress

RESERVATION_DAYS = "reservation.days"
RESERVATION_DAYS_SETTING = Definition(
    RESERVATION_DAYS, N_("Durée d'une réservation (jours)"), "int", 14,
    help=N_("Au-delà, la réservation expire et la machine redevient disponible."), minimum=1,
    section=N_("Remises et réservations"))

HOLD_DURING_TRAINING = "reservation.hold_during_training"
HOLD_DURING_TRAINING_SETTING = Definition(
    HOLD_DURING_TRAINING, N_("Garder la réservation pendant la formation"), "bool", True,
    help=N_("Une réservation n'expire pas tant que le bénéficiaire suit une formation non "
            "terminée : sa date de fin est repoussée et la prolongation notée dans "
            "l'historique."))

# How many days ahead the home page warns of a reservation about to end.
EXPIRY_WARNING_DAYS = "reservation.expiry_warning_days"
EXPIRY_WARNING_SETTING = Definition(
    EXPIRY_WARNING_DAYS, N_("Alerte avant la fin d'une réservation (jours)"), "int", 3,
    help=N_("La page d'accueil des travailleurs sociaux signale les réservations qui se "
            "terminent dans ce délai."), minimum=0)

EXPIRED_REASON = "réservation expirée"
_TAG_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class _Lowercase(Message):
    """A label that sits mid-sentence ("… n'est pas disponible : en diagnostic")."""

    def render(self, translate=lambda text: text) -> str:
        return super().render(translate).lower()


def reservation_days() -> int:
    return int(get_setting(RESERVATION_DAYS))


def expiry_warning_days() -> int:
    return int(get_setting(EXPIRY_WARNING_DAYS))


def flush_reservation(reservation: Reservation) -> None:
    """Flush; a lost optimistic lock on the reservation becomes a ConcurrentChange."""
    flush_or_conflict(Message(N_("La réservation n° %(number)s vient d'être modifié(e) par "
                                 "quelqu'un d'autre : rechargez la page."),
                              {"number": reservation.id}))


def close(reservation: Reservation, status: str, reason: str, now: datetime) -> None:
    reservation.status = status
    reservation.closed_at = now
    reservation.close_reason = reason


def release(item: ReservationItem, reason: str, now: datetime) -> None:
    item.active = False
    item.released_at = now
    item.release_reason = reason[:200]


# ------------------------------------------------------------------------- devices

def resolve_devices(text: str) -> list[Device]:
    """Asset tags typed or scanned (spaces, commas, new lines) → devices, in typed order."""
    tokens = [normalise_scan(t) for t in _TAG_SPLIT.split(text or "") if t.strip()]
    if not tokens:
        raise InvalidInput(N_("Indiquez au moins un numéro d'inventaire."))
    bad = [t for t in tokens if parse_tag(t) is None]
    if bad:
        raise InvalidInput(N_("Numéro(s) d'inventaire invalide(s) : %(tags)s."),
                           tags=", ".join(bad))
    unique = list(dict.fromkeys(tokens))
    found = queries.devices_by_tags(unique)
    missing = [t for t in unique if t not in found]
    if missing:
        raise InvalidInput(N_("Numéro(s) d'inventaire inconnu(s) : %(tags)s."),
                           tags=", ".join(missing))
    return [found[t] for t in unique]


# ------------------------------------------------------------------------- expiry

def _free_devices(reservation: Reservation, status: str, reason: str, *, actor_id: int | None,
                  now: datetime) -> None:
    """Back to the ready stock: every held device returns to `ready` with the reason."""
    for item in reservation.active_items:
        if item.device.state == State.RESERVED:
            transition(item.device, State.READY, actor_id=actor_id, now=now, reason=reason,
                       details={"reservation": reservation.id})
        release(item, reason, now)
    close(reservation, status, reason, now)
    flush_reservation(reservation)


@dataclass
class ExpiryReport:
    expired: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (id, why)
    held: list[int] = field(default_factory=list)  # kept: training in progress


def hold_during_training() -> bool:
    return bool(get_setting(HOLD_DURING_TRAINING))


def training_reason(programmes: list[ProgrammeProgress]) -> str:
    """History words for a hold: "formation en cours : Prise en main 2/5 séances"."""
    return "formation en cours : " + ", ".join(
        f"{p.title} {p.attended}/{p.planned_sessions} séances" for p in programmes)


def _extend(reservation: Reservation, new_expires_on: date, reason: str, *,
            actor_id: int | None, now: datetime) -> ReservationExtension:
    row = ReservationExtension(reservation_id=reservation.id,
                               previous_expires_on=reservation.expires_on,
                               new_expires_on=new_expires_on, reason=reason,
                               actor_id=actor_id, occurred_at=now)
    db.session.add(row)
    reservation.expires_on = new_expires_on
    flush_reservation(reservation)
    return row


def extend_reservation(reservation: Reservation, new_expires_on: date | None, reason: str, *,
                       actor_id: int | None, now: datetime) -> ReservationExtension:
    """Move the last day later, e.g. while a training goes on; who, when and why are kept."""
    if reservation.status != "active":
        raise IllegalTransition(N_("La réservation n° %(number)s n'est plus en cours."),
                                number=reservation.id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(N_("Indiquez pourquoi la réservation est prolongée."))
    if new_expires_on is None:
        raise InvalidInput(N_("Indiquez la nouvelle date de fin de la réservation."))
    today = local_date(now)
    if new_expires_on <= reservation.expires_on or new_expires_on < today:
        raise InvalidInput(
            N_("La nouvelle date de fin doit être après le %(date)s et pas avant aujourd'hui."),
            date=f"{reservation.expires_on:%d/%m/%Y}")
    return _extend(reservation, new_expires_on, reason, actor_id=actor_id, now=now)


def _hold_for_training(reservations: list[Reservation], today: date, *,
                       now: datetime) -> set[int]:
    """Reservations kept because their beneficiary's training goes on: their last day moves
    to today + the reservation's length, so the machine still waits once training ends."""
    if not reservations or not hold_during_training():
        return set()
    going_on = training_in_progress(r.beneficiary_id for r in reservations)
    held = set()
    for reservation in reservations:
        programmes = going_on.get(reservation.beneficiary_id)
        if programmes:
            _extend(reservation, reservation_expires_on(today, reservation_days()),
                    training_reason(programmes), actor_id=None, now=now)
            held.add(reservation.id)
    return held


def expire_reservations(*, now: datetime, actor_id: int | None = None,
                        reservations: Iterable[Reservation] | None = None) -> ExpiryReport:
    """Expire reservations past their last day; their devices go back to `ready`.

    Each reservation in its own savepoint: a device a guard keeps from `ready` (a checklist
    made stricter since) is reported, and the others still expire.
    """
    today = local_date(now)
    report = ExpiryReport()
    if reservations is None:
        reservations = db.session.scalars(queries.expired_reservations_query(today)).all()
    due = [r for r in reservations
           if r.status == "active" and reservation_expired(r.expires_on, today)]
    report.held = sorted(_hold_for_training(due, today, now=now))
    for reservation in due:
        if reservation.id in report.held:
            continue
        # Not the context manager: a ConcurrentChange has already rolled the whole session
        # back (see devices.services.transition) and must reach the caller as it is.
        savepoint = db.session.begin_nested()
        try:
            _free_devices(reservation, "expired", EXPIRED_REASON, actor_id=actor_id, now=now)
        except IllegalTransition as error:
            savepoint.rollback()
            report.skipped.append((reservation.id, error.describe()))
        else:
            savepoint.commit()
            report.expired.append(reservation.id)
    return report


# ------------------------------------------------------------------------- reserving

def _check_available(devices: list[Device]) -> None:
    for device in devices:
        if device.state == State.RESERVED:
            raise IllegalTransition(N_("%(tag)s n'est pas disponible : déjà réservé. Choisissez "
                                       "une autre machine."), tag=device.asset_tag)
        if device.state != State.READY:
            raise IllegalTransition(
                N_("%(tag)s n'est pas disponible : %(state)s. Choisissez une autre machine."),
                tag=device.asset_tag, state=_Lowercase(STATE_LABELS[State(device.state)]))


def _open_reservation(beneficiary: Beneficiary, devices: list[Device], *,
                      actor_id: int | None, now: datetime) -> Reservation | None:
    """The file's reservation still running once stale ones are expired (lazily: a device held
    by a reservation past its last day is available again)."""
    holds = queries.active_holds(d.id for d in devices)
    stale = {item.reservation for item in holds.values() if item.reservation.status == "active"}
    current = queries.get_active_reservation(beneficiary.id)
    if current is not None:
        stale.add(current)
    expire_reservations(now=now, actor_id=actor_id, reservations=sorted(stale, key=lambda r: r.id))
    return current if current is not None and current.status == "active" else None


def reserve(beneficiary: Beneficiary, devices: list[Device], *, actor_id: int | None,
            now: datetime) -> Reservation:
    """Hold ``devices`` (one machine or a pack) for an approved beneficiary. A file with an
    open reservation gets the devices added to it."""
    if not devices:
        raise InvalidInput(N_("Choisissez au moins une machine."))
    require_approved_and_valid(beneficiary, local_date(now))
    reservation = _open_reservation(beneficiary, devices, actor_id=actor_id, now=now)
    _check_available(devices)
    if reservation is None:
        reservation = Reservation(
            beneficiary_id=beneficiary.id, status="active", reserved_at=now,
            reserved_by_id=actor_id,
            expires_on=reservation_expires_on(local_date(now), reservation_days()),
            close_reason="",
        )
        db.session.add(reservation)
    try:
        _hold(reservation, devices, pseudonym_of(beneficiary), actor_id=actor_id, now=now)
    except IntegrityError:
        # The database's own guard (partial unique indexes): someone else got there first.
        db.session.rollback()
        raise ConcurrentChange(N_(
            "Une de ces machines vient d'être réservée, ou ce dossier vient de recevoir une "
            "réservation, par quelqu'un d'autre : rechargez la page.")) from None
    except StaleDataError:
        db.session.rollback()
        raise ConcurrentChange(N_(
            "Cette réservation vient d'être modifiée par quelqu'un d'autre : rechargez la page."
        )) from None
    return reservation


def _hold(reservation: Reservation, devices: list[Device], pseudonym: str, *,
          actor_id: int | None, now: datetime) -> None:
    for device in devices:
        try:
            transition(device, State.RESERVED, actor_id=actor_id, now=now,
                       details={"beneficiary": pseudonym})
        except ConcurrentChange:
            raise ConcurrentChange(N_(
                "%(tag)s vient d'être réservé par quelqu'un d'autre : il n'est plus disponible. "
                "Choisissez une autre machine."), tag=device.asset_tag) from None
        reservation.items.append(ReservationItem(device=device, active=True, added_at=now,
                                                 release_reason=""))
    db.session.flush()


def reserve_tags(beneficiary: Beneficiary, tags: str, *, actor_id: int | None,
                 now: datetime) -> Reservation:
    """The reservation form: asset tags as typed or scanned."""
    return reserve(beneficiary, resolve_devices(tags), actor_id=actor_id, now=now)


def cancel_reservation(reservation: Reservation, *, reason: str, actor_id: int | None,
                       now: datetime) -> None:
    if reservation.status != "active":
        raise IllegalTransition(N_("La réservation n° %(number)s n'est plus en cours."),
                                number=reservation.id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Indiquez pourquoi la réservation est annulée."))
    _free_devices(reservation, "cancelled", f"réservation annulée : {reason}",
                  actor_id=actor_id, now=now)
