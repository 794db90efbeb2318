"""Use cases of data sanitization: drives in and out of devices, wipe records (manual, nwipe
import, wiping station), validations, and the lifecycle guard of invariant 1.

Records are append-only: a mistake is corrected by a newer record, and the latest attempt
decides (refurb.core.sanitization.drive_status).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from refurb.core.errors import DomainError, InvalidInput, NotFound
from refurb.core.lifecycle import LEAVING_STATES, TRANSITIONS, State
from refurb.core.nwipe import NwipeDrive, parse_nwipe_log
from refurb.core.sanitization import (
    PHYSICAL,
    DriveSanitizationStatus,
    MediaKind,
    Outcome,
    RecordFacts,
    Result,
    SanitizationClaim,
    Technique,
    Verification,
    check_claim,
    drive_status,
    label_fr,
    nwipe_to_claim,
)
from refurb.devices import queries as device_queries
from refurb.devices.event_words import register_event_words
from refurb.devices.models import Device, Drive
from refurb.devices.services import allocate_tags, record_event, register_facts_provider
from refurb.extensions import db
from refurb.wiping import queries
from refurb.wiping.models import DriveRemoval, WipeLog, WipeRecord, WipeValidation

MAX_LOG_BYTES = 5 * 1024 * 1024
# nwipe writes the wiping machine's local time: allow for time zones and slightly fast clocks.
FUTURE_MARGIN = timedelta(days=1)


# ---------------------------------------------------------------- status (invariant 1)


def record_facts(record: WipeRecord) -> RecordFacts:
    return RecordFacts(
        technique=Technique(record.technique),
        outcome=Outcome(record.outcome) if record.outcome else None,
        result=Result(record.result),
        error_count=record.error_count,
        verification_passed=record.verification_passed,
        finished_at=record.finished_at,
        validated=record.validation is not None,
    )


def status_of(records: Iterable[WipeRecord]) -> DriveSanitizationStatus:
    return drive_status(record_facts(r) for r in records)


def statuses(drives: Iterable[Drive]) -> dict[int, DriveSanitizationStatus]:
    """Sanitization status of each drive, in one query."""
    drives = list(drives)
    grouped = queries.records_by_drive(d.id for d in drives)
    return {d.id: status_of(grouped.get(d.id, ())) for d in drives}


def drive_label(drive: Drive) -> str:
    """How a person finds the drive: model, serial, own tag when it has one."""
    name = drive.model or label_fr(drive.kind)
    serial = f"S/N {drive.serial}" if drive.serial else "sans n° de série"
    tag = f", {drive.asset_tag}" if drive.asset_tag else ""
    return f"{name} ({serial}{tag})"


def blocking_line(drive: Drive, status: DriveSanitizationStatus) -> str:
    return f"{drive_label(drive)} : {' ; '.join(status.reasons) or 'aucun effacement valable'}"


def unsanitized_lines_for_drives(drives: Iterable[Drive]) -> tuple[str, ...]:
    """One French line per drive lacking a passing record (model, serial, why)."""
    drives = list(drives)
    if not drives:
        return ()
    by_drive = statuses(drives)
    return tuple(blocking_line(d, by_drive[d.id]) for d in drives if not by_drive[d.id].passing)


def unsanitized_drive_lines(device: Device) -> tuple[str, ...]:
    """The guard's facts for `device` (drives it holds now; removed ones are on their own)."""
    return unsanitized_lines_for_drives(device.drives)


def drive_is_sanitized(drive: Drive) -> bool:
    """For other domains (WEEE): a removed drive leaves only with a passing record too."""
    return statuses([drive])[drive.id].passing


def sanitization_facts(device: Device) -> dict:
    # Only leaving states are guarded: skip the query when none is one step away.
    if not TRANSITIONS[State(device.state)] & LEAVING_STATES:
        return {}
    return {"unsanitized_drives": unsanitized_drive_lines(device)}


register_facts_provider(sanitization_facts)


register_event_words(
    kinds={"wipe_recorded": "Effacement enregistré", "wipe_validated": "Effacement validé",
           "drive_added": "Support de stockage ajouté",
           "drive_removed": "Support de stockage retiré"},
    details={"drive": "Support", "outcome": "Niveau NIST", "technique": "Technique",
             "result": "Résultat", "record": "Enregistrement n°", "tag": "N° d'inventaire",
             "media": "Type de support"},
)


# ----------------------------------------------------------------------- drives


@dataclass(frozen=True)
class NewDrive:
    model: str = ""
    serial: str | None = None
    capacity_bytes: int | None = None
    kind: str = MediaKind.OTHER.value


def _media_kind(value: str) -> MediaKind:
    try:
        return MediaKind(value)
    except ValueError:
        raise InvalidInput(f"Type de support inconnu : {value}") from None


def add_drive(device: Device, values: NewDrive, *, actor_id: int | None, now: datetime) -> Drive:
    kind = _media_kind(values.kind)
    if values.capacity_bytes is not None and values.capacity_bytes <= 0:
        raise InvalidInput("La capacité doit être positive.")
    drive = Drive(
        device=device,
        model=values.model.strip()[:120],
        serial=(values.serial or "").strip()[:120] or None,
        capacity_bytes=values.capacity_bytes,
        kind=kind.value,
        created_at=now,
    )
    db.session.add(drive)
    db.session.flush()
    record_event(device, "drive_added", actor_id=actor_id, now=now,
                 details={"drive": drive_label(drive), "media": label_fr(kind)})
    return drive


def remove_drive(
    drive: Drive, *, prefix: str, destination: str, actor_id: int | None, now: datetime
) -> DriveRemoval:
    """Take a drive out of its host: it gets its own tag and is scanned like a device."""
    device = drive.device
    if device is None:
        raise InvalidInput(f"{drive_label(drive)} n'est dans aucun appareil.")
    tag = drive.asset_tag or allocate_tags(prefix, now.year, 1)[0]
    removal = DriveRemoval(
        drive_id=drive.id,
        device_id=device.id,
        asset_tag=tag,
        destination=destination.strip()[:200],
        removed_at=now,
        removed_by_id=actor_id,
    )
    drive.asset_tag = tag
    drive.device = None
    db.session.add(removal)
    db.session.flush()
    record_event(device, "drive_removed", actor_id=actor_id, now=now,
                 reason=removal.destination,
                 details={"drive": drive_label(drive), "tag": tag})
    return removal


# ----------------------------------------------------------------- wipe records


@dataclass(frozen=True)
class WipeInput:
    """What was done to a drive, as plain values (from a form, a log or the station)."""

    technique: str
    outcome: str | None
    verification: str = Verification.NONE.value
    verification_passed: bool | None = None
    result: str = Result.PASSED.value
    pattern: str = ""
    passes: int | None = None
    tool: str = ""
    tool_version: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    pass_errors: int = 0
    verify_errors: int = 0
    fsync_errors: int = 0
    notes: str = ""


def _enum(cls, value, label: str):
    try:
        return cls(value)
    except ValueError:
        raise InvalidInput(f"{label} inconnu(e) : {value}") from None


def claim_for(kind: MediaKind, values: WipeInput) -> SanitizationClaim:
    technique = _enum(Technique, values.technique, "Technique")
    outcome = None
    if technique is not Technique.VERIFY_ONLY and values.outcome:
        outcome = _enum(Outcome, values.outcome, "Niveau NIST")
    verification = _enum(Verification, values.verification, "Vérification")
    return SanitizationClaim(
        kind=kind,
        technique=technique,
        outcome=outcome,
        verification=verification,
        verification_passed=(
            None if verification is Verification.NONE and technique is not Technique.VERIFY_ONLY
            else values.verification_passed
        ),
        result=_enum(Result, values.result, "Résultat"),
        error_count=values.pass_errors + values.verify_errors + values.fsync_errors,
        passes=values.passes,
        pattern=values.pattern or None,
    )


def check_consistency(claim: SanitizationClaim) -> list[str]:
    """Refusals about what is claimed (outcome vs technique vs media), whatever the result.

    A failed or aborted attempt is still recorded (it is history, and errors mean the drive
    must be destroyed); a claim that could never be true is not.
    """
    if claim.technique is Technique.VERIFY_ONLY:
        return []
    as_if_passed = replace(claim, result=Result.PASSED, error_count=0, verification_passed=None)
    verdict = check_claim(as_if_passed)
    return [] if verdict.accepted else verdict.reasons


def record_wipe(
    drive: Drive,
    values: WipeInput,
    *,
    actor_id: int | None,
    now: datetime,
    operator_id: int | None = None,
    source: str = "manual",
    log: WipeLog | None = None,
    log_drive_index: int | None = None,
) -> WipeRecord:
    """Check and store one attempt (passing or not), with an event on the host device."""
    record = _new_record(drive, values, actor_id=actor_id, now=now, operator_id=operator_id,
                         source=source, log=log, log_drive_index=log_drive_index)
    db.session.flush()
    _history_event(record, drive, actor_id=actor_id, now=now)
    return record


def _new_record(
    drive: Drive,
    values: WipeInput,
    *,
    actor_id: int | None,
    now: datetime,
    operator_id: int | None,
    source: str,
    log: WipeLog | None,
    log_drive_index: int | None,
) -> WipeRecord:
    """The checked record, added to the session but not flushed (imports flush once)."""
    kind = _media_kind(drive.kind)
    claim = claim_for(kind, values)
    refusals = check_consistency(claim)
    if refusals:
        raise InvalidInput(f"{drive_label(drive)} : enregistrement refusé.", reasons=refusals)
    if min(values.pass_errors, values.verify_errors, values.fsync_errors) < 0:
        raise InvalidInput("Les nombres d'erreurs ne peuvent pas être négatifs.")
    finished = values.finished_at or now
    if values.started_at and values.started_at > finished:
        raise InvalidInput("Le début de l'opération est postérieur à sa fin.")
    if drive.id is None:
        db.session.flush()
    # A log is the truth and is always kept as written (a wiping machine's clock may be wrong);
    # what people type is checked before anyone relies on it.
    if source != "nwipe" and finished > now + FUTURE_MARGIN:
        raise InvalidInput("La date de fin est dans le futur.")
    if (source != "nwipe" and claim.technique not in PHYSICAL
            and statuses([drive])[drive.id].must_destroy):
        raise InvalidInput(
            f"{drive_label(drive)} : l'outil a signalé des erreurs lors d'un effacement "
            "précédent ; seule une destruction physique est acceptée."
        )
    host = drive.device
    record = WipeRecord(
        drive_id=drive.id,
        media_kind=kind.value,
        outcome=claim.outcome.value if claim.outcome else None,
        technique=claim.technique.value,
        pattern=(values.pattern or "")[:120],
        passes=values.passes,
        tool=values.tool.strip()[:80],
        tool_version=values.tool_version.strip()[:40],
        verification=claim.verification.value,
        verification_passed=claim.verification_passed,
        result=claim.result.value,
        started_at=values.started_at,
        finished_at=finished,
        pass_errors=values.pass_errors,
        verify_errors=values.verify_errors,
        fsync_errors=values.fsync_errors,
        operator_id=operator_id if operator_id is not None else actor_id,
        host_device_id=host.id if host else None,
        host_asset_tag=host.asset_tag if host else "",
        source=source,
        log_id=log.id if log else None,
        log_drive_index=log_drive_index,
        notes=values.notes.strip(),
        created_at=now,
        created_by_id=actor_id,
    )
    db.session.add(record)
    return record


def _history_event(record: WipeRecord, drive: Drive, *, actor_id: int | None,
                   now: datetime) -> None:
    host = drive.device
    if host is None:
        return
    record_event(host, "wipe_recorded", actor_id=actor_id, now=now, details={
        "drive": drive_label(drive),
        "outcome": label_fr(record.outcome),
        "technique": label_fr(record.technique),
        "result": label_fr(record.result),
        "record": record.id,
    })


def validate_record(
    record: WipeRecord, *, actor_id: int | None, now: datetime, note: str = ""
) -> WipeValidation:
    """NIST Rev.2 validation: someone other than the operator accepts the outcome."""
    if actor_id is None:
        raise InvalidInput("Une validation doit être faite par une personne identifiée.")
    if queries.validation_of(record.id) is not None:
        raise InvalidInput("Cet effacement est déjà validé.")
    if record.operator_id == actor_id:
        raise InvalidInput(
            "La validation doit être faite par une autre personne que l'opérateur."
        )
    verdict = check_claim(claim_for(MediaKind(record.media_kind), _input_of(record)))
    if not verdict.accepted:
        raise InvalidInput("Un effacement qui ne compte pas ne peut pas être validé.",
                           reasons=verdict.reasons)
    validation = WipeValidation(
        record_id=record.id, validator_id=actor_id, validated_at=now, note=note.strip()
    )
    try:
        with db.session.begin_nested():
            db.session.add(validation)
            db.session.flush()
    except IntegrityError:
        raise InvalidInput("Cet effacement est déjà validé.") from None
    # Keep the loaded record in step without marking it changed (records are append-only).
    set_committed_value(record, "validation", validation)
    if record.host_device_id is not None:
        host = db.session.get(Device, record.host_device_id)
        record_event(host, "wipe_validated", actor_id=actor_id, now=now,
                     details={"record": record.id})
    return validation


def _input_of(record: WipeRecord) -> WipeInput:
    return WipeInput(
        technique=record.technique,
        outcome=record.outcome,
        verification=record.verification,
        verification_passed=record.verification_passed,
        result=record.result,
        passes=record.passes,
        pattern=record.pattern,
        pass_errors=record.pass_errors,
        verify_errors=record.verify_errors,
        fsync_errors=record.fsync_errors,
    )


# ------------------------------------------------------------------- nwipe import


@dataclass
class PendingDrive:
    """A drive of a log not recorded yet, and why."""

    index: int
    drive: NwipeDrive
    reason: str


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


def normalise_serial(serial: str | None) -> str | None:
    return (serial or "").strip() or None


def import_nwipe_log(
    filename: str, data: bytes, *, actor_id: int | None, now: datetime
) -> ImportOutcome:
    """Store the log (once per SHA-256), then record every drive matched by serial."""
    if not data:
        raise InvalidInput(f"{filename} : fichier vide.")
    if len(data) > MAX_LOG_BYTES:
        raise InvalidInput(f"{filename} : fichier trop volumineux pour un journal nwipe.")
    digest = sha256_of(data)
    existing = queries.get_log_by_sha(digest)
    if existing is not None:
        return ImportOutcome(existing, created=False)
    text = decode_log(data)
    parsed = parse_nwipe_log(text)
    if not parsed.drives:
        raise InvalidInput(f"{filename} : aucun disque trouvé dans ce journal.",
                           reasons=parsed.warnings[:5])
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
    except IntegrityError:  # the same file, imported at the same moment by someone else
        return ImportOutcome(queries.get_log_by_sha(digest), created=False)
    outcome = ImportOutcome(log, created=True, warnings=list(parsed.warnings))
    inventory = queries.drives_by_serial(normalise_serial(d.serial) for d in parsed.drives)
    prepared: list[tuple[Drive, WipeRecord]] = []
    for index, found in enumerate(parsed.drives):
        serial = normalise_serial(found.serial)
        candidates = inventory.get(serial, []) if serial else []
        if len(candidates) != 1:
            reason = (
                "n° de série masqué (option --quiet)" if found.serial_masked
                else "pas de n° de série dans le journal" if not serial
                else "aucun support de l'inventaire n'a ce n° de série" if not candidates
                else "plusieurs supports de l'inventaire ont ce n° de série"
            )
            outcome.pending.append(PendingDrive(index, found, reason))
            continue
        drive = candidates[0]
        try:
            record = _new_record(drive, _log_values(drive, log, found), actor_id=actor_id,
                                 now=now, operator_id=None, source="nwipe", log=log,
                                 log_drive_index=index)
        except InvalidInput as error:
            outcome.pending.append(PendingDrive(index, found,
                                                " ".join([error.message, *error.reasons])))
            continue
        prepared.append((drive, record))
    db.session.flush()  # one flush for every record of the log
    for drive, record in prepared:
        _history_event(record, drive, actor_id=actor_id, now=now)
    outcome.recorded = [record for _, record in prepared]
    return outcome


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


def _log_values(drive: Drive, log: WipeLog, found: NwipeDrive) -> WipeInput:
    values = nwipe_input(found, _media_kind(drive.kind), log.tool_version)
    if values.finished_at is None:  # log cut before any timestamped progress
        values = replace(values, finished_at=log.uploaded_at)
    return values


def _record_from_log(
    drive: Drive, log: WipeLog, index: int, found: NwipeDrive, *, actor_id, now
) -> WipeRecord:
    values = _log_values(drive, log, found)
    try:
        # Two people attaching the same log drive at once: the unique constraint decides.
        with db.session.begin_nested():
            return record_wipe(drive, values, actor_id=actor_id, now=now, source="nwipe",
                               log=log, log_drive_index=index)
    except IntegrityError:
        raise InvalidInput("Ce disque du journal est déjà enregistré.") from None


def guess_kind(found: NwipeDrive) -> MediaKind:
    device = found.device or ""
    bus = (found.bus or "").upper()
    if bus == "NVME" or "/nvme" in device:
        return MediaKind.NVME
    if bus == "MMC" or "/mmcblk" in device:
        return MediaKind.EMMC
    if found.is_ssd:
        return MediaKind.SSD
    if found.is_ssd is False:
        return MediaKind.HDD
    return MediaKind.OTHER


@dataclass
class LogDrive:
    """One drive of a stored log, with its record when it has one."""

    index: int
    drive: NwipeDrive
    record: WipeRecord | None
    guessed_kind: MediaKind


def log_drives(log: WipeLog) -> list[LogDrive]:
    parsed = parse_nwipe_log(log.text)
    recorded = queries.records_of_log(log.id)
    return [LogDrive(i, d, recorded.get(i), guess_kind(d)) for i, d in enumerate(parsed.drives)]


def attach_log_drive(
    log: WipeLog, index: int, tag: str, kind: str, *, actor_id: int | None, now: datetime
) -> WipeRecord:
    """Record an unmatched log drive against a scanned device tag or removed-drive tag."""
    parsed = parse_nwipe_log(log.text).drives
    if not 0 <= index < len(parsed):
        raise NotFound("Ce disque n'existe pas dans le journal.")
    if index in queries.records_of_log(log.id):
        raise InvalidInput("Ce disque du journal est déjà enregistré.")
    found = parsed[index]
    serial = normalise_serial(found.serial)
    drive = _target_drive(tag, found, serial, kind, actor_id=actor_id, now=now)
    return _record_from_log(drive, log, index, found, actor_id=actor_id, now=now)


def _target_drive(tag, found: NwipeDrive, serial, kind, *, actor_id, now) -> Drive:
    drive = device_queries.get_drive_by_tag(tag)
    if drive is not None:
        if drive.serial and serial and drive.serial.strip() != serial:
            raise InvalidInput(
                f"Le n° de série du journal ({serial}) ne correspond pas à celui du support "
                f"{drive.asset_tag} ({drive.serial})."
            )
        if not drive.serial and serial:
            drive.serial = serial
        return drive
    device = device_queries.get_device_by_tag(tag)
    if device is None:
        raise InvalidInput(f"Numéro d'inventaire inconnu : {tag.strip()[:40]}")
    if serial:
        same = [d for d in device.drives if normalise_serial(d.serial) == serial]
        if same:
            return same[0]
    else:
        if len(device.drives) == 1:
            return device.drives[0]
        if device.drives:
            raise InvalidInput(
                f"{device.asset_tag} a plusieurs supports et le journal ne donne pas de n° de "
                "série : enregistrez l'effacement depuis la page du support."
            )
    return add_drive(
        device,
        NewDrive(model=found.model or "", serial=serial, capacity_bytes=found.size_bytes,
                 kind=kind or guess_kind(found).value),
        actor_id=actor_id,
        now=now,
    )


# --------------------------------------------------------------- wiping station


def station_record(
    tag: str, values: WipeInput, *, actor_id: int | None, now: datetime
) -> tuple[list[WipeRecord], str]:
    """One scan at the wiping station: the chosen method, for every drive behind the tag."""
    device = device_queries.get_device_by_tag(tag)
    if device is not None:
        drives = list(device.drives)
        if not drives:
            raise InvalidInput(
                f"{device.asset_tag} : aucun support de stockage enregistré ; "
                "ajoutez-le depuis la page de l'appareil."
            )
        name = device.asset_tag
    else:
        drive = device_queries.get_drive_by_tag(tag)
        if drive is None:
            raise InvalidInput(f"Numéro d'inventaire inconnu : {tag.strip()[:40]}")
        drives, name = [drive], drive.asset_tag
    records = [
        record_wipe(d, values, actor_id=actor_id, now=now, source="station") for d in drives
    ]
    blocked = unsanitized_lines_for_drives(drives)
    if blocked:
        message = f"{name} : {len(records)} effacement(s) enregistré(s), encore bloquant : " + (
            " ; ".join(blocked))
    else:
        message = f"{name} : {len(records)} effacement(s) enregistré(s), supports en règle."
    return records, message


# ------------------------------------------------------------------------- demo


def demo_wipe_hook(device: Device, target, actor_id: int | None, when: datetime) -> None:
    """Demo data: a verified overwrite for every drive of a device about to be READY."""
    if State(target) is not State.READY:
        return
    drives = list(device.drives)
    if not drives:
        return
    db.session.flush()
    current = statuses(drives)
    for drive in drives:
        if current[drive.id].passing:
            continue
        record_wipe(
            drive,
            WipeInput(
                technique=Technique.OVERWRITE.value,
                outcome=Outcome.CLEAR.value,
                verification=Verification.LAST_PASS.value,
                verification_passed=True,
                pattern="0x00",
                passes=1,
                tool="nwipe",
                tool_version="0.34",
                started_at=when - timedelta(hours=1),
                finished_at=when - timedelta(minutes=5),
            ),
            actor_id=actor_id,
            now=when,
            source="station",
        )


def _register_demo_hook() -> None:
    from refurb import demo

    if demo_wipe_hook not in demo.DEMO_STEP_HOOKS:
        demo.DEMO_STEP_HOOKS.append(demo_wipe_hook)


_register_demo_hook()


# ------------------------------------------------------------- pages (read side)


@dataclass
class DriveRow:
    """A drive with its sanitization status, as pages show it."""

    drive: Drive
    status: DriveSanitizationStatus
    last: WipeRecord | None

    @property
    def label(self) -> str:
        return drive_label(self.drive)

    @property
    def status_text(self) -> str:
        if self.status.passing:
            validated = " (validé)" if self.status.validated else ""
            return f"En règle : {label_fr(self.status.best_outcome)}{validated}"
        return "Bloquant : " + " ; ".join(self.status.reasons)


def drive_rows(drives: Iterable[Drive]) -> list[DriveRow]:
    drives = list(drives)
    grouped = queries.records_by_drive(d.id for d in drives)
    return [
        DriveRow(d, status_of(grouped.get(d.id, ())), (grouped.get(d.id) or [None])[-1])
        for d in drives
    ]


def device_overview(device: Device, *, can_change: bool) -> dict:
    """Ready data for the wiping panel of the device page."""
    rows = drive_rows(device.drives)
    removed = drive_rows(queries.removed_from_device(device.id))
    return {
        "rows": rows,
        "removed": removed,
        "blocking": [r for r in rows if not r.status.passing],
        "certificates": queries.certificate_versions(f"device:{device.id}"),
        "can_change": can_change,
        "can_certify": can_change and bool(rows or removed)
        and all(r.status.passing for r in rows + removed),
    }


def drive_overview(drive: Drive) -> dict:
    records = queries.records_by_drive([drive.id], people=True).get(drive.id, [])
    removal = queries.removals_by_drive([drive.id]).get(drive.id)
    return {
        "drive": drive,
        "row": DriveRow(drive, status_of(records), records[-1] if records else None),
        "records": list(reversed(records)),
        "removal": removal,
    }


def record_overview(record: WipeRecord, *, viewer_id: int | None, can_change: bool) -> dict:
    verdict = check_claim(claim_for(MediaKind(record.media_kind), _input_of(record)))
    return {
        "record": record,
        "verdict": verdict,
        "can_validate": (can_change and verdict.accepted and record.validation is None
                         and viewer_id is not None and viewer_id != record.operator_id),
    }


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


def drive_stocks():
    from refurb.printing import list_stocks

    return [s for s in list_stocks() if "drive" in s.usage]


def drive_label_pdf(drive: Drive, stock_id: str | None) -> bytes:
    """A label for a removed drive, on a drive label stock (first one by default)."""
    from refurb.printing import LabelData, LabelError, load_stock, render_pdf

    if not drive.asset_tag:
        raise InvalidInput("Ce support n'a pas d'étiquette : retirez-le d'abord de l'appareil.")
    stocks = {s.id: s for s in drive_stocks()}
    if not stocks:
        raise InvalidInput("Aucun support d'étiquettes pour disques n'est défini.")
    try:
        stock = stocks.get(stock_id or "") or load_stock(next(iter(stocks)))
        facts = " · ".join(p for p in (drive.model, label_fr(drive.kind),
                                       f"S/N {drive.serial}" if drive.serial else "") if p)
        return render_pdf(stock, [LabelData(tag=drive.asset_tag, facts_line=facts,
                                            kind="drive")])
    except LabelError as error:
        raise InvalidInput(str(error)) from None
