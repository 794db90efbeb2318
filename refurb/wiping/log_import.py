"""nwipe / ShredOS logs: stored once per SHA-256 exactly as uploaded, then every drive the log
names is recorded against the inventory drive with its serial (refurb.wiping.log_matching).
A drive that cannot be matched stays pending until someone attaches it by scanning a tag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from refurb.core.errors import DomainError, InvalidInput, Message, NotFound
from refurb.core.i18n import N_
from refurb.core.nwipe import NwipeDrive, NwipeLog, parse_nwipe_log
from refurb.core.sanitization import MediaKind, nwipe_to_claim
from refurb.devices.models import Drive
from refurb.extensions import db
from refurb.wiping import queries
from refurb.wiping.claims import WipeInput, media_kind
from refurb.wiping.log_matching import drive_for_tag, inventory_by_serial, match_by_serial
from refurb.wiping.models import WipeLog, WipeRecord
from refurb.wiping.records import history_event, new_record, record_wipe

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
    log = outcome.log
    inventory = inventory_by_serial(found_drives)
    prepared: list[tuple[Drive, WipeRecord]] = []
    for index, found in enumerate(found_drives):
        drive, reason = match_by_serial(found, inventory)
        if drive is None:
            outcome.pending.append(PendingDrive(index, found, reason))
            continue
        try:
            record = new_record(drive, log_values(drive, log, found), actor_id=actor_id,
                                now=now, operator_id=None, source="nwipe", log=log,
                                log_drive_index=index)
        except InvalidInput as error:
            outcome.pending.append(PendingDrive(index, found, error.msg, error.reasons))
            continue
        prepared.append((drive, record))
    db.session.flush()  # one flush for every record of the log
    for drive, record in prepared:
        history_event(record, drive, actor_id=actor_id, now=now)
    outcome.recorded = [record for _, record in prepared]


def nwipe_input(found: NwipeDrive, kind: MediaKind, tool_version: str) -> WipeInput:
    claim = nwipe_to_claim(found, kind)
    details = [f"Méthode nwipe : {' '.join((found.method or '?').split())}",
               f"périphérique {found.device}"]
    if found.prng:
        details.append(f"PRNG {found.prng}")
    if found.rounds:
        details.append(f"{found.rounds} tour(s)")
    if found.blank is not None:
        details.append("passe finale à zéro" if found.blank else "sans passe finale à zéro")
    if found.status_raw:
        details.append(f"statut « {found.status_raw.strip()} »")
    if found.bytes_erased is not None:
        details.append(f"{found.bytes_erased} octets effacés")
    if found.throughput:
        details.append(f"débit {found.throughput}")
    return WipeInput(
        technique=claim.technique.value,
        outcome=claim.outcome.value if claim.outcome else None,
        verification=claim.verification.value,
        verification_passed=claim.verification_passed,
        result=claim.result.value,
        pattern=claim.pattern or "",
        passes=claim.passes,
        tool="nwipe",
        tool_version=tool_version,
        started_at=found.started,
        finished_at=found.finished or found.started,
        pass_errors=found.errors.get("pass", 0),
        verify_errors=found.errors.get("verify", 0),
        fsync_errors=found.errors.get("fsync", 0),
        notes=", ".join(details) + ".",
    )


def log_values(drive: Drive, log: WipeLog, found: NwipeDrive) -> WipeInput:
    values = nwipe_input(found, media_kind(drive.kind), log.tool_version)
    if values.finished_at is None:  # log cut before any timestamped progress
        values = replace(values, finished_at=log.uploaded_at)
    return values


# -------------------------------------------------------------- attaching a pending drive


def attach_log_drive(
    log: WipeLog, index: int, tag: str, kind: str, *, actor_id: int | None, now: datetime
) -> WipeRecord:
    """Record an unmatched log drive against a scanned device tag or removed-drive tag."""
    parsed = parse_nwipe_log(log.text).drives
    if not 0 <= index < len(parsed):
        raise NotFound(N_("Ce disque n'existe pas dans le journal."))
    if index in queries.records_of_log(log.id):
        raise InvalidInput(N_("Ce disque du journal est déjà enregistré."))
    found = parsed[index]
    drive = drive_for_tag(tag, found, kind, actor_id=actor_id, now=now)
    values = log_values(drive, log, found)
    try:
        # Two people attaching the same log drive at once: the unique constraint decides.
        with db.session.begin_nested():
            return record_wipe(drive, values, actor_id=actor_id, now=now, source="nwipe",
                               log=log, log_drive_index=index)
    except IntegrityError:
        raise InvalidInput(N_("Ce disque du journal est déjà enregistré.")) from None
