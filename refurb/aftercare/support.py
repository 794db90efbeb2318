"""Support requests on a handed-over device: found by the family's call, a scan or the
agreement number; decided under the warranty's rules; repaired through a work order or
exchanged under a new version of the same agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from refurb.aftercare.models import SupportRequest
from refurb.allocations.handover import issue_agreement
from refurb.allocations.models import Allocation, ReservationItem
from refurb.allocations.reservations import release
from refurb.allocations.warranty import warranty_of
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import pseudonym_of
from refurb.clock import local_date
from refurb.concurrency import flush_or_conflict
from refurb.core import aftercare as rules
from refurb.core.errors import IllegalTransition, InvalidInput, Message, NotFound
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.devices.queries import get_device_by_tag
from refurb.devices.services import record_event, transition
from refurb.extensions import db
from refurb.workshop.work_orders import record_work_order

SOURCES = ("call", "scan", "agreement")
SOURCE_LABELS = {"call": N_("Appel du bénéficiaire"), "scan": N_("Machine scannée"),
                 "agreement": N_("Numéro de convention")}


@dataclass(frozen=True)
class Found:
    allocation: Allocation
    devices: list[Device]  # held now under the agreement
    device: Device | None  # the one scanned, when a tag was given


def held_devices(allocation: Allocation) -> list[Device]:
    return [item.device for item in allocation.reservation.items if item.active]


def holding_allocation(device: Device) -> Allocation | None:
    return db.session.scalar(
        select(Allocation).join(ReservationItem,
                                ReservationItem.reservation_id == Allocation.reservation_id)
        .where(ReservationItem.device_id == device.id, ReservationItem.active.is_(True)))


def find(text: str) -> Found:
    """An agreement number (REM-2026-0007) or the asset tag of a device handed over."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(N_("Indiquez un numéro de convention ou d'inventaire."))
    allocation = db.session.scalar(select(Allocation).where(Allocation.number == text.upper()))
    if allocation is not None:
        return Found(allocation, held_devices(allocation), None)
    device = get_device_by_tag(text)
    if device is None:
        raise NotFound(N_("Aucune convention ni machine ne correspond à « %(text)s »."),
                       text=text)
    allocation = holding_allocation(device)
    if allocation is None:
        raise IllegalTransition(N_("%(tag)s n'est pas chez un bénéficiaire."),
                                tag=device.asset_tag)
    return Found(allocation, held_devices(allocation), device)


def _flush(request: SupportRequest) -> None:
    flush_or_conflict(Message(N_("La demande n° %(number)s vient d'être modifiée par quelqu'un "
                                 "d'autre : rechargez la page."), {"number": request.id}))


def open_request(allocation: Allocation, device: Device, *, source: str, problem: str,
                 actor_id: int | None, now: datetime) -> SupportRequest:
    problem = (problem or "").strip()
    if not problem:
        raise InvalidInput(N_("Décrivez le problème signalé."))
    if source not in SOURCES:
        raise InvalidInput(N_("Origine de la demande inconnue."))
    if device.id not in {d.id for d in held_devices(allocation)}:
        raise IllegalTransition(N_("%(tag)s n'est pas détenu au titre de la remise %(number)s."),
                                tag=device.asset_tag, number=allocation.number)
    warranty = warranty_of(allocation)
    today = local_date(now)
    request = SupportRequest(
        allocation_id=allocation.id, device_id=device.id, source=source, problem=problem,
        warranty_until=warranty.until or warranty.handed_over_on,
        in_warranty=warranty.covers(today), status="open", decision_reason="",
        opened_at=now, opened_by_id=actor_id)
    db.session.add(request)
    db.session.flush()
    record_event(device, "support_request", actor_id=actor_id, now=now, reason=problem,
                 details={"support_request": request.id, "allocation": allocation.number,
                          "in_warranty": "oui" if request.in_warranty else "non"})
    return request


def _beneficiary(allocation: Allocation) -> Beneficiary:
    return db.session.get(Beneficiary, allocation.beneficiary_id)


def _take_back(request: SupportRequest, reason: str, *, actor_id: int | None,
               now: datetime) -> None:
    """The machine comes back to the workshop through the lifecycle (allocated → returned);
    the agreement stays open: the family gets it, or another one, back."""
    allocation = request.allocation
    item = next(i for i in allocation.reservation.items
                if i.active and i.device_id == request.device_id)
    details = {"beneficiary": pseudonym_of(_beneficiary(allocation)),
               "allocation": allocation.number, "support_request": request.id}
    transition(request.device, State.RETURNED, actor_id=actor_id, now=now, reason=reason,
               details=details)
    release(item, reason, now)


def _hand(allocation: Allocation, device: Device, reason: str, *, actor_id: int | None,
          now: datetime) -> None:
    """A device handed (back) under the same agreement: ready → allocated, held again."""
    if device.state != State.READY:
        raise IllegalTransition(N_("%(tag)s n'est pas prêt à être remis."), tag=device.asset_tag)
    details = {"beneficiary": pseudonym_of(_beneficiary(allocation)),
               "allocation": allocation.number}
    transition(device, State.ALLOCATED, actor_id=actor_id, now=now, reason=reason,
               details=details)
    db.session.add(ReservationItem(reservation_id=allocation.reservation_id, device_id=device.id,
                                   active=True, added_at=now))
    db.session.flush()
    db.session.expire(allocation.reservation, ["items"])


def decide(request: SupportRequest, decision: str, *, reason: str = "",
           replacement_tag: str = "", actor_id: int | None, now: datetime) -> None:
    """Repair (free under warranty, paid otherwise), exchange (under warranty) or refuse."""
    if request.status != "open":
        raise IllegalTransition(N_("La demande n° %(number)s est déjà traitée."),
                                number=request.id)
    verdict = rules.check_decision(decision, covered=request.in_warranty, reason=reason)
    if not verdict.allowed:
        raise IllegalTransition(N_("Décision impossible."), reasons=list(verdict.reasons))
    request.decision, request.decision_reason = decision, reason.strip()
    request.decided_at, request.decided_by_id = now, actor_id
    label = f"demande SAV n° {request.id}"
    if decision == rules.REFUSED:
        request.status, request.closed_at = "closed", now
    elif decision == rules.EXCHANGE:
        _exchange(request, replacement_tag, label, actor_id=actor_id, now=now)
    else:
        _take_back(request, f"{label} : {request.problem}", actor_id=actor_id, now=now)
        paid = " (payante)" if decision == rules.PAID_REPAIR else " (garantie)"
        order = record_work_order(
            request.device, actions=f"Prise en charge {label}{paid} : {request.problem}",
            minutes=0, technician_id=None, actor_id=actor_id, now=now)
        request.work_order_id, request.status = order.id, "in_repair"
    _flush(request)


def _exchange(request: SupportRequest, replacement_tag: str, label: str, *,
              actor_id: int | None, now: datetime) -> None:
    replacement = get_device_by_tag(replacement_tag or "")
    if replacement is None:
        raise InvalidInput(N_("Indiquez le numéro d'inventaire de la machine remise en échange."))
    if replacement.state != State.READY:  # checked before the old one moves
        raise IllegalTransition(N_("%(tag)s n'est pas prêt à être remis."),
                                tag=replacement.asset_tag)
    old = request.device
    _take_back(request, f"échange ({label}) : {request.problem}", actor_id=actor_id, now=now)
    _hand(request.allocation, replacement, f"échange de {old.asset_tag} ({label})",
          actor_id=actor_id, now=now)
    request.replacement_device_id = replacement.id
    request.status, request.closed_at = "closed", now
    # The agreement now lists the new machine: a new version under the same number.
    issue_agreement(request.allocation, actor_id=actor_id, now=now)


def hand_back(request: SupportRequest, *, actor_id: int | None, now: datetime) -> None:
    """The repaired machine goes back to the family under the same agreement."""
    if request.status != "in_repair":
        raise IllegalTransition(N_("La demande n° %(number)s n'attend pas de retour."),
                                number=request.id)
    _hand(request.allocation, request.device, f"retour après demande SAV n° {request.id}",
          actor_id=actor_id, now=now)
    request.status, request.closed_at = "closed", now
    _flush(request)
    issue_agreement(request.allocation, actor_id=actor_id, now=now)
