"""The end of a handover: devices come back (a loan ends, a gift is brought back) or the family
keeps a loaned machine (the loan becomes a gift and its agreement is issued again)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from refurb.allocations.handover import issue_agreement
from refurb.allocations.models import Allocation
from refurb.allocations.reservations import release
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import pseudonym_of, record_contact
from refurb.concurrency import flush_or_conflict
from refurb.core.errors import IllegalTransition, InvalidInput, Message
from refurb.core.handover import MODE_WORDS, Mode
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.devices.services import record_event, transition
from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import Letterhead
from refurb.extensions import db


def _flush(allocation: Allocation) -> None:
    flush_or_conflict(Message(N_("La remise %(number)s vient d'être modifié(e) par quelqu'un "
                                 "d'autre : rechargez la page."),
                              {"number": allocation.number}))


def return_devices(allocation: Allocation, device_ids: Iterable[int] | None = None, *,
                   actor_id: int | None, now: datetime, note: str = "") -> list[Device]:
    """Devices come back (end of a loan, or a gift brought back): `returned`, from where the
    workshop takes them to diagnosis. ``device_ids`` None: everything still held."""
    held = [item for item in allocation.reservation.items if item.active]
    if device_ids is not None:
        wanted = set(device_ids)
        held = [item for item in held if item.device_id in wanted]
    if not held:
        raise InvalidInput(N_("Choisissez au moins une machine encore détenue par le "
                              "bénéficiaire."))
    beneficiary = db.session.get(Beneficiary, allocation.beneficiary_id)
    reason = "retour de prêt" if allocation.mode == Mode.LOAN else "retour du matériel donné"
    if note.strip():
        reason = f"{reason} : {note.strip()}"
    details = {"beneficiary": pseudonym_of(beneficiary), "allocation": allocation.number}
    for item in held:
        transition(item.device, State.RETURNED, actor_id=actor_id, now=now, reason=reason,
                   details=details)
        release(item, reason, now)
    if not any(item.active for item in allocation.reservation.items):
        allocation.status = "returned"
        allocation.returned_at = now
    _flush(allocation)
    record_contact(beneficiary, now)
    return [item.device for item in held]


def keep_loan(allocation: Allocation, *, actor_id: int | None, now: datetime,
              workshop: Letterhead | None = None,
              signed_for_workshop: str = "") -> IssuedDocument:
    """The family keeps the machine at the end of the loan: the loan becomes a gift, each
    device's history says so, and the agreement is issued again as a convention de don."""
    if not allocation.is_open_loan:
        raise IllegalTransition(N_("La remise %(number)s n'est pas un prêt en cours."),
                                number=allocation.number)
    beneficiary = db.session.get(Beneficiary, allocation.beneficiary_id)
    allocation.mode = Mode.GIFT.value
    allocation.converted_at = now
    details = {"beneficiary": pseudonym_of(beneficiary), "mode": MODE_WORDS[Mode.GIFT],
               "allocation": allocation.number}
    for item in allocation.reservation.items:
        if item.active:
            record_event(item.device, "loan_converted", actor_id=actor_id, now=now,
                         reason="prêt converti en don", details=details)
    _flush(allocation)
    record_contact(beneficiary, now)
    return issue_agreement(allocation, beneficiary=beneficiary, actor_id=actor_id, now=now,
                           workshop=workshop, signed_for_workshop=signed_for_workshop)
