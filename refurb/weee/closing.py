"""Closing a batch: the handover to a treatment operator through one to five carriers.

All or nothing: every device moves to "disposed" through the lifecycle service, the register
lines and the handover document are written in the same transaction, and any refusal
(invariant 1 first) refuses the whole close, naming every item that blocks it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from refurb.clock import local_date
from refurb.core.errors import DomainError, IllegalTransition, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import State, check_transition
from refurb.core.weee import MAX_CARRIERS, OperationMode, check_operation, is_hazardous
from refurb.devices.services import gather_facts, transition
from refurb.documents.models import IssuedDocument
from refurb.extensions import db
from refurb.weee import handover, queries, register
from refurb.weee.batches import lock_open
from refurb.weee.inputs import clean_text
from refurb.weee.models import BatchCarrier, Carrier, TreatmentOperator, WasteItem, WeeeBatch
from refurb.weee.site import reporting_site
from refurb.wiping.services import drive_is_sanitized


class CloseRefused(DomainError):
    """Closing would let something leave that must not (or without a required fact)."""


@dataclass(frozen=True)
class Handover:
    operator_id: int | None
    carrier_ids: Sequence[int]
    handover_date: date | None
    operation_code: str
    operation_mode: str | None
    signed_by_name: str
    signature_confirmed: bool
    signed_on: date | None = None
    tracking_reference: str = ""


def _named(tag: str, reason: str | Message) -> Message:
    return Message(N_("%(tag)s : %(reason)s"), {"tag": tag, "reason": reason})


def closing_blockers(items: Sequence[WasteItem]) -> list[Message]:
    """Every reason, item by item, why these items cannot leave now (all of them, not the
    first): the devices through the lifecycle guards, the loose drives through wiping
    (invariant 1: a drive leaves only with a passing sanitization record)."""
    reasons: list[Message] = []
    for item in items:
        if item.device is not None:
            verdict = check_transition(State.DISPOSED, gather_facts(item.device))
            reasons += [_named(item.device.asset_tag, r) for r in verdict.reasons]
        elif item.drive is not None and not drive_is_sanitized(item.drive):
            reasons.append(Message(N_("%(item)s : support ni effacé ni détruit (aucun "
                                      "effacement valable)."), {"item": item.description}))
    return reasons


def _active(model, ident: int | None, what: str):
    obj = db.session.get(model, ident) if ident else None
    if obj is None or not obj.active:
        raise InvalidInput(N_("%(what)s : choisissez-en un dans la liste."), what=Message(what))
    return obj


@dataclass(frozen=True)
class _Checked:
    operator: TreatmentOperator
    carriers: list[Carrier]
    code: str
    mode: OperationMode | None
    signed_on: date


def _check_carriers(values: Handover) -> list[Carrier]:
    ids = [i for i in values.carrier_ids if i]
    if not ids:
        raise InvalidInput(N_("Transporteur : au moins un."))
    if len(ids) > MAX_CARRIERS or len(set(ids)) != len(ids):
        raise InvalidInput(N_("Transporteurs : de 1 à %(max)s, chacun une seule fois."),
                           max=MAX_CARRIERS)
    return [_active(Carrier, i, N_("Transporteur")) for i in ids]


def _check_handover(batch: WeeeBatch, items: list[WasteItem], values: Handover,
                    today: date) -> _Checked:
    if not items:
        raise InvalidInput(N_("Le lot %(number)s est vide : rien à remettre."),
                           number=batch.number)
    operator = _active(TreatmentOperator, values.operator_id, N_("Prestataire de traitement"))
    carriers = _check_carriers(values)
    code, mode = check_operation(values.operation_code, values.operation_mode)
    if values.handover_date is None or values.handover_date > today:
        raise InvalidInput(N_("Date de remise : obligatoire et pas dans le futur."))
    signed_on = values.signed_on or values.handover_date
    if signed_on > today:
        raise InvalidInput(N_("Date de signature : pas dans le futur."))
    if not clean_text(values.signed_by_name, 120) or not values.signature_confirmed:
        raise InvalidInput(N_("Signature : le nom du signataire et la case « bon pour remise » "
                              "sont obligatoires."))
    hazardous = [i for i in items if is_hazardous(i.waste_code) or i.contains_pops]
    if hazardous and not clean_text(values.tracking_reference, 80):
        raise InvalidInput(N_("Ce lot contient des déchets dangereux : le numéro du bordereau "
                              "de suivi (BSD ou Trackdéchets) est obligatoire."))
    return _Checked(operator, carriers, code, mode, signed_on)


def _dispose_devices(batch: WeeeBatch, items: list[WasteItem], checked: _Checked, *,
                     actor_id: int | None, now: datetime) -> None:
    for item in items:
        if item.device is None:
            continue
        try:
            transition(item.device, State.DISPOSED, actor_id=actor_id, now=now,
                       reason=f"Lot DEEE {batch.number} remis à {checked.operator.name}",
                       details={"lot": batch.number, "prestataire": checked.operator.name,
                                "code_dechet": item.waste_code, "operation": checked.code})
        except IllegalTransition as refused:
            raise CloseRefused(N_("Clôture du lot %(number)s refusée."), number=batch.number,
                               reasons=[_named(item.device.asset_tag, r)
                                        for r in refused.reasons]) from None


def _freeze(batch: WeeeBatch, items: list[WasteItem], values: Handover, checked: _Checked, *,
            actor_id: int | None, now: datetime) -> None:
    batch.operator_id = checked.operator.id
    batch.operation_code = checked.code
    batch.operation_mode = checked.mode.value if checked.mode else None
    batch.handover_date = values.handover_date
    batch.tracking_reference = clean_text(values.tracking_reference, 80)
    batch.signed_by_name = clean_text(values.signed_by_name, 120)
    batch.signed_on = checked.signed_on
    batch.total_weight_kg = sum((i.weight_kg for i in items), Decimal("0"))
    batch.closed_at, batch.closed_by_id = now, actor_id
    batch.state = "closed"
    db.session.flush()


def close_batch(
    batch: WeeeBatch, values: Handover, *, actor_id: int | None, now: datetime
) -> tuple[WeeeBatch, IssuedDocument]:
    """Hand the batch over: freeze it, dispose of its devices, write the register lines and
    issue the handover document — or refuse everything."""
    site = reporting_site()  # first: the workshop's identity, before anything is checked
    lock_open(batch)
    items = queries.batch_items(batch)
    checked = _check_handover(batch, items, values, local_date(now))
    blockers = closing_blockers(items)
    if blockers:
        raise CloseRefused(
            N_("Clôture du lot %(number)s refusée : %(count)s motif(s) bloquant(s)."),
            number=batch.number, count=len(blockers), reasons=blockers)
    for position, carrier in enumerate(checked.carriers, start=1):
        db.session.add(BatchCarrier(batch_id=batch.id, carrier_id=carrier.id, position=position))
    db.session.flush()  # carriers join the batch while it is still open
    _dispose_devices(batch, items, checked, actor_id=actor_id, now=now)
    _freeze(batch, items, values, checked, actor_id=actor_id, now=now)
    register.write_outgoing_lines(batch, items, checked.operator, checked.carriers, site,
                                  actor_id=actor_id, now=now)
    document = handover.issue(batch, items, checked.operator, checked.carriers, site,
                              actor_id=actor_id, now=now)
    return batch, document
