"""Use cases of WEEE disposal: operators and carriers, batches (open → fill → close), the
waste register (written when a batch closes, corrected by new lines) and the batch-scan action.

Closing is all or nothing: every device moves to "disposed" through the lifecycle service, the
register lines and the handover document are written in the same transaction, and any refusal
(invariant 1 first) refuses the whole close, naming every item that blocks it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType, estimated_weight
from refurb.core.errors import ConcurrentChange, DomainError, IllegalTransition, InvalidInput
from refurb.core.lifecycle import STATE_LABELS, State, check_transition
from refurb.core.siret import validate_siret
from refurb.core.weee import (
    ECO_ORGANISMS,
    MAX_CARRIERS,
    PART_KIND_LABELS,
    PartKind,
    TransportMode,
    category_for,
    check_operation,
    default_device_waste_code,
    is_hazardous,
    normalise_operation_code,
    normalise_waste_code,
    parse_weight_kg,
    validate_category,
    validate_kind,
)
from refurb.counters import next_number
from refurb.devices.batch import BatchAction, register_batch_action
from refurb.devices.event_words import register_event_words
from refurb.devices.models import Device, Drive
from refurb.devices.services import gather_facts, record_event, transition
from refurb.documents.models import IssuedDocument
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.settings import services as settings
from refurb.weee import handover, register
from refurb.weee.models import (
    BatchCarrier,
    Carrier,
    IncomingWasteDevice,
    TreatmentOperator,
    WasteItem,
    WasteRegisterLine,
    WeeeBatch,
)

settings.define("weee.reporting_siret", "Registre des déchets : SIRET de l'atelier", "str", "",
                help="Déclarant des lignes du registre ; à défaut, le SIRET de la configuration.")
settings.define("weee.site_name", "Registre des déchets : nom du site d'enlèvement", "str", "",
                help="À défaut, le nom de l'atelier.")
settings.define("weee.site_address", "Registre des déchets : adresse du site (n° et voie)", "str",
                "")
settings.define("weee.site_postal_code", "Registre des déchets : code postal du site", "str", "")
settings.define("weee.site_city", "Registre des déchets : commune du site", "str", "")
settings.define("weee.incoming_operation_code",
                "Registre entrant : code de traitement à la réception", "str", "R13",
                help="R13 : stockage avant valorisation (tri, réemploi ou envoi en filière).")

CONTAINERS = {"pallet": "Palette", "container": "Caisse-palette / conteneur", "box": "Carton",
              "other": "Autre"}


class BatchClosed(DomainError):
    """The batch has been handed over: it cannot change any more."""


class CloseRefused(DomainError):
    """Closing would let something leave that must not (or without a required fact)."""


# ------------------------------------------------------------------ the reporting site


def reporting_site() -> register.Company:
    """Who declares the register lines and where the waste is picked up: settings first,
    then the workshop's configuration."""
    config = current_app.config if has_app_context() else {}
    raw_siret = settings.get("weee.reporting_siret") or config.get("WORKSHOP_SIRET") or ""
    if not str(raw_siret).strip():
        raise InvalidInput(
            "Le SIRET de l'atelier manque : renseignez « Registre des déchets : SIRET de "
            "l'atelier » dans les réglages. Le registre ne peut pas s'en passer."
        )
    return register.Company(
        siret=validate_siret(raw_siret),
        name=settings.get("weee.site_name") or config.get("WORKSHOP_NAME", ""),
        address=settings.get("weee.site_address") or config.get("WORKSHOP_ADDRESS", ""),
        postal_code=settings.get("weee.site_postal_code") or "",
        city=settings.get("weee.site_city") or "",
        country_code="FR",
    )


# --------------------------------------------------------------- operators and carriers


def _text(value: object, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _country(value: object) -> str:
    code = _text(value, 10).upper() or "FR"
    if not (len(code) == 2 and code.isalpha() and code.isascii()):
        raise InvalidInput("Code pays : deux lettres (FR, BE…).")
    return code


def _required(value: object, label: str, limit: int) -> str:
    text = _text(value, limit)
    if not text:
        raise InvalidInput(f"{label} : obligatoire.")
    return text


@dataclass(frozen=True)
class OperatorValues:
    name: str
    siret: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"
    authorisation: str = ""
    eco_organism: str = ""  # "", a known eco-organism SIRET, or "other"
    eco_other_name: str = ""
    eco_other_siret: str = ""
    active: bool = True


def _eco_organism(values: OperatorValues) -> tuple[str, str]:
    choice = (values.eco_organism or "").strip()
    if not choice:
        return "", ""
    if choice in ECO_ORGANISMS:
        return choice, ECO_ORGANISMS[choice]
    if choice != "other":
        raise InvalidInput("Éco-organisme inconnu.")
    name = _required(values.eco_other_name, "Nom de l'éco-organisme", 200)
    return validate_siret(values.eco_other_siret), name


def save_operator(
    values: OperatorValues, *, now: datetime, operator: TreatmentOperator | None = None
) -> TreatmentOperator:
    siret = validate_siret(values.siret)
    _unique_siret(TreatmentOperator, siret, operator, "Un prestataire de traitement")
    eco_siret, eco_name = _eco_organism(values)
    if operator is None:
        operator = TreatmentOperator(created_at=now)
        db.session.add(operator)
    operator.name = _required(values.name, "Raison sociale", 200)
    operator.siret = siret
    operator.address = _text(values.address, 300)
    operator.postal_code = _text(values.postal_code, 10)
    operator.city = _text(values.city, 120)
    operator.country_code = _country(values.country_code)
    operator.authorisation = _text(values.authorisation, 300)
    operator.eco_organism_siret, operator.eco_organism_name = eco_siret, eco_name
    operator.active = bool(values.active)
    db.session.flush()
    return operator


@dataclass(frozen=True)
class CarrierValues:
    name: str
    siret: str
    receipt_number: str = ""
    receipt_exempted: bool = False
    transport_mode: str = TransportMode.ROAD.value
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country_code: str = "FR"
    active: bool = True


def save_carrier(
    values: CarrierValues, *, now: datetime, carrier: Carrier | None = None
) -> Carrier:
    siret = validate_siret(values.siret)
    _unique_siret(Carrier, siret, carrier, "Un transporteur")
    try:
        mode = TransportMode(values.transport_mode)
    except ValueError:
        raise InvalidInput("Mode de transport inconnu.") from None
    receipt = _text(values.receipt_number, 80)
    if not receipt and not values.receipt_exempted:
        raise InvalidInput(
            "Numéro de récépissé obligatoire, sauf si le transporteur en est exempté."
        )
    if carrier is None:
        carrier = Carrier(created_at=now)
        db.session.add(carrier)
    carrier.name = _required(values.name, "Raison sociale", 200)
    carrier.siret = siret
    carrier.receipt_number = receipt
    carrier.receipt_exempted = bool(values.receipt_exempted)
    carrier.transport_mode = mode.value
    carrier.address = _text(values.address, 300)
    carrier.postal_code = _text(values.postal_code, 10)
    carrier.city = _text(values.city, 120)
    carrier.country_code = _country(values.country_code)
    carrier.active = bool(values.active)
    db.session.flush()
    return carrier


def _unique_siret(model, siret: str, current, who: str) -> None:
    other = db.session.scalar(select(model).where(model.siret == siret))
    if other is not None and other is not current:
        raise InvalidInput(f"{who} porte déjà le SIRET {siret} : {other.name}.")


# ------------------------------------------------------------------------------ batches


def open_batch(
    *, container: str, label: str = "", notes: str = "", actor_id: int | None, now: datetime
) -> WeeeBatch:
    if container not in CONTAINERS:
        raise InvalidInput("Contenant inconnu.")
    number = f"DEEE-{now.year}-{next_number(f'weee-batch-{now.year}'):04d}"
    batch = WeeeBatch(number=number, state="open", container=container,
                      label=_text(label, 120), notes=_text(notes, 2000),
                      created_at=now, created_by_id=actor_id)
    db.session.add(batch)
    db.session.flush()
    return batch


def _lock_open(batch: WeeeBatch) -> WeeeBatch:
    """Lock the batch row (PostgreSQL) so adding and closing cannot interleave, and refuse
    a batch that is already closed."""
    db.session.refresh(batch, ["state"], with_for_update=True)
    if not batch.is_open:
        raise BatchClosed(f"Le lot {batch.number} est clôturé : il ne peut plus changer.")
    return batch


def _device_description(device: Device) -> str:
    kind = DEVICE_TYPE_LABELS.get(DeviceType(device.device_type), device.device_type)
    return " ".join(p for p in (device.asset_tag, "—", kind, device.make, device.model) if p)


def _holder(item: WasteItem) -> str:
    batch = db.session.get(WeeeBatch, item.batch_id)
    return batch.number if batch else "?"


def add_device(
    batch: WeeeBatch,
    device: Device,
    *,
    actor_id: int | None,
    now: datetime,
    waste_code: str | None = None,
    contains_pops: bool = False,
    weight_kg: object = None,
) -> WasteItem:
    """Put a device waiting for disposal on the batch; its weight is the one measured here,
    else the device's own (measured or estimated at intake)."""
    _lock_open(batch)
    if device.state != State.TO_DISPOSE.value:
        raise InvalidInput(
            f"{device.asset_tag} est « {STATE_LABELS[State(device.state)]} » : seuls les "
            f"appareils « {STATE_LABELS[State.TO_DISPOSE]} » entrent dans un lot DEEE."
        )
    existing = db.session.scalar(select(WasteItem).where(WasteItem.device_id == device.id))
    if existing is not None:
        raise InvalidInput(f"{device.asset_tag} est déjà dans le lot {_holder(existing)}.")
    measured = parse_weight_kg(weight_kg, required=False)
    if measured is not None:
        weight, estimated = measured, False
    elif device.weight_kg:
        weight, estimated = Decimal(device.weight_kg), bool(device.weight_estimated)
    else:
        weight, estimated = estimated_weight(device.device_type), True
    item = WasteItem(
        batch_id=batch.id, kind=PartKind.DEVICE.value, description=_device_description(device),
        quantity=1, weight_kg=weight, weight_estimated=estimated,
        category=category_for(device.device_type),
        waste_code=normalise_waste_code(waste_code) if waste_code
        else default_device_waste_code(device.device_type),
        contains_pops=bool(contains_pops), device_id=device.id,
        created_at=now, created_by_id=actor_id,
    )
    _insert(item, f"{device.asset_tag} vient d'être mis dans un autre lot.")
    record_event(device, "weee_batch_added", actor_id=actor_id, now=now,
                 details={"lot": batch.number})
    return item


def _insert(item: WasteItem, race_message: str) -> None:
    """Insert under a savepoint: a concurrent claim of the same device or drive hits the
    unique constraint and becomes a clear refusal instead of a failed request."""
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise InvalidInput(race_message) from None


@dataclass(frozen=True)
class PartValues:
    kind: str
    description: str = ""
    quantity: object = 1
    weight_kg: object = None
    weight_measured: bool = False
    category: object = None
    waste_code: str = ""
    contains_pops: bool = False


def _quantity(value: object) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 100000:
        raise InvalidInput("Quantité : un nombre entier de 1 à 100 000.")
    return number


def add_part(
    batch: WeeeBatch,
    values: PartValues,
    *,
    actor_id: int | None,
    now: datetime,
    drive: Drive | None = None,
) -> WasteItem:
    """Loose parts: counted and weighed (batteries, cables, screens), or one removed drive."""
    _lock_open(batch)
    kind = validate_kind(values.kind)
    quantity = _quantity(values.quantity)
    description = _text(values.description, 300)
    if kind == PartKind.DRIVE:
        if drive is None:
            raise InvalidInput("Un disque part en lot DEEE avec son numéro d'inventaire ou "
                               "de série : il doit être identifié (invariant d'effacement).")
        if drive.device_id is not None:
            raise InvalidInput(
                f"Ce disque est encore enregistré dans l'appareil n° {drive.device_id} : "
                "il part avec lui, ou retirez-le d'abord de l'appareil."
            )
        existing = db.session.scalar(select(WasteItem).where(WasteItem.drive_id == drive.id))
        if existing is not None:
            raise InvalidInput(f"Ce disque est déjà dans le lot {_holder(existing)}.")
        quantity = 1
        description = description or _drive_label(drive)
    elif drive is not None:
        raise InvalidInput("Seul un élément « disque » est rattaché à un disque.")
    item = WasteItem(
        batch_id=batch.id, kind=kind.value,
        description=description or PART_KIND_LABELS[kind],
        quantity=quantity, weight_kg=parse_weight_kg(values.weight_kg),
        weight_estimated=not values.weight_measured,
        category=validate_category(values.category),
        waste_code=normalise_waste_code(values.waste_code),
        contains_pops=bool(values.contains_pops),
        drive_id=drive.id if drive is not None else None,
        created_at=now, created_by_id=actor_id,
    )
    _insert(item, "Ce disque vient d'être mis dans un autre lot.")
    return item


def update_item(
    item: WasteItem,
    *,
    waste_code: str,
    contains_pops: bool,
    weight_kg: object = None,
    actor_id: int | None,
    now: datetime,
) -> WasteItem:
    """Correct an item of an open batch: code, POPs, or a weight measured on the scale."""
    _lock_open(db.session.get(WeeeBatch, item.batch_id))
    item.waste_code = normalise_waste_code(waste_code)
    item.contains_pops = bool(contains_pops)
    measured = parse_weight_kg(weight_kg, required=False)
    if measured is not None:
        item.weight_kg, item.weight_estimated = measured, False
    db.session.flush()
    return item


def remove_item(item: WasteItem, *, actor_id: int | None, now: datetime) -> None:
    batch = _lock_open(db.session.get(WeeeBatch, item.batch_id))
    device = db.session.get(Device, item.device_id) if item.device_id else None
    db.session.delete(item)
    db.session.flush()
    if device is not None:
        record_event(device, "weee_batch_removed", actor_id=actor_id, now=now,
                     details={"lot": batch.number})


# ------------------------------------------------------------------------------- closing


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


def batch_items(batch: WeeeBatch) -> list[WasteItem]:
    return list(db.session.scalars(
        select(WasteItem)
        .options(joinedload(WasteItem.device), joinedload(WasteItem.drive))
        .where(WasteItem.batch_id == batch.id)
        .order_by(WasteItem.id)
    ))


def _drive_label(drive: Drive) -> str:
    try:
        from refurb.wiping.services import drive_label
    except ImportError:  # the wiping domain is not there yet
        return " ".join(p for p in (drive.model, drive.serial and f"S/N {drive.serial}",
                                    drive.asset_tag) if p) or f"disque n° {drive.id}"
    return drive_label(drive)


def _drive_blocker(item: WasteItem) -> str | None:
    """Invariant 1 for a loose drive: it leaves only with a passing sanitization record."""
    try:
        from refurb.wiping.services import drive_is_sanitized
    except ImportError:
        # Fail closed: without the wiping records nothing proves the drive is blank.
        return (f"{item.description} : effacement invérifiable (module d'effacement des données "
                "indisponible).")
    if drive_is_sanitized(item.drive):
        return None
    return f"{item.description} : support ni effacé ni détruit (aucun effacement valable)."


def closing_blockers(items: Sequence[WasteItem]) -> list[str]:
    """Every reason, item by item, why these items cannot leave now (all of them, not the
    first): the devices through the lifecycle guards, the loose drives through wiping."""
    reasons: list[str] = []
    for item in items:
        if item.device is not None:
            verdict = check_transition(State.DISPOSED, gather_facts(item.device))
            reasons += [f"{item.device.asset_tag} : {r}" for r in verdict.reasons]
        elif item.drive is not None:
            blocker = _drive_blocker(item)
            if blocker:
                reasons.append(blocker)
    return reasons


def _active(model, ident: int | None, what: str):
    obj = db.session.get(model, ident) if ident else None
    if obj is None or not obj.active:
        raise InvalidInput(f"{what} : choisissez-en un dans la liste.")
    return obj


def _check_handover(batch: WeeeBatch, items: list[WasteItem], values: Handover, today: date):
    if not items:
        raise InvalidInput(f"Le lot {batch.number} est vide : rien à remettre.")
    operator = _active(TreatmentOperator, values.operator_id, "Prestataire de traitement")
    ids = [i for i in values.carrier_ids if i]
    if not ids:
        raise InvalidInput("Transporteur : au moins un.")
    if len(ids) > MAX_CARRIERS or len(set(ids)) != len(ids):
        raise InvalidInput(f"Transporteurs : de 1 à {MAX_CARRIERS}, chacun une seule fois.")
    carriers = [_active(Carrier, i, "Transporteur") for i in ids]
    code, mode = check_operation(values.operation_code, values.operation_mode)
    if values.handover_date is None or values.handover_date > today:
        raise InvalidInput("Date de remise : obligatoire et pas dans le futur.")
    signed_on = values.signed_on or values.handover_date
    if signed_on > today:
        raise InvalidInput("Date de signature : pas dans le futur.")
    if not _text(values.signed_by_name, 120) or not values.signature_confirmed:
        raise InvalidInput("Signature : le nom du signataire et la case « bon pour remise » "
                           "sont obligatoires.")
    hazardous = [i for i in items if is_hazardous(i.waste_code) or i.contains_pops]
    if hazardous and not _text(values.tracking_reference, 80):
        raise InvalidInput(
            "Ce lot contient des déchets dangereux : le numéro du bordereau de suivi (BSD ou "
            "Trackdéchets) est obligatoire."
        )
    return operator, carriers, code, mode, signed_on


def close_batch(
    batch: WeeeBatch, values: Handover, *, actor_id: int | None, now: datetime
) -> tuple[WeeeBatch, IssuedDocument]:
    """Hand the batch over: freeze it, dispose of its devices, write the register lines and
    issue the handover document — or refuse everything."""
    _lock_open(batch)
    items = batch_items(batch)
    operator, carriers, code, mode, signed_on = _check_handover(batch, items, values, now.date())
    site = reporting_site()
    blockers = closing_blockers(items)
    if blockers:
        raise CloseRefused(
            f"Clôture du lot {batch.number} refusée : {len(blockers)} motif(s) bloquant(s).",
            reasons=blockers,
        )
    for position, carrier in enumerate(carriers, start=1):
        db.session.add(BatchCarrier(batch_id=batch.id, carrier_id=carrier.id, position=position))
    db.session.flush()  # carriers join the batch while it is still open
    for item in items:
        if item.device is None:
            continue
        try:
            transition(item.device, State.DISPOSED, actor_id=actor_id, now=now,
                       reason=f"Lot DEEE {batch.number} remis à {operator.name}",
                       details={"lot": batch.number, "prestataire": operator.name,
                                "code_dechet": item.waste_code, "operation": code})
        except IllegalTransition as refused:
            raise CloseRefused(f"Clôture du lot {batch.number} refusée.", reasons=[
                f"{item.device.asset_tag} : {r}" for r in refused.reasons]) from None
    batch.operator_id = operator.id
    batch.operation_code, batch.operation_mode = code, mode.value if mode else None
    batch.handover_date = values.handover_date
    batch.tracking_reference = _text(values.tracking_reference, 80)
    batch.signed_by_name = _text(values.signed_by_name, 120)
    batch.signed_on = signed_on
    batch.total_weight_kg = sum((i.weight_kg for i in items), Decimal("0"))
    batch.closed_at, batch.closed_by_id = now, actor_id
    batch.state = "closed"
    db.session.flush()
    _write_outgoing_lines(batch, items, operator, carriers, site, actor_id=actor_id, now=now)
    document = handover.issue(batch, items, operator, carriers, site, actor_id=actor_id, now=now)
    return batch, document


# ---------------------------------------------------------------------- the register


def _group_description(batch: WeeeBatch, items: Sequence[WasteItem]) -> str:
    """"DEEE lot DEEE-2026-0001 : 2 × Ordinateur portable, 5 × Câbles" — what a person reads."""
    counts: Counter[str] = Counter()
    for item in items:
        if item.device is not None:
            label = DEVICE_TYPE_LABELS.get(DeviceType(item.device.device_type), "Appareil")
        else:
            label = PART_KIND_LABELS.get(PartKind(item.kind), item.kind)
        counts[label] += item.quantity
    parts = ", ".join(f"{n} × {label}" for label, n in sorted(counts.items()))
    return f"DEEE lot {batch.number} : {parts}"


def _company(operator: TreatmentOperator) -> register.Company:
    return register.Company(operator.siret, operator.name, operator.address,
                            operator.postal_code, operator.city, operator.country_code)


def _carrier_info(carrier: Carrier) -> register.CarrierInfo:
    return register.CarrierInfo(
        carrier.siret, carrier.name, carrier.receipt_number, carrier.receipt_exempted,
        carrier.transport_mode, carrier.address, carrier.postal_code, carrier.city,
        carrier.country_code,
    )


def _write_outgoing_lines(batch, items, operator, carriers, site, *, actor_id, now) -> None:
    """One line per waste code of the batch."""
    by_code: dict[str, list[WasteItem]] = {}
    for item in items:
        by_code.setdefault(item.waste_code, []).append(item)
    eco = ((operator.eco_organism_siret, operator.eco_organism_name)
           if operator.eco_organism_siret else None)
    for waste_code, group_items in sorted(by_code.items()):
        weight = sum((i.weight_kg for i in group_items), Decimal("0"))
        group = register.WasteGroup(
            waste_code=waste_code,
            description=_group_description(batch, group_items),
            weight_kg=weight,
            weight_estimated=any(i.weight_estimated for i in group_items),
            contains_pops=any(i.contains_pops for i in group_items),
        )
        public_id = f"{batch.number}-{waste_code.replace(' ', '').rstrip('*')}"
        fields = register.outgoing_line(
            public_id=public_id, site=site, group=group, dispatch_date=batch.handover_date,
            destination=_company(operator), operation_code=batch.operation_code,
            operation_mode=batch.operation_mode, eco_organism=eco,
            carriers=[_carrier_info(c) for c in carriers],
        )
        db.session.add(WasteRegisterLine(
            direction="outgoing", public_id=public_id, revision=1, reason=None,
            batch_id=batch.id, line_date=batch.handover_date, waste_code=waste_code,
            weight_kg=weight, fields=fields, created_at=now, created_by_id=actor_id,
        ))
    db.session.flush()


def pending_incoming_query():
    """Devices received as waste that no incoming register line records yet."""
    recorded = select(IncomingWasteDevice.device_id)
    return (
        select(Device)
        .options(joinedload(Device.collection))
        .where(Device.legal_status == "waste", Device.id.not_in(recorded))
        .order_by(Device.id)
    )


def _reception_date(device: Device) -> date:
    received = device.collection.received_on if device.collection is not None else None
    return received or device.created_at.date()


def record_incoming_lines(*, actor_id: int | None, now: datetime) -> list[WasteRegisterLine]:
    """Write the incoming lines of devices received as waste: one per reception (collection,
    or device without one) and waste code. Each device is recorded once (primary key)."""
    devices = list(db.session.scalars(pending_incoming_query()).unique())
    if not devices:
        return []
    site = reporting_site()
    operation_code = normalise_operation_code(settings.get("weee.incoming_operation_code"))
    groups: dict[tuple[str, str], list[Device]] = {}
    for device in devices:
        source = f"c{device.collection_id}" if device.collection_id else f"d{device.id}"
        item = db.session.scalar(select(WasteItem).where(WasteItem.device_id == device.id))
        code = item.waste_code if item else default_device_waste_code(device.device_type)
        groups.setdefault((source, code), []).append(device)
    try:
        return [_incoming_line(devices_, code, site, operation_code, actor_id=actor_id, now=now)
                for (_source, code), devices_ in groups.items()]
    except IntegrityError:
        # Someone recorded the same receptions at the same moment (primary key on device).
        raise ConcurrentChange("Ces réceptions viennent d'être consignées par quelqu'un "
                               "d'autre : rechargez la page.") from None


def _incoming_line(devices: list[Device], waste_code: str, site: register.Company,
                   operation_code: str, *, actor_id: int | None,
                   now: datetime) -> WasteRegisterLine:
    collection = devices[0].collection
    donor = collection.donor if collection is not None else None
    weights = [Decimal(d.weight_kg) if d.weight_kg else estimated_weight(d.device_type)
               for d in devices]
    counts = Counter(DEVICE_TYPE_LABELS[DeviceType(d.device_type)] for d in devices)
    origin = f" (collecte {collection.number})" if collection is not None else ""
    group = register.WasteGroup(
        waste_code=waste_code,
        description=f"DEEE reçus{origin} : "
        + ", ".join(f"{n} × {label}" for label, n in sorted(counts.items())),
        weight_kg=sum(weights, Decimal("0")),
        weight_estimated=any(d.weight_estimated or not d.weight_kg for d in devices),
        contains_pops=False,
    )
    emitter = None if donor is None else register.Company(
        donor.siret or "", donor.name, donor.address, donor.postal_code, donor.city, "FR")
    public_id = f"ENT-{now.year}-{next_number(f'weee-register-in-{now.year}'):05d}"
    reception = _reception_date(devices[0])
    fields = register.incoming_line(
        public_id=public_id, site=site, group=group, reception_date=reception,
        emitter=emitter, pickup_site=collection.pickup_site if collection is not None else "",
        operation_code=operation_code,
    )
    line = WasteRegisterLine(
        direction="incoming", public_id=public_id, revision=1, reason=None,
        line_date=reception, waste_code=waste_code, weight_kg=group.weight_kg,
        fields=fields, created_at=now, created_by_id=actor_id,
    )
    db.session.add(line)
    db.session.flush()
    db.session.add_all(IncomingWasteDevice(device_id=d.id, line_id=line.id) for d in devices)
    db.session.flush()
    return line


def issue_register_export(
    direction: str, start: date, end: date, fmt: str, *, actor_id: int | None, now: datetime
) -> IssuedDocument:
    """An export of the register is an issued document (invariant 5): number, version and
    SHA-256 kept; exporting the same lines again returns the same version."""
    from refurb.weee.queries import register_query

    if direction not in register.FIELDS or fmt not in register.EXPORTS:
        raise InvalidInput("Export inconnu.")
    lines = db.session.scalars(register_query(direction, start, end)).all()
    render, media_type, extension = register.EXPORTS[fmt]
    kind = "sortant" if direction == "outgoing" else "entrant"
    span = f"{start.isoformat()}_{end.isoformat()}"
    payload = {"direction": direction, "start": start.isoformat(), "end": end.isoformat(),
               "lines": [line.fields for line in lines]}
    document, _created = issue_document(
        kind="waste_register_export", number=f"REG-{direction[:3].upper()}-{span}-{fmt}",
        subject="waste_register", payload=payload, render=render,
        filename_stem=f"registre-dechets-{kind}-{span}", actor_id=actor_id, now=now,
        summary={"lines": len(lines), "direction": direction}, media_type=media_type,
        extension=extension,
    )
    return document


def latest_revision(public_id: str) -> WasteRegisterLine | None:
    return db.session.scalars(
        select(WasteRegisterLine).where(WasteRegisterLine.public_id == public_id)
        .order_by(WasteRegisterLine.revision.desc()).limit(1)
    ).first()


def correct_line(
    line: WasteRegisterLine,
    changes: dict[str, Any],
    *,
    note: str,
    actor_id: int | None,
    now: datetime,
) -> WasteRegisterLine:
    """A correction is a new line (reason EDIT, same publicId, next revision): the line it
    corrects stays as it was."""
    latest = latest_revision(line.public_id)
    if latest is not None and latest.id != line.id:
        raise InvalidInput(f"La ligne {line.public_id} a déjà été corrigée : corrigez sa "
                           f"dernière version (n° {latest.revision}).")
    note = _required(note, "Motif de la correction", 2000)
    date_field = register.DATE_FIELD[line.direction]
    if date_field in changes:
        when = changes[date_field]
        if not isinstance(when, date) or when > now.date():
            raise InvalidInput("Date : obligatoire et pas dans le futur.")
        changes = {**changes, date_field: when.isoformat()}
    fields = register.corrected(line.direction, line.fields, changes)
    revision = (db.session.scalar(select(func.max(WasteRegisterLine.revision)).where(
        WasteRegisterLine.public_id == line.public_id)) or 0) + 1
    new = WasteRegisterLine(
        direction=line.direction, public_id=line.public_id, revision=revision, reason="EDIT",
        corrects_id=line.id, batch_id=line.batch_id,
        line_date=date.fromisoformat(fields[date_field]), waste_code=fields["wasteCode"],
        weight_kg=(Decimal(str(fields["weightValue"])) * 1000).quantize(Decimal("0.01")),
        fields=fields, note=note, created_at=now, created_by_id=actor_id,
    )
    db.session.add(new)
    db.session.flush()
    return new


# --------------------------------------------------------------- batch scan action


def _open_batch_choices() -> list[tuple[str, str]]:
    from refurb.weee.queries import open_batch_choices

    return [(str(batch_id), label) for batch_id, label in open_batch_choices()]


def _scan_apply(device: Device, parameter: str | None, actor_id: int | None, now: datetime):
    try:
        batch = db.session.get(WeeeBatch, int(parameter or ""))
    except ValueError:
        batch = None
    if batch is None:
        raise InvalidInput("Choisissez un lot DEEE ouvert.")
    item = add_device(batch, device, actor_id=actor_id, now=now)
    return ({"item_id": item.id, "batch_id": batch.id},
            f"{device.asset_tag} ajouté au lot {batch.number}.")


def _scan_undo(device: Device, token: dict[str, Any], actor_id: int | None, now: datetime) -> str:
    item = db.session.get(WasteItem, token.get("item_id") or 0)
    if item is None or item.device_id != device.id:
        raise InvalidInput(f"{device.asset_tag} n'est plus dans ce lot.")
    batch = db.session.get(WeeeBatch, item.batch_id)
    remove_item(item, actor_id=actor_id, now=now)
    return f"{device.asset_tag} retiré du lot {batch.number}."


ADD_TO_BATCH = register_batch_action(BatchAction(
    key="weee.add_to_batch",
    label="Ajouter à un lot DEEE",
    apply=_scan_apply,
    undo=_scan_undo,
    parameter_label="Lot DEEE",
    parameter_choices=_open_batch_choices,
    roles=("admin", "technician"),
))


register_event_words(
    kinds={"weee_batch_added": "Ajouté au lot DEEE", "weee_batch_removed": "Retiré du lot DEEE"},
    details={"lot": "Lot DEEE", "waste_code": "Code déchet",
             "category": "Catégorie DEEE"},
)
