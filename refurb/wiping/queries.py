"""Read side of data sanitization: records, drives, logs and what a certificate covers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import joinedload

from refurb.accounts.models import User
from refurb.core.lifecycle import State
from refurb.core.sanitization.vocabulary import Result
from refurb.devices.models import Device, Drive
from refurb.documents.models import IssuedDocument
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.wiping.models import DriveRemoval, WipeLog, WipeRecord, WipeValidation
from refurb.workshops.scoping import own_rows

CERTIFICATE_KIND = "erasure_certificate"
STATEMENT_KIND = "erasure_statement"  # provisional: some record still awaits validation
ERASURE_KINDS = (CERTIFICATE_KIND, STATEMENT_KIND)


def _with_people(query: Select) -> Select:
    return query.options(
        joinedload(WipeRecord.operator),
        joinedload(WipeRecord.override_by),
        joinedload(WipeRecord.validation).joinedload(WipeValidation.validator),
    )


def chronological(query: Select) -> Select:
    """The order drive_status() needs: the latest attempt decides."""
    return query.order_by(WipeRecord.drive_id, WipeRecord.finished_at, WipeRecord.id)


def awaiting_validation(query: Select, reader_id: int | None) -> Select:
    """Passed erasures nobody has validated yet, but those the reader ran: the second person
    of a validation is never the operator."""
    query = query.where(
        WipeRecord.result == Result.PASSED.value, WipeRecord.outcome.is_not(None),
        ~select(WipeValidation.id).where(WipeValidation.record_id == WipeRecord.id).exists())
    if reader_id is not None:
        query = query.where(or_(WipeRecord.operator_id.is_(None),
                                WipeRecord.operator_id != reader_id))
    return query


def list_records_query(result: str | None = None, source: str | None = None,
                       awaiting_for: int | None = None) -> Select:
    """`awaiting_for`: a user id, only the records waiting for that user's validation."""
    query = _with_people(select(WipeRecord)).options(joinedload(WipeRecord.drive))
    if result:
        query = query.where(WipeRecord.result == result)
    if source:
        query = query.where(WipeRecord.source == source)
    if awaiting_for is not None:
        query = awaiting_validation(query, awaiting_for)
    return query.order_by(WipeRecord.id.desc())


def count_awaiting_validation(reader_id: int) -> int:
    return db.session.scalar(awaiting_validation(
        select(func.count()).select_from(WipeRecord), reader_id)) or 0


def to_wipe(query: Select) -> Select:
    """Drives still in a machine that is at the wiping step, without a passed erasure."""
    return query.join(Device, Device.id == Drive.device_id).where(
        Device.state == State.WIPING.value,
        ~select(WipeRecord.id).where(WipeRecord.drive_id == Drive.id,
                                     WipeRecord.result == Result.PASSED.value).exists())


def count_drives_to_wipe() -> int:
    return db.session.scalar(to_wipe(select(func.count()).select_from(Drive))) or 0


def get_record(record_id: int) -> WipeRecord | None:
    query = _with_people(select(WipeRecord)).options(
        joinedload(WipeRecord.drive), joinedload(WipeRecord.log)
    )
    return db.session.scalar(query.where(WipeRecord.id == record_id))


def records_by_drive(drive_ids: Iterable[int], people: bool = False) -> dict[int, list]:
    """Records of each drive, chronological; one query whatever the number of drives."""
    ids = [i for i in set(drive_ids) if i is not None]
    if not ids:
        return {}
    query = select(WipeRecord).where(WipeRecord.drive_id.in_(ids))
    if people:
        query = _with_people(query)
    else:
        query = query.options(joinedload(WipeRecord.validation))  # one row each: one statement
    grouped: dict[int, list[WipeRecord]] = defaultdict(list)
    for record in db.session.scalars(chronological(query)).unique():
        grouped[record.drive_id].append(record)
    return grouped


def records_of_drive_subquery(drive_ids: Select) -> dict[int, list]:
    """Same as records_by_drive for a large set given as a subquery (5,000-drive collections)."""
    query = _with_people(select(WipeRecord).where(WipeRecord.drive_id.in_(drive_ids)))
    grouped: dict[int, list[WipeRecord]] = defaultdict(list)
    for record in db.session.scalars(chronological(query)).unique():
        grouped[record.drive_id].append(record)
    return grouped


def list_drives_query(where: str | None = None) -> Select:
    """where: None (all), "removed" (out of their host), "installed" or "to_wipe"."""
    query = select(Drive).options(joinedload(Drive.device))
    if where == "removed":
        query = query.where(Drive.device_id.is_(None))
    elif where == "installed":
        query = query.where(Drive.device_id.is_not(None))
    elif where == "to_wipe":
        query = to_wipe(query)
    return query.order_by(Drive.id.desc())


def get_drive(drive_id: int) -> Drive | None:
    return db.session.scalar(
        select(Drive).options(joinedload(Drive.device)).where(Drive.id == drive_id)
    )


def removals_by_drive(drive_ids: Iterable[int]) -> dict[int, DriveRemoval]:
    ids = [i for i in set(drive_ids) if i is not None]
    if not ids:
        return {}
    query = (
        select(DriveRemoval)
        .options(joinedload(DriveRemoval.device))
        .where(DriveRemoval.drive_id.in_(ids))
        .order_by(DriveRemoval.id)
    )
    return {removal.drive_id: removal for removal in db.session.scalars(query)}


def device_has(device_id: int) -> tuple[bool, bool, bool]:
    """(its drives have erasure records, drives were removed from it, erasure documents were
    issued for it), in one statement: many machines have none of them, and each list costs a
    statement of its own (the records with their people cost more than the rest of the page's
    reads). A Core statement on the session's connection (the ORM's per-statement work cost
    more than the lookups), the workshop filtered explicitly as the ORM's scoping would."""
    from refurb.workshops.context import current_workshop_id

    workshop_id = current_workshop_id()
    db.session.flush()  # as the ORM's autoflush would
    has_records, has_removed, has_documents = db.session.connection().execute(
        _device_has_statement(workshop_id is not None),
        {"device_id": device_id, "subject": f"device:{device_id}", "workshop_id": workshop_id},
    ).one()
    return bool(has_records), bool(has_removed), bool(has_documents)


@cache
def _device_has_statement(scoped: bool):
    """Built once per kind of scope: building it cost as much as running it."""
    removals, documents = DriveRemoval.__table__, IssuedDocument.__table__
    records, drives = WipeRecord.__table__, Drive.__table__
    removed = exists().where(removals.c.device_id == bindparam("device_id"),
                             own_rows(removals, scoped))
    issued = exists().where(documents.c.subject == bindparam("subject"),
                            documents.c.kind.in_(ERASURE_KINDS), own_rows(documents, scoped))
    recorded = exists().where(records.c.drive_id.in_(
        select(drives.c.id).where(drives.c.device_id == bindparam("device_id"),
                                  own_rows(drives, scoped))),
        own_rows(records, scoped))
    return select(recorded.label("has_records"), removed.label("has_removed"),
                  issued.label("has_documents"))


def removed_from_device(device_id: int) -> list[Drive]:
    """Drives taken out of this device (now tracked under their own tag)."""
    removed = select(DriveRemoval.drive_id).where(DriveRemoval.device_id == device_id)
    return list(
        db.session.scalars(
            select(Drive).where(Drive.id.in_(removed), Drive.device_id.is_(None)).order_by(Drive.id)
        )
    )


def _origin_devices(device_ids: Select) -> Select:
    """Drive ids in these devices or removed from them: what the donor handed over."""
    removed = select(DriveRemoval.drive_id).where(DriveRemoval.device_id.in_(device_ids))
    return select(Drive.id).where(or_(Drive.device_id.in_(device_ids), Drive.id.in_(removed)))


def drives_of_devices_query(device_ids: Select) -> tuple[Select, Select]:
    """(drives with their host, drive-id subquery) covered by a certificate of these devices."""
    ids = _origin_devices(device_ids)
    query = (
        select(Drive)
        .options(joinedload(Drive.device))
        .where(Drive.id.in_(ids))
        .order_by(Drive.id)
    )
    return query, ids


def collection_device_ids(collection_id: int) -> Select:
    return select(Device.id).where(Device.collection_id == collection_id)


def one_device_ids(device_id: int) -> Select:
    return select(Device.id).where(Device.id == device_id)


def list_logs_query() -> Select:
    return select(WipeLog).options(joinedload(WipeLog.uploaded_by)).order_by(WipeLog.id.desc())


def get_log_by_sha(sha256: str) -> WipeLog | None:
    return db.session.scalar(select(WipeLog).where(WipeLog.sha256 == sha256))


def records_of_log(log_id: int) -> dict[int, WipeRecord]:
    query = (
        select(WipeRecord)
        .options(joinedload(WipeRecord.drive))
        .where(WipeRecord.log_id == log_id)
    )
    return {r.log_drive_index: r for r in db.session.scalars(query)}


def drives_by_serial(serials: Iterable[str]) -> dict[str, list[Drive]]:
    """Inventory drives whose serial is one of `serials` (compared as normalised)."""
    wanted = {s for s in serials if s}
    if not wanted:
        return {}
    found: dict[str, list[Drive]] = defaultdict(list)
    query = select(Drive).options(joinedload(Drive.device)).where(Drive.serial.in_(wanted))
    for drive in db.session.scalars(query):
        found[drive.serial].append(drive)
    return found


def certificate_versions(subject: str) -> list[IssuedDocument]:
    """Certificates and provisional statements of a device or collection, newest first."""
    return list(
        db.session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.subject == subject, IssuedDocument.kind.in_(ERASURE_KINDS))
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        )
    )


def certificate_number_for(subject: str, kind: str = CERTIFICATE_KIND) -> str | None:
    return db.session.scalar(
        select(IssuedDocument.number)
        .where(IssuedDocument.subject == subject, IssuedDocument.kind == kind)
        .limit(1)
    )


def possible_validators() -> list[User]:
    """Active people who may validate a wipe record (its operator excepted)."""
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(("admin", "technician")))
        .order_by(User.display_name)))


def validation_of(record_id: int) -> WipeValidation | None:
    return db.session.scalar(select(WipeValidation).where(WipeValidation.record_id == record_id))


# --- collection certificates due (the admin's home) ---------------------------------------

def _collection_drives():
    """(collection_id, drive_id) of every drive a collection's certificate covers: drives in
    its devices and drives taken out of them."""
    in_devices = (select(Device.collection_id.label("collection_id"), Drive.id.label("drive_id"))
                  .join(Drive, Drive.device_id == Device.id)
                  .where(Device.collection_id.is_not(None)))
    removed = (select(Device.collection_id, DriveRemoval.drive_id)
               .join(DriveRemoval, DriveRemoval.device_id == Device.id)
               .where(Device.collection_id.is_not(None)))
    return union(in_devices, removed).subquery("covered")


def _due_collections():
    """Ids of collections whose every drive has a validated passed erasure and whose
    certificate was not issued since the last validation (a drive validated later makes it
    due again). Grouped once over the workshop's drives: a subquery per collection walked
    every drive of the network for each. The certificate itself applies every rule
    (refurb.wiping.certificates): this is what to look at."""
    covered = _collection_drives()
    passed = and_(WipeRecord.result == Result.PASSED.value, WipeRecord.outcome.is_not(None))
    per_drive = (select(WipeRecord.drive_id,
                        func.max(WipeValidation.validated_at).label("last"),
                        func.max(case((passed, 1), else_=0)).label("ok"))
                 .join(WipeValidation, WipeValidation.record_id == WipeRecord.id)
                 .group_by(WipeRecord.drive_id).subquery("validated"))
    due = (select(covered.c.collection_id, func.max(per_drive.c.last).label("last"))
           .outerjoin(per_drive, per_drive.c.drive_id == covered.c.drive_id)
           .group_by(covered.c.collection_id)
           .having(func.min(func.coalesce(per_drive.c.ok, 0)) == 1)
           .subquery("due"))
    subject = literal("collection:").op("||")(cast(due.c.collection_id, String))
    certified = select(IssuedDocument.id).where(
        IssuedDocument.kind == CERTIFICATE_KIND, IssuedDocument.subject == subject,
        IssuedDocument.issued_at >= due.c.last)
    return select(due.c.collection_id).where(~certified.exists()).subquery("due_now")


def collections_due_query() -> Select:
    due = _due_collections()
    return (select(Collection).join(due, due.c.collection_id == Collection.id)
            .order_by(Collection.id))


def count_certificates_due() -> int:
    return db.session.scalar(select(func.count()).select_from(_due_collections())) or 0
