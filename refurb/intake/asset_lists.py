"""Donor asset lists (CSV, Excel, LibreOffice) imported into a collection: the upload kept for
the mapping step, the check of every line, then all devices or none.

Two steps, callable from a page, the CLI or a background job with plain values:
- check (`plan_import`): read the file through refurb.table_reader, check every line, write
  nothing; raises ImportRefused listing refused lines and unconfirmed flags;
- write (`run_import`): lock the collection, re-check what may have changed meanwhile (a second
  import, the donor's serials), insert every device in bulk, remember the column mapping; in
  the caller's transaction, all or nothing.
Both take an optional `progress(done, total, step)` (step "check" or "write").

Memory stays flat for text files: the file is streamed twice, only the serials are remembered,
devices and events go in by bulk INSERTs of CHUNK rows, tags come from one counter update.
On PostgreSQL readers never wait for the write; other writers wait only for rows it must hold
(the tag counter, and the report tallies from the end of the write to its commit).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from refurb import database, table_reader
from refurb.core.asset_tags import counter_name, format_tag
from refurb.core.errors import InvalidInput, Message, NotFound
from refurb.core.i18n import N_
from refurb.counters import take_numbers
from refurb.devices.services import NewDevice, announcing_at_end, create_devices_bulk
from refurb.extensions import db
from refurb.intake import queries
from refurb.intake.collections import ensure_intake_open
from refurb.intake.csv_columns import FIELDS, Mapping, check_mapping, guess_mapping
from refurb.intake.csv_rows import Refused, Row, Validation, read_row, serial_key, validate
from refurb.intake.mapping_memory import remember_mapping, remembered_mapping
from refurb.intake.models import Collection, IntakeImport
from refurb.intake.weights import weight_overrides
from refurb.table_reader import TableFormat

log = logging.getLogger(__name__)

CHUNK = 1000  # rows per bulk INSERT: plain dicts, without the ORM's per-row bookkeeping
# Tables a large import grows: their planner statistics are renewed once it commits.
GROWN_TABLES = ("devices", "device_events")
_ANALYZE_PENDING = "refurb.analyze_after_commit"
Progress = Callable[[int, int, str], None]  # (done, total, step): "check" or "write"


class ImportRefused(InvalidInput):
    """Some lines are wrong, or flagged in a column nobody confirmed: nothing was imported.
    `validation` lists them."""

    def __init__(self, validation: Validation) -> None:
        if validation.refused_total:
            super().__init__(N_("Import refusé : %(count)s ligne(s) refusée(s), aucun appareil "
                                "importé. Corrigez le fichier puis recommencez."),
                             count=validation.refused_total)
        else:
            super().__init__(N_("Import refusé : %(count)s ligne(s) signalée(s) dans %(columns)s "
                                "colonne(s) non confirmée(s), aucun appareil importé. Vérifiez "
                                "ces lignes puis confirmez leurs colonnes, ou corrigez le "
                                "fichier."),
                             count=validation.unconfirmed_total,
                             columns=len(validation.unconfirmed))
        self.validation = validation


@dataclass(frozen=True)
class ImportChoices:
    """What a person chose about a file; plain values, so a job can carry them."""

    mapping: Mapping | None = None  # None: as remembered for this donor's header, else guessed
    encoding: str | None = None  # text files: None detects it
    sheet: str | None = None  # workbooks: None takes the first visible sheet
    confirmed: frozenset[str] = frozenset()  # fields whose flagged values are to be kept

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "encoding": self.encoding, "sheet": self.sheet,
                "confirmed": sorted(self.confirmed)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportChoices:
        return cls(mapping=data.get("mapping"), encoding=data.get("encoding"),
                   sheet=data.get("sheet"), confirmed=frozenset(data.get("confirmed") or ()))


@dataclass(frozen=True)
class ImportOutcome:
    imported: int
    first_tag: str | None
    last_tag: str | None
    record: IntakeImport


@dataclass
class ImportPlan:
    """A file checked line by line, ready to write."""

    collection: Collection
    stream: BinaryIO
    fmt: TableFormat
    mapping: Mapping
    validation: Validation
    actor_id: int | None
    now: datetime
    prefix: str
    sha256: str
    size: int
    filename: str = ""
    record: IntakeImport | None = None  # the web upload; None for a file streamed from disk
    reading: dict[str, Any] = field(default_factory=dict)


# -- the upload, kept between the pages --------------------------------------------------------
def store_upload(
    collection: Collection, *, filename: str, content: bytes, actor_id: int | None, now: datetime
) -> IntakeImport:
    """Keep the uploaded file for the mapping step; the header is read now (or refused) and
    mapped as last time for this donor, else guessed."""
    ensure_intake_open(collection)
    fmt = table_reader.detect(io.BytesIO(content))
    mapping, source = initial_mapping(collection.donor_id, fmt)
    record = IntakeImport(
        collection_id=collection.id,
        filename=(filename or "import.csv")[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        content=content,
        mapping=mapping,
        reading=_reading(fmt, source),
        created_by_id=actor_id,
        created_at=now,
    )
    db.session.add(record)
    db.session.flush()
    return record


def reread_upload(collection: Collection, record: IntakeImport, *, encoding: str | None,
                  sheet: str | None) -> IntakeImport:
    """Another code page or sheet chosen: the header is read again and mapped again."""
    _refuse_imported(collection, record)
    fmt = table_reader.detect(_content(record), encoding=encoding or None, sheet=sheet or None)
    mapping, source = initial_mapping(collection.donor_id, fmt)
    record.mapping, record.reading = mapping, _reading(fmt, source)
    db.session.flush()
    return record


def initial_mapping(donor_id: int, fmt: TableFormat) -> tuple[Mapping, str]:
    remembered = remembered_mapping(donor_id, fmt.header)
    if remembered is not None:
        return remembered, "remembered"
    return guess_mapping(fmt.header), "guessed"


def upload_choices(record: IntakeImport, mapping: Mapping | None = None,
                   confirmed: Iterable[str] = ()) -> ImportChoices:
    """The reading stored with the upload, with the columns and confirmations given (the
    stored mapping when none)."""
    reading = record.reading or {}
    stored = {name: record.mapping.get(name) for name in FIELDS}
    return ImportChoices(mapping=mapping if mapping is not None else stored,
                         encoding=reading.get("encoding"), sheet=reading.get("sheet"),
                         confirmed=frozenset(confirmed))


def upload_format(record: IntakeImport) -> TableFormat:
    choices = upload_choices(record)
    return table_reader.detect(_content(record), encoding=choices.encoding, sheet=choices.sheet)


def check_upload(collection: Collection, record: IntakeImport, choices: ImportChoices,
                 fmt: TableFormat | None = None) -> Validation:
    """The preview: every line checked, nothing written (`fmt`: as read for these choices)."""
    stream = _content(record)
    if fmt is None:
        fmt = table_reader.detect(stream, encoding=choices.encoding, sheet=choices.sheet)
    return check_file(collection, stream, fmt, _mapping(collection, fmt, choices),
                      choices.confirmed)


def import_upload(
    collection: Collection,
    record: IntakeImport,
    choices: ImportChoices,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    progress: Progress | None = None,
) -> ImportOutcome:
    _refuse_imported(collection, record)
    plan = plan_import(collection, _content(record), choices, actor_id=actor_id, now=now,
                       prefix=prefix, record=record, progress=progress)
    return run_import(plan, progress)


def import_stored_upload(import_id: int, choices: ImportChoices, *, actor_id: int | None,
                         now: datetime, prefix: str,
                         progress: Progress | None = None) -> ImportOutcome:
    """For a background job: the upload by its id, the choices as plain values."""
    record = db.session.get(IntakeImport, import_id)
    if record is None:
        raise NotFound(N_("Import introuvable."))
    collection = db.session.get(Collection, record.collection_id)
    return import_upload(collection, record, choices, actor_id=actor_id, now=now,
                         prefix=prefix, progress=progress)


def import_file(
    collection: Collection,
    stream: BinaryIO,
    choices: ImportChoices | None = None,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportOutcome:
    """A file on disk (CLI, benchmark): all lines or none, in the caller's transaction."""
    plan = plan_import(collection, stream, choices or ImportChoices(), actor_id=actor_id,
                       now=now, prefix=prefix, filename=filename, progress=progress)
    return run_import(plan, progress)


# -- check -------------------------------------------------------------------------------------
def check_file(
    collection: Collection,
    stream: BinaryIO,
    fmt: TableFormat,
    mapping: Mapping,
    confirmed: Iterable[str] = (),
    progress: Progress | None = None,
) -> Validation:
    """Every line; serials repeated in the file or already in this donor's stock refused;
    values Excel or a wrong code page may have damaged flagged."""
    check_mapping(mapping, fmt.header)
    result = validate(
        table_reader.iter_records(stream, fmt, _step(progress, "check")), mapping,
        confirmed=confirmed, column_notes=fmt.column_notes, header_line=fmt.header_line,
        estimates=weight_overrides())
    for refusal in _donor_serial_refusals(collection, result):
        result.refuse(refusal)
    result.refused.sort(key=lambda r: r.line)
    return result


def plan_import(
    collection: Collection,
    stream: BinaryIO,
    choices: ImportChoices,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    record: IntakeImport | None = None,
    filename: str = "",
    progress: Progress | None = None,
) -> ImportPlan:
    """The check step; writes nothing. Raises ImportRefused (with every refused or flagged
    line) when the file cannot be imported as it is."""
    ensure_intake_open(collection)
    sha256, size = _digest(stream)
    _refuse_second_import(collection, sha256)
    fmt = table_reader.detect(stream, encoding=choices.encoding, sheet=choices.sheet)
    mapping = _mapping(collection, fmt, choices)
    result = check_file(collection, stream, fmt, mapping, choices.confirmed, progress)
    if not result.ok:
        raise ImportRefused(result)
    if result.valid == 0:
        raise InvalidInput(N_("Le fichier ne contient aucune ligne d'appareil."))
    source = (record.reading or {}).get("source", "chosen") if record else "chosen"
    return ImportPlan(collection, stream, fmt, mapping, result, actor_id, now, prefix, sha256,
                      size, filename, record, _reading(fmt, source, choices.confirmed))


# -- write -------------------------------------------------------------------------------------
def run_import(plan: ImportPlan, progress: Progress | None = None) -> ImportOutcome:
    """The write step: tags taken in one go, devices and events inserted CHUNK rows at a time.
    The write lock is taken here only: reading and checking the file happened without it."""
    database.will_write()
    collection = plan.collection
    # One import per collection at a time (row lock on PostgreSQL, write lock on SQLite).
    # NO KEY UPDATE: rows that only refer to the collection (a device added at the bench)
    # are not kept waiting for the import.
    db.session.execute(select(Collection.id).where(Collection.id == collection.id)
                       .with_for_update(key_share=True))
    ensure_intake_open(collection)
    _refuse_second_import(collection, plan.sha256)
    late = list(_donor_serial_refusals(collection, plan.validation))  # entered meanwhile
    if late:
        for refusal in late:
            plan.validation.refuse(refusal)
        raise ImportRefused(plan.validation)
    record = plan.record or _record_for_file(plan)
    prefix, year = plan.prefix, plan.now.year
    numbers = take_numbers(counter_name(prefix, year), plan.validation.valid)
    tags = (format_tag(prefix, year, n) for n in numbers)
    rows = _valid_rows(table_reader.iter_records(plan.stream, plan.fmt), plan.mapping)
    with announcing_at_end():  # report tallies: locked only at the end of the write
        count = _insert_devices(rows, tags, plan, record, _step(progress, "write"))
    if count != plan.validation.valid:  # the file changed between the two passes
        raise InvalidInput(N_("Le fichier a changé pendant l'import : recommencez."))
    record.mapping, record.device_count, record.imported_at = plan.mapping, count, plan.now
    record.reading = plan.reading
    try:
        db.session.flush()
    except IntegrityError:
        raise InvalidInput(N_("Ce fichier a déjà été importé dans %(number)s."),
                           number=collection.number) from None
    remember_mapping(collection.donor_id, plan.fmt.header, plan.mapping,
                     actor_id=plan.actor_id, now=plan.now)
    analyze_after_commit(db.session())
    return ImportOutcome(count, format_tag(prefix, year, numbers[0]),
                         format_tag(prefix, year, numbers[-1]), record)


def analyze_after_commit(session: Any) -> None:
    """PostgreSQL: renew the statistics of the tables the import grew as soon as it commits.
    The planner works from row counts taken before it: after 40,000 new devices the device list
    sorted the whole workshop (23 ms of server time instead of 0.1 ms) until autovacuum came
    round to analysing the table, up to a minute later. ANALYZE reads a sample (~30,000 rows),
    never waits for readers or writers and keeps none waiting; on its own connection, once the
    rows are visible to everyone (a rolled-back import analyses nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.info[_ANALYZE_PENDING] = True
    if not event.contains(session, "after_commit", _analyze_grown_tables):
        event.listen(session, "after_commit", _analyze_grown_tables)
        event.listen(session, "after_rollback", _forget_analyze)


def _analyze_grown_tables(session: Any) -> None:
    if not session.info.pop(_ANALYZE_PENDING, False):
        return
    try:
        with session.get_bind().connect() as connection:
            for table in GROWN_TABLES:
                connection.exec_driver_sql(f"ANALYZE {table}")
            connection.commit()
    except SQLAlchemyError as error:  # the import is committed; autovacuum will do it later
        log.warning("statistics not renewed after an import: %s", error)


def _forget_analyze(session: Any) -> None:
    session.info.pop(_ANALYZE_PENDING, None)


# -- helpers -----------------------------------------------------------------------------------
def _content(record: IntakeImport) -> io.BytesIO:
    return io.BytesIO(record.content or b"")


def _reading(fmt: TableFormat, source: str, confirmed: Iterable[str] = ()) -> dict[str, Any]:
    reading: dict[str, Any] = {"kind": fmt.kind, "source": source}
    if fmt.is_text:
        reading["encoding"] = fmt.encoding
    else:
        reading["sheet"] = fmt.sheet
    if confirmed:
        reading["confirmed"] = sorted(confirmed)
    return reading


def _mapping(collection: Collection, fmt: TableFormat, choices: ImportChoices) -> Mapping:
    if choices.mapping is not None:
        return {name: choices.mapping.get(name) for name in FIELDS}
    return initial_mapping(collection.donor_id, fmt)[0]


def _step(progress: Progress | None, step: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(done, total, step)


def _digest(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def _refuse_imported(collection: Collection, record: IntakeImport) -> None:
    if record.imported_at is not None or record.collection_id != collection.id:
        raise InvalidInput(N_("Ce fichier a déjà été importé."))


def _refuse_second_import(collection: Collection, sha256: str) -> None:
    earlier = queries.earlier_import(collection.id, sha256)
    if earlier is not None:
        raise InvalidInput(
            N_("Ce fichier a déjà été importé dans %(number)s le %(day)s à %(time)s "
               "(%(count)s appareils)."),
            number=collection.number, day=f"{earlier.imported_at:%d/%m/%Y}",
            time=f"{earlier.imported_at:%H:%M}", count=earlier.device_count,
        )


def _donor_serial_refusals(collection: Collection, result: Validation) -> Iterator[Refused]:
    if not result.serial_lines:
        return
    for serial, tag in queries.donor_serials(collection.donor_id):
        line = result.serial_lines.get(serial_key(serial))
        if line is not None:
            yield Refused(line, Message(
                N_("n° de série %(serial)s déjà en stock pour ce donateur (%(tag)s)"),
                {"serial": serial, "tag": tag}))


def _record_for_file(plan: ImportPlan) -> IntakeImport:
    record = IntakeImport(collection_id=plan.collection.id, filename=plan.filename[:200],
                          sha256=plan.sha256, size_bytes=plan.size, content=None, mapping={},
                          created_by_id=plan.actor_id, created_at=plan.now)
    db.session.add(record)
    db.session.flush()
    return record


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
    record: IntakeImport,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Through the devices service's bulk path, CHUNK rows at a time."""
    overrides = weight_overrides()
    count, total = 0, plan.validation.valid
    while chunk := list(itertools.islice(rows, CHUNK)):
        items = [
            (
                NewDevice(device_type=row.device_type, make=row.make, model=row.model,
                          serial=row.serial, legal_status=row.legal_status,
                          weight_kg=row.weight_kg, condition_notes=row.notes,
                          donor_inventory_number=row.donor_inventory_number),
                {"import": record.id, "line": row.line},
            )
            for row in chunk
        ]
        ids = create_devices_bulk(
            items, asset_tags=list(itertools.islice(tags, len(chunk))), actor_id=plan.actor_id,
            now=plan.now, collection_id=plan.collection.id,
            collection_number=plan.collection.number, weight_overrides=overrides)
        count += len(ids)
        if progress:
            progress(count, total)
    return count
