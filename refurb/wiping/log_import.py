"""nwipe / ShredOS logs: stored once per SHA-256 exactly as uploaded, then every drive the log
names is recorded against the inventory drive with its serial (refurb.wiping.log_matching).
A drive that cannot be matched stays pending until someone attaches it by scanning a tag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from refurb.core.errors import DomainError, InvalidInput, Message, NotFound
from refurb.core.i18n import N_
from refurb.core.nwipe import NwipeDrive, NwipeLog, parse_nwipe_log
from refurb.core.sanitization.repeats import repeat_of
from refurb.devices.models import Drive
from refurb.extensions import db
from refurb.wiping import queries
from refurb.wiping.log_matching import (
    Actor,
    check_match,
    drive_for_tag,
    evidence_of,
    inventory_by_serial,
    log_values,
    match_by_serial,
    record_log_entry,
)
from refurb.wiping.models import WipeLog, WipeRecord
from refurb.wiping.records import attempt_of, history_event, new_record
from refurb.wiping.status import drive_label

MAX_LOG_BYTES = 5 * 1024 * 1024


@dataclass
class PendingDrive:
    """A drive of a log not recorded yet, and why (with the refusal's reasons, if any)."""

    index: int
    drive: NwipeDrive
    reason: Message
    details: list[str | Message] = field(default_factory=list)

    def describe(self, translate: Callable[[str | Message], str] = str) -> str:
        return " ".join(translate(part) for part in (self.reason, *self.details))


@dataclass
class ImportOutcome:
    log: WipeLog
    created: bool
    recorded: list[WipeRecord] = field(default_factory=list)
    pending: list[PendingDrive] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_log(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").replace("\x00", "")


def import_files(files: Iterable[tuple[str, bytes]], *, actor_id: int | None,
                 now: datetime) -> list[tuple[str, ImportOutcome | None, DomainError | None]]:
    """Several uploads at once; one bad file does not stop the others."""
    results = []
    for filename, data in files:
        try:
            with db.session.begin_nested():
                outcome = import_nwipe_log(filename, data, actor_id=actor_id, now=now)
        except DomainError as error:
            results.append((filename, None, error))
        else:
            results.append((filename, outcome, None))
    return results


def import_nwipe_log(
    filename: str, data: bytes, *, actor_id: int | None, now: datetime
) -> ImportOutcome:
    """Store the log (once per SHA-256), then record every drive matched by serial."""
    if not data:
        raise InvalidInput(N_("%(filename)s : fichier vide."), filename=filename)
    if len(data) > MAX_LOG_BYTES:
        raise InvalidInput(N_("%(filename)s : fichier trop volumineux pour un journal nwipe."),
                           filename=filename)
    digest = sha256_of(data)
    existing = queries.get_log_by_sha(digest)
    if existing is not None:
        return ImportOutcome(existing, created=False)
    text = decode_log(data)
    parsed = parse_nwipe_log(text)
    if not parsed.drives:
        raise InvalidInput(N_("%(filename)s : aucun disque trouvé dans ce journal."),
                           reasons=parsed.warnings[:5], filename=filename)
    log = _store(filename, data, digest, text, parsed, actor_id=actor_id, now=now)
    if log is None:  # the same file, imported at the same moment by someone else
        return ImportOutcome(queries.get_log_by_sha(digest), created=False)
    outcome = ImportOutcome(log, created=True, warnings=list(parsed.warnings))
    _record_matched(outcome, parsed.drives, actor_id=actor_id, now=now)
    return outcome


def _store(filename: str, data: bytes, digest: str, text: str, parsed: NwipeLog, *,
           actor_id: int | None, now: datetime) -> WipeLog | None:
    """The log, kept verbatim; None when another transaction stored the same bytes first."""
    log = WipeLog(
        sha256=digest,
        filename=(filename or "journal.log")[-255:],
        size_bytes=len(data),
        text=text,
        tool="nwipe",
        tool_version=(parsed.nwipe_version or "")[:40],
        drive_count=len(parsed.drives),
        warnings=parsed.warnings,
        uploaded_at=now,
        uploaded_by_id=actor_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(log)
            db.session.flush()
    except IntegrityError:
        return None
    return log


def _record_matched(outcome: ImportOutcome, found_drives: list[NwipeDrive], *,
                    actor_id: int | None, now: datetime) -> None:
    """Record every entry whose serial names one tracked drive and which matches it (size,
    coverage); the others stay pending with the reason. One flush for the whole log."""
    log = outcome.log
    inventory = inventory_by_serial(found_drives)
    matched = {index: match_by_serial(found, inventory) for index, found in
               enumerate(found_drives)}
    earlier = queries.records_by_drive(d.id for d, _ in matched.values() if d is not None)
    prepared: list[tuple[Drive, WipeRecord]] = []
    for index, found in enumerate(found_drives):
        drive, reason = matched[index]
        if drive is None:
            outcome.pending.append(PendingDrive(index, found, reason))
            continue
        check = check_match(found, drive)
        if not check.matches:
            outcome.pending.append(PendingDrive(
                index, found, Message(N_("ne correspond pas au support %(drive)s :"),
                                      {"drive": drive_label(drive)}), list(check.differences)))
            continue
        values = log_values(drive, found, tool_version=log.tool_version,
                            fallback_time=log.uploaded_at)
        repeat = repeat_of(attempt_of(values, values.finished_at or now),
                           ((attempt_of(r, r.finished_at), r) for r in earlier.get(drive.id, ())))
        if repeat is not None:
            outcome.pending.append(PendingDrive(index, found, Message(
                N_("déjà enregistré (effacement n° %(record)s)"), {"record": repeat.id})))
            continue
        try:
            record = new_record(drive, values, actor_id=actor_id, now=now, operator_id=None,
                                source="nwipe", log=log, log_drive_index=index,
                                evidence=evidence_of(found))
        except InvalidInput as error:
            outcome.pending.append(PendingDrive(index, found, error.msg, error.reasons))
            continue
        prepared.append((drive, record))
    db.session.flush()  # one flush for every record of the log
    for drive, record in prepared:
        history_event(record, drive, actor_id=actor_id, now=now)
    outcome.recorded = [record for _, record in prepared]


# -------------------------------------------------------------- attaching a pending drive


def attach_log_drive(
    log: WipeLog, index: int, tag: str, kind: str, *, actor: Actor, now: datetime,
    override_reason: str | None = None,
) -> WipeRecord:
    """Record an unmatched log entry against a scanned device tag or removed-drive tag, once
    the comparison says the log is about that drive (or an admin says why it is anyway)."""
    parsed = parse_nwipe_log(log.text).drives
    if not 0 <= index < len(parsed):
        raise NotFound(N_("Ce disque n'existe pas dans le journal."))
    if index in queries.records_of_log(log.id):
        raise InvalidInput(N_("Ce disque du journal est déjà enregistré."))
    found = parsed[index]
    try:
        # Two people attaching the same log drive at once: the unique constraint decides.
        with db.session.begin_nested():
            drive = drive_for_tag(tag, found, kind, actor_id=actor.id, now=now)
            return record_log_entry(found, drive, actor=actor, now=now, log=log,
                                    log_drive_index=index, override_reason=override_reason)
    except IntegrityError:
        raise InvalidInput(N_("Ce disque du journal est déjà enregistré.")) from None
