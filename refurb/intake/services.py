"""Intake: devices entered into a collection at the bench, from hardware reports or from the
donor's asset list; collection state steps; the collection receipt."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.core import collections as rules
from refurb.core.asset_tags import counter_name, format_tag
from refurb.core.device_types import DEFAULT_WEIGHTS_KG, DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.hardware import DRIVE_KINDS, DriveReport, HardwareReport, parse_reports
from refurb.core.hardware.placeholders import clean
from refurb.counters import take_numbers
from refurb.devices.models import Device, Drive
from refurb.devices.services import NewDevice, create_device, create_devices_bulk
from refurb.documents.models import IssuedDocument
from refurb.documents.services import issue_document
from refurb.donors.models import Collection
from refurb.donors.services import set_collection_state
from refurb.extensions import db
from refurb.intake import csv_import, queries
from refurb.intake.models import IntakeImport
from refurb.intake.receipts import receipt_payload, render_receipt
from refurb.settings import services as settings

# -- estimated weights, editable by admins -------------------------------------------------
for _kind in DeviceType:
    settings.define(
        f"weight.{_kind.value}",
        f"Poids estimé : {DEVICE_TYPE_LABELS[_kind].lower()} (kg)",
        "decimal",
        DEFAULT_WEIGHTS_KG[_kind],
        help="Utilisé à la réception quand l'appareil n'est pas pesé.",
        minimum=Decimal("0"),
    )


def weight_overrides(types: Iterable[str] | None = None) -> dict[str, Decimal]:
    known = {t.value for t in DeviceType}
    wanted = known if types is None else known.intersection(types)
    return {kind: Decimal(settings.get(f"weight.{kind}")) for kind in wanted}


# -- shared checks ------------------------------------------------------------------------
class IntakeClosed(IllegalTransition):
    pass


def ensure_intake_open(collection: Collection) -> None:
    verdict = rules.check_intake(collection.state)
    if not verdict.allowed:
        raise IntakeClosed(
            f"{collection.number} : réception impossible.", reasons=list(verdict.reasons)
        )


def find_in_stock(donor_id: int, serial: str) -> Device | None:
    """A device of the same donor with this serial (case and spaces ignored)."""
    return db.session.scalars(
        select(Device)
        .join(Collection, Device.collection_id == Collection.id)
        .where(
            Collection.donor_id == donor_id,
            func.upper(func.replace(Device.serial, " ", "")) == csv_import.serial_key(serial),
        )
        .limit(1)
    ).first()


# -- one device: bench form and hardware report -------------------------------------------
def register_device(
    collection: Collection,
    values: NewDevice,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    drives: Iterable[DriveReport] = (),
    report: dict[str, Any] | None = None,
) -> Device:
    ensure_intake_open(collection)
    serial = clean(values.serial) if values.serial else None  # "--", "N/A"… are no serial
    if serial:
        twin = find_in_stock(collection.donor_id, serial)
        if twin is not None:
            raise InvalidInput(
                f"N° de série {serial} déjà enregistré pour ce donateur : {twin.asset_tag}."
            )
    device = create_device(
        replace(values, serial=serial),
        actor_id=actor_id,
        now=now,
        prefix=prefix,
        collection_id=collection.id,
        collection_number=collection.number,
        weight_overrides=weight_overrides([values.device_type]),
        extra_details={"source": "hardware_report", "report": report} if report else None,
    )
    for drive in drives:
        db.session.add(_drive_row(device, drive, now))
    db.session.flush()
    return device


def _drive_row(device: Device, drive: DriveReport, now: datetime) -> Drive:
    serial = clean(drive.serial)
    return Drive(
        device=device,
        model=(drive.model or "")[:120],
        serial=serial[:120] if serial else None,
        capacity_bytes=drive.capacity_bytes,
        kind=drive.kind if drive.kind in DRIVE_KINDS else "other",
        power_on_hours=drive.power_on_hours,
        smart_passed=drive.smart_passed,
        created_at=now,
    )


def read_reports(texts: Iterable[str]) -> HardwareReport:
    """Whatever was pasted or uploaded; the parser never raises, it warns."""
    return parse_reports([t for t in texts if t and t.strip()])


MAX_DRIVES = 256  # a storage server at most; the hidden field is typed by a browser


def drives_from_json(text: str) -> list[DriveReport]:
    """The drives carried from the preview to the confirmation (a hidden field: re-checked)."""
    try:
        data = json.loads(text or "{}")
        items = data.get("drives") or []
        if len(items) > MAX_DRIVES:
            raise ValueError("drives")
        return [_drive_from_dict(item) for item in items]
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput("Rapport illisible : relancez la lecture des rapports.") from None


def warnings_from_json(text: str) -> list[str]:
    try:
        warnings = json.loads(text or "{}").get("warnings") or []
    except (ValueError, AttributeError):
        raise InvalidInput("Rapport illisible : relancez la lecture des rapports.") from None
    return [str(w)[:500] for w in warnings if isinstance(w, str)][:50]


def report_details(text: str) -> dict[str, Any]:
    """What the device's `received` event keeps of the reports: re-checked drives, warnings."""
    return {
        "drives": [asdict(d) for d in drives_from_json(text)],
        "warnings": warnings_from_json(text),
    }


def _drive_from_dict(item: dict[str, Any]) -> DriveReport:
    def whole(name: str, limit: int) -> int | None:
        value = item.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < limit:
            raise ValueError(name)
        return value

    smart = item.get("smart_passed")
    kind = item.get("kind")
    return DriveReport(
        model=str(item.get("model") or "")[:120] or None,
        serial=clean(item.get("serial")),
        capacity_bytes=whole("capacity_bytes", 2**63),
        kind=kind if kind in DRIVE_KINDS else None,
        power_on_hours=whole("power_on_hours", 2**31),
        smart_passed=smart if isinstance(smart, bool) else None,
    )


# -- donor asset lists (CSV) --------------------------------------------------------------
class ImportRefused(InvalidInput):
    """Some lines are wrong: nothing was imported. `validation` lists them."""

    def __init__(self, validation: csv_import.Validation) -> None:
        super().__init__(
            f"Import refusé : {validation.refused_total} ligne(s) refusée(s), "
            "aucun appareil importé. Corrigez le fichier puis recommencez."
        )
        self.validation = validation


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    first_tag: str | None
    last_tag: str | None
    record: IntakeImport


CHUNK = 1000
# Core tables: bulk INSERTs of plain dicts without the ORM's per-row bookkeeping.


def store_upload(
    collection: Collection, *, filename: str, content: bytes, actor_id: int | None, now: datetime
) -> IntakeImport:
    """Keep the uploaded file for the mapping step; the header is read now (or refused)."""
    ensure_intake_open(collection)
    fmt = csv_import.detect_format(io.BytesIO(content))
    record = IntakeImport(
        collection_id=collection.id,
        filename=(filename or "import.csv")[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        content=content,
        mapping=csv_import.guess_mapping(fmt.header),
        created_by_id=actor_id,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return record


def check_csv(
    collection: Collection,
    stream: BinaryIO,
    fmt: csv_import.CsvFormat,
    mapping: csv_import.Mapping,
    on_bytes: Callable[[int], None] | None = None,
) -> csv_import.Validation:
    """First pass: every line, serials repeated in the file or already in this donor's stock."""
    csv_import.check_mapping(mapping, fmt.header)
    result = csv_import.validate(csv_import.iter_records(stream, fmt, on_bytes), mapping)
    if result.serial_lines:
        known = (
            select(Device.serial, Device.asset_tag)
            .join(Collection, Device.collection_id == Collection.id)
            .where(Collection.donor_id == collection.donor_id, Device.serial.is_not(None))
            .execution_options(yield_per=2000)
        )
        for serial, tag in db.session.execute(known):
            line = result.serial_lines.get(csv_import.serial_key(serial))
            if line is not None:
                result.refuse(csv_import.Refused(
                    line, f"n° de série {serial} déjà en stock pour ce donateur ({tag})"))
    result.refused.sort(key=lambda r: r.line)
    return result


def import_upload(
    collection: Collection,
    record: IntakeImport,
    mapping: csv_import.Mapping,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
) -> ImportOutcome:
    if record.imported_at is not None or record.collection_id != collection.id:
        raise InvalidInput("Ce fichier a déjà été importé.")
    return import_csv(collection, io.BytesIO(record.content or b""), mapping, actor_id=actor_id,
                      now=now, prefix=prefix, record=record)


@dataclass
class ImportPlan:
    """A file checked line by line, ready to insert, inside the current transaction."""

    collection: Collection
    stream: BinaryIO
    fmt: csv_import.CsvFormat
    mapping: csv_import.Mapping
    record: IntakeImport
    validation: csv_import.Validation
    actor_id: int | None
    now: datetime
    prefix: str


def plan_import(
    collection: Collection,
    stream: BinaryIO,
    mapping: csv_import.Mapping | None,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    record: IntakeImport | None = None,
    filename: str = "",
    on_bytes: Callable[[int], None] | None = None,
) -> ImportPlan:
    """First pass. Raises ImportRefused (with every refused line) when any line is wrong."""
    ensure_intake_open(collection)
    # One import per collection at a time (row lock on PostgreSQL, write lock on SQLite).
    db.session.execute(select(Collection.id).where(Collection.id == collection.id).with_for_update())
    fmt = csv_import.detect_format(stream)
    if mapping is None:
        mapping = csv_import.guess_mapping(fmt.header)
    if record is None:
        record = _record_for_stream(collection, stream, filename, actor_id, now)
    _refuse_second_import(collection, record)
    result = check_csv(collection, stream, fmt, mapping, on_bytes)
    if not result.ok:
        raise ImportRefused(result)
    if result.valid == 0:
        raise InvalidInput("Le fichier ne contient aucune ligne d'appareil.")
    return ImportPlan(collection, stream, fmt, mapping, record, result, actor_id, now, prefix)


def run_import(plan: ImportPlan, on_rows: Callable[[int], None] | None = None) -> ImportOutcome:
    """Second pass: tags taken in one go, devices and events inserted CHUNK rows at a time."""
    prefix, year = plan.prefix, plan.now.year
    numbers = take_numbers(counter_name(prefix, year), plan.validation.valid)
    tags = (format_tag(prefix, year, n) for n in numbers)
    rows = _valid_rows(csv_import.iter_records(plan.stream, plan.fmt), plan.mapping)
    count = _insert_devices(rows, tags, plan, on_rows)
    if count != plan.validation.valid:  # the file changed between the two passes
        raise InvalidInput("Le fichier a changé pendant l'import : recommencez.")
    record = plan.record
    record.mapping, record.device_count, record.imported_at = plan.mapping, count, plan.now
    try:
        db.session.flush()
    except IntegrityError:
        raise InvalidInput(f"Ce fichier a déjà été importé dans {plan.collection.number}.") from None
    return ImportOutcome(count, format_tag(prefix, year, numbers[0]),
                         format_tag(prefix, year, numbers[-1]), record)


def import_csv(
    collection: Collection,
    stream: BinaryIO,
    mapping: csv_import.Mapping | None,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    record: IntakeImport | None = None,
    filename: str = "",
) -> ImportOutcome:
    """All lines or none, in the caller's transaction.

    Memory stays flat: the file is streamed twice, only the serials are remembered, devices
    and events go in by bulk INSERTs of CHUNK rows, tags come from one counter update.
    """
    plan = plan_import(collection, stream, mapping, actor_id=actor_id, now=now, prefix=prefix,
                       record=record, filename=filename)
    return run_import(plan)


def _record_for_stream(
    collection: Collection, stream: BinaryIO, filename: str, actor_id: int | None, now: datetime
) -> IntakeImport:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    record = IntakeImport(collection_id=collection.id, filename=filename[:200],
                          sha256=digest.hexdigest(), size_bytes=size, content=None, mapping={},
                          created_by_id=actor_id, created_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def _refuse_second_import(collection: Collection, record: IntakeImport) -> None:
    earlier = db.session.scalars(
        select(IntakeImport).where(
            IntakeImport.collection_id == collection.id,
            IntakeImport.sha256 == record.sha256,
            IntakeImport.imported_at.is_not(None),
        )
    ).first()
    if earlier is not None:
        raise InvalidInput(
            f"Ce fichier a déjà été importé dans {collection.number} "
            f"le {earlier.imported_at:%d/%m/%Y à %H:%M} ({earlier.device_count} appareils)."
        )


def _valid_rows(
    records: Iterable[tuple[int, list[str]]], mapping: csv_import.Mapping
) -> Iterator[csv_import.Row]:
    for line, cells in records:
        row = csv_import.read_row(line, cells, mapping)
        if isinstance(row, csv_import.Refused):
            raise InvalidInput(f"Le fichier a changé pendant l'import : {row}.")
        yield row


def _insert_devices(
    rows: Iterable[csv_import.Row],
    tags: Iterator[str],
    plan: ImportPlan,
    on_rows: Callable[[int], None] | None,
) -> int:
    """Through the devices service's bulk path, CHUNK rows at a time."""
    overrides = weight_overrides()
    count = 0
    while chunk := list(itertools.islice(rows, CHUNK)):
        items = [
            (
                NewDevice(device_type=row.device_type, make=row.make, model=row.model,
                          serial=row.serial, legal_status=row.legal_status,
                          weight_kg=row.weight_kg, condition_notes=row.notes),
                {"import": plan.record.id, "line": row.line},
            )
            for row in chunk
        ]
        ids = create_devices_bulk(
            items, asset_tags=list(itertools.islice(tags, len(chunk))), actor_id=plan.actor_id,
            now=plan.now, collection_id=plan.collection.id,
            collection_number=plan.collection.number, weight_overrides=overrides)
        count += len(ids)
        if on_rows:
            on_rows(len(chunk))
    return count


def advance_collection(collection: Collection, target: str, *, now: datetime) -> None:
    set_collection_state(collection, target, device_count=queries.device_count(collection.id),
                         today=now.date())


def issue_receipt(
    collection: Collection, *, workshop: dict[str, str], actor_id: int | None, now: datetime
) -> tuple[IssuedDocument, bool]:
    """(document, created): unchanged facts give back the latest version (invariant 5)."""
    count = queries.device_count(collection.id)
    verdict = rules.can_issue_receipt(collection.state, count)
    if not verdict.allowed:
        raise IllegalTransition(
            f"{collection.number} : bon de prise en charge impossible.",
            reasons=list(verdict.reasons),
        )
    payload = receipt_payload(collection, queries.receipt_lines(collection.id), workshop)
    number = rules.receipt_number(collection.number)
    return issue_document(
        kind="collection_receipt",
        number=number,
        subject=f"collection:{collection.id}",
        payload=payload,
        render=render_receipt,
        filename_stem=f"bon-prise-en-charge-{collection.number}",
        actor_id=actor_id,
        now=now,
        donor_id=collection.donor_id,
        summary={"devices": payload["totals"]["count"], "kg": payload["totals"]["kg"]},
    )
