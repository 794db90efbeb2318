"""The waste register (registre des déchets): outgoing lines written when a batch closes,
incoming lines for equipment received as waste, corrections, and exports.

Append-only (invariant 3): a correction is a new line with the same publicId; an export is an
issued document (invariant 5). The lines' fields follow Trackdéchets (`trackdechets`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb import database
from refurb.clock import local_date
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType, estimated_weight
from refurb.core.errors import ConcurrentChange, InvalidInput
from refurb.core.i18n import N_
from refurb.core.weee import (
    PART_KIND_LABELS,
    PartKind,
    default_device_waste_code,
    normalise_operation_code,
)
from refurb.counters import next_number
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.documents.preview import Fact, Preview
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.settings import services as settings
from refurb.weee import queries, trackdechets
from refurb.weee.inputs import required_text
from refurb.weee.models import (
    Carrier,
    IncomingWasteDevice,
    TreatmentOperator,
    WasteItem,
    WasteRegisterLine,
    WeeeBatch,
)
from refurb.weee.site import INCOMING_OPERATION_CODE, reporting_site

# ------------------------------------------------------------------ outgoing (batch closed)


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


def _company(operator: TreatmentOperator) -> trackdechets.Company:
    return trackdechets.Company(operator.siret, operator.name, operator.address,
                                operator.postal_code, operator.city, operator.country_code)


def _carrier_info(carrier: Carrier) -> trackdechets.CarrierInfo:
    return trackdechets.CarrierInfo(
        carrier.siret, carrier.name, carrier.receipt_number, carrier.receipt_exempted,
        carrier.transport_mode, carrier.address, carrier.postal_code, carrier.city,
        carrier.country_code,
    )


def write_outgoing_lines(batch: WeeeBatch, items: Sequence[WasteItem],
                         operator: TreatmentOperator, carriers: Sequence[Carrier],
                         site: trackdechets.Company, *, actor_id: int | None,
                         now: datetime) -> None:
    """One line per waste code of the closed batch."""
    by_code: dict[str, list[WasteItem]] = {}
    for item in items:
        by_code.setdefault(item.waste_code, []).append(item)
    eco = ((operator.eco_organism_siret, operator.eco_organism_name)
           if operator.eco_organism_siret else None)
    for waste_code, group_items in sorted(by_code.items()):
        weight = sum((i.weight_kg for i in group_items), Decimal("0"))
        group = trackdechets.WasteGroup(
            waste_code=waste_code,
            description=_group_description(batch, group_items),
            weight_kg=weight,
            weight_estimated=any(i.weight_estimated for i in group_items),
            contains_pops=any(i.contains_pops for i in group_items),
        )
        public_id = f"{batch.number}-{waste_code.replace(' ', '').rstrip('*')}"
        fields = trackdechets.outgoing_line(
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


# ------------------------------------------------------------- incoming (received as waste)


def record_incoming_lines(*, actor_id: int | None, now: datetime) -> list[WasteRegisterLine]:
    """Write the incoming lines of devices received as waste: one per reception (collection,
    or device without one) and waste code. Each device is recorded once (primary key)."""
    devices = list(db.session.scalars(queries.pending_incoming_query()).unique())
    if not devices:
        return []
    site = reporting_site()
    operation_code = normalise_operation_code(settings.get(INCOMING_OPERATION_CODE.key))
    codes = queries.waste_codes_of_devices([d.id for d in devices])
    groups: dict[tuple[str, str], list[Device]] = {}
    for device in devices:
        source = f"c{device.collection_id}" if device.collection_id else f"d{device.id}"
        code = codes.get(device.id) or default_device_waste_code(device.device_type)
        groups.setdefault((source, code), []).append(device)
    try:
        return [_incoming_line(devices_, code, site, operation_code, actor_id=actor_id, now=now)
                for (_source, code), devices_ in groups.items()]
    except IntegrityError:
        # Someone recorded the same receptions at the same moment (primary key on device).
        raise ConcurrentChange(N_("Ces réceptions viennent d'être consignées par quelqu'un "
                                  "d'autre : rechargez la page.")) from None


def _reception_date(device: Device) -> date:
    received = device.collection.received_on if device.collection is not None else None
    return received or device.created_at.date()


def _incoming_group(devices: list[Device], waste_code: str) -> trackdechets.WasteGroup:
    collection = devices[0].collection
    weights = [Decimal(d.weight_kg) if d.weight_kg else estimated_weight(d.device_type)
               for d in devices]
    counts = Counter(DEVICE_TYPE_LABELS[DeviceType(d.device_type)] for d in devices)
    origin = f" (collecte {collection.number})" if collection is not None else ""
    return trackdechets.WasteGroup(
        waste_code=waste_code,
        description=f"DEEE reçus{origin} : "
        + ", ".join(f"{n} × {label}" for label, n in sorted(counts.items())),
        weight_kg=sum(weights, Decimal("0")),
        weight_estimated=any(d.weight_estimated or not d.weight_kg for d in devices),
        contains_pops=False,
    )


def _incoming_line(devices: list[Device], waste_code: str, site: trackdechets.Company,
                   operation_code: str, *, actor_id: int | None,
                   now: datetime) -> WasteRegisterLine:
    collection = devices[0].collection
    donor = collection.donor if collection is not None else None
    group = _incoming_group(devices, waste_code)
    emitter = None if donor is None else trackdechets.Company(
        donor.siret or "", donor.name, donor.address, donor.postal_code, donor.city, "FR")
    public_id = f"ENT-{now.year}-{next_number(f'weee-register-in-{now.year}'):05d}"
    reception = _reception_date(devices[0])
    fields = trackdechets.incoming_line(
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


# ------------------------------------------------------------------ corrections, exports


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
    latest = queries.latest_revision(line.public_id)
    if latest is not None and latest.id != line.id:
        raise InvalidInput(N_("La ligne %(id)s a déjà été corrigée : corrigez sa dernière "
                              "version (n° %(revision)s)."),
                           id=line.public_id, revision=latest.revision)
    note = required_text(note, N_("Motif de la correction"), 2000)
    date_field = trackdechets.DATE_FIELD[line.direction]
    if date_field in changes:
        when = changes[date_field]
        if not isinstance(when, date) or when > local_date(now):
            raise InvalidInput(N_("Date : obligatoire et pas dans le futur."))
        changes = {**changes, date_field: when.isoformat()}
    fields = trackdechets.corrected(line.direction, line.fields, changes)
    new = WasteRegisterLine(
        direction=line.direction, public_id=line.public_id,
        revision=(latest.revision if latest else 0) + 1, reason="EDIT",
        corrects_id=line.id, batch_id=line.batch_id,
        line_date=date.fromisoformat(fields[date_field]), waste_code=fields["wasteCode"],
        weight_kg=(Decimal(str(fields["weightValue"])) * 1000).quantize(Decimal("0.01")),
        fields=fields, note=note, created_at=now, created_by_id=actor_id,
    )
    db.session.add(new)
    db.session.flush()
    return new


def export_preview(direction: str, start: date, end: date, fmt: str) -> Preview:
    """What an export will hold, for the page that asks for confirmation."""
    if direction not in trackdechets.FIELDS or fmt not in trackdechets.EXPORTS:
        raise InvalidInput(N_("Export inconnu."))
    count = db.session.scalar(select(func.count()).select_from(
        queries.register_query(direction, start, end).subquery()))
    return Preview(f"REG-{direction[:3].upper()}-{start.isoformat()}_{end.isoformat()}-{fmt}", [
        Fact(_("Registre"), _("sortant") if direction == "outgoing" else _("entrant")),
        Fact(_("Période"), _("du %(start)s au %(end)s", start=format_date(start, "short"),
                              end=format_date(end, "short"))),
        Fact(_("Format"), _("CSV (Excel)") if fmt == "csv" else _("JSON lines (Trackdéchets)")),
        Fact(_("Lignes"), count),
    ])


def issue_register_export(
    direction: str, start: date, end: date, fmt: str, *, actor_id: int | None, now: datetime
) -> IssuedDocument:
    """An export of the register is an issued document (invariant 5): number, version and
    SHA-256 kept; exporting the same lines again returns the same version."""
    if direction not in trackdechets.FIELDS or fmt not in trackdechets.EXPORTS:
        raise InvalidInput(N_("Export inconnu."))
    lines = db.session.scalars(queries.register_query(direction, start, end)).all()
    render, media_type, extension = trackdechets.EXPORTS[fmt]
    kind = "sortant" if direction == "outgoing" else "entrant"
    span = f"{start.isoformat()}_{end.isoformat()}"
    payload = {"direction": direction, "start": start.isoformat(), "end": end.isoformat(),
               "lines": [line.fields for line in lines]}
    database.will_write()  # the write lock for the number and the document only
    document, _created = issue_document(
        kind="waste_register_export", number=f"REG-{direction[:3].upper()}-{span}-{fmt}",
        subject="waste_register", payload=payload, render=render,
        filename_stem=f"registre-dechets-{kind}-{span}", actor_id=actor_id, now=now,
        summary={"lines": len(lines), "direction": direction}, media_type=media_type,
        extension=extension,
    )
    return document
