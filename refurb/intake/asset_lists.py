"""Donor asset lists (CSV) imported into a collection: the upload kept for the mapping step,
the check of every line, then all devices or none, in the caller's transaction.

Memory stays flat: the file is streamed twice, only the serials are remembered, devices and
events go in by bulk INSERTs of CHUNK rows, tags come from one counter update.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from refurb.core.asset_tags import counter_name, format_tag
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.counters import take_numbers
from refurb.devices.services import NewDevice, create_devices_bulk
from refurb.extensions import db
from refurb.intake import queries
from refurb.intake.collections import ensure_intake_open
from refurb.intake.csv_columns import Mapping, check_mapping, guess_mapping
from refurb.intake.csv_file import CsvFormat, detect_format, iter_records
from refurb.intake.csv_rows import Refused, Row, Validation, read_row, serial_key, validate
from refurb.intake.models import Collection, IntakeImport
from refurb.intake.weights import weight_overrides

CHUNK = 1000  # rows per bulk INSERT: plain dicts, without the ORM's per-row bookkeeping


class ImportRefused(InvalidInput):
    """Some lines are wrong: nothing was imported. `validation` lists them."""

    def __init__(self, validation: Validation) -> None:
        super().__init__(N_("Import refusé : %(count)s ligne(s) refusée(s), aucun appareil "
                            "importé. Corrigez le fichier puis recommencez."),
                         count=validation.refused_total)
        self.validation = validation


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    first_tag: str | None
    last_tag: str | None
    record: IntakeImport


@dataclass
class ImportPlan:
    """A file checked line by line, ready to insert, inside the current transaction."""

    collection: Collection
    stream: BinaryIO
    fmt: CsvFormat
    mapping: Mapping
    record: IntakeImport
    validation: Validation
    actor_id: int | None
    now: datetime
    prefix: str


def store_upload(
    collection: Collection, *, filename: str, content: bytes, actor_id: int | None, now: datetime
) -> IntakeImport:
    """Keep the uploaded file for the mapping step; the header is read now (or refused)."""
    ensure_intake_open(collection)
    fmt = detect_format(io.BytesIO(content))
    record = IntakeImport(
        collection_id=collection.id,
        filename=(filename or "import.csv")[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        content=content,
        mapping=guess_mapping(fmt.header),
        created_by_id=actor_id,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return record


def check_csv(
    collection: Collection,
    stream: BinaryIO,
    fmt: CsvFormat,
    mapping: Mapping,
    on_bytes: Callable[[int], None] | None = None,
) -> Validation:
    """First pass: every line, serials repeated in the file or already in this donor's stock."""
    check_mapping(mapping, fmt.header)
    result = validate(iter_records(stream, fmt, on_bytes), mapping)
    if result.serial_lines:
        for serial, tag in queries.donor_serials(collection.donor_id):
            line = result.serial_lines.get(serial_key(serial))
            if line is not None:
                result.refuse(Refused(line, Message(
                    N_("n° de série %(serial)s déjà en stock pour ce donateur (%(tag)s)"),
                    {"serial": serial, "tag": tag})))
    result.refused.sort(key=lambda r: r.line)
    return result


def import_upload(
    collection: Collection,
    record: IntakeImport,
    mapping: Mapping,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
) -> ImportOutcome:
    if record.imported_at is not None or record.collection_id != collection.id:
        raise InvalidInput(N_("Ce fichier a déjà été importé."))
    return import_csv(collection, io.BytesIO(record.content or b""), mapping, actor_id=actor_id,
                      now=now, prefix=prefix, record=record)


def import_csv(
    collection: Collection,
    stream: BinaryIO,
    mapping: Mapping | None,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    record: IntakeImport | None = None,
    filename: str = "",
) -> ImportOutcome:
    """All lines or none, in the caller's transaction."""
    plan = plan_import(collection, stream, mapping, actor_id=actor_id, now=now, prefix=prefix,
                       record=record, filename=filename)
    return run_import(plan)


def plan_import(
    collection: Collection,
    stream: BinaryIO,
    mapping: Mapping | None,
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
    fmt = detect_format(stream)
    if mapping is None:
        mapping = guess_mapping(fmt.header)
    if record is None:
        record = _record_for_stream(collection, stream, filename, actor_id, now)
    _refuse_second_import(collection, record)
    result = check_csv(collection, stream, fmt, mapping, on_bytes)
    if not result.ok:
        raise ImportRefused(result)
    if result.valid == 0:
        raise InvalidInput(N_("Le fichier ne contient aucune ligne d'appareil."))
    return ImportPlan(collection, stream, fmt, mapping, record, result, actor_id, now, prefix)


def run_import(plan: ImportPlan, on_rows: Callable[[int], None] | None = None) -> ImportOutcome:
    """Second pass: tags taken in one go, devices and events inserted CHUNK rows at a time."""
    prefix, year = plan.prefix, plan.now.year
    numbers = take_numbers(counter_name(prefix, year), plan.validation.valid)
    tags = (format_tag(prefix, year, n) for n in numbers)
    rows = _valid_rows(iter_records(plan.stream, plan.fmt), plan.mapping)
    count = _insert_devices(rows, tags, plan, on_rows)
    if count != plan.validation.valid:  # the file changed between the two passes
        raise InvalidInput(N_("Le fichier a changé pendant l'import : recommencez."))
    record = plan.record
    record.mapping, record.device_count, record.imported_at = plan.mapping, count, plan.now
    try:
        db.session.flush()
    except IntegrityError:
        raise InvalidInput(N_("Ce fichier a déjà été importé dans %(number)s."),
                           number=plan.collection.number) from None
    return ImportOutcome(count, format_tag(prefix, year, numbers[0]),
                         format_tag(prefix, year, numbers[-1]), record)


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
    earlier = queries.earlier_import(collection.id, record.sha256)
    if earlier is not None:
        raise InvalidInput(
            N_("Ce fichier a déjà été importé dans %(number)s le %(day)s à %(time)s "
               "(%(count)s appareils)."),
            number=collection.number, day=f"{earlier.imported_at:%d/%m/%Y}",
            time=f"{earlier.imported_at:%H:%M}", count=earlier.device_count,
        )


def _valid_rows(records: Iterable[tuple[int, list[str]]], mapping: Mapping) -> Iterator[Row]:
    for line, cells in records:
        row = read_row(line, cells, mapping)
        if isinstance(row, Refused):
            raise InvalidInput(N_("Le fichier a changé pendant l'import : %(refusal)s."),
                               refusal=Message(N_("Ligne %(line)s : %(reason)s"),
                                               {"line": row.line, "reason": row.why}))
        yield row


def _insert_devices(
    rows: Iterable[Row],
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
