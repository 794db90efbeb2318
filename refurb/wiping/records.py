"""Wipe records: one checked attempt on one drive (passing or not), with an event on the host
device, and the NIST Rev.2 validation of a record by a second person.

Records are append-only: a mistake is corrected by a newer record, and the latest attempt
decides (refurb.core.sanitization.drive_status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.sanitization import PHYSICAL, SanitizationClaim, label_fr
from refurb.core.sanitization.repeats import STATION_WINDOW, Attempt, repeat_of
from refurb.devices.models import Device, Drive
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.wiping import queries
from refurb.wiping.claims import WipeInput, check_consistency, claim_for, media_kind, verdict_of
from refurb.wiping.models import WipeLog, WipeRecord, WipeValidation
from refurb.wiping.status import drive_label, statuses

# A wiping machine's clock may be a little fast: allow for it.
FUTURE_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class MatchOverride:
    """A log entry attached by an admin although it did not match the drive."""

    reason: str
    differences: list[str] = field(default_factory=list)  # French, as shown when refused
    by_id: int | None = None


class AlreadyRecorded(InvalidInput):
    """The same erasure is already recorded (refurb.core.sanitization.repeats): nothing added."""

    def __init__(self, record: WipeRecord, drive: Drive) -> None:
        self.record = record
        super().__init__(N_("%(drive)s : déjà enregistré (effacement n° %(record)s), rien n'a "
                            "changé."), drive=drive_label(drive), record=record.id)


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
    override: MatchOverride | None = None,
    evidence: dict[str, Any] | None = None,
) -> WipeRecord:
    """Check and store one attempt (passing or not), with an event on the host device.
    The same erasure seen twice raises AlreadyRecorded and adds nothing."""
    refuse_repeat(drive, values, source=source, now=now)
    record = new_record(drive, values, actor_id=actor_id, now=now, operator_id=operator_id,
                        source=source, log=log, log_drive_index=log_drive_index,
                        override=override, evidence=evidence)
    db.session.flush()
    history_event(record, drive, actor_id=actor_id, now=now)
    return record


def attempt_of(values: WipeInput | WipeRecord, finished: datetime) -> Attempt:
    method = (values.technique, values.outcome or None, values.verification,
              values.result, values.pattern or "", values.passes)
    return Attempt(method, values.started_at, finished)


def refuse_repeat(drive: Drive, values: WipeInput, *, source: str, now: datetime) -> None:
    """AlreadyRecorded when this drive already has this erasure (same method, same times, or
    at the station the same half-day)."""
    if drive.id is None:
        return
    # Two scans of the same drive at the same moment: the second waits for the first.
    db.session.execute(select(Drive.id).where(Drive.id == drive.id).with_for_update())
    previous = db.session.scalars(select(WipeRecord).where(WipeRecord.drive_id == drive.id))
    new = attempt_of(values, values.finished_at or now)
    window = STATION_WINDOW if source == "station" else timedelta(0)
    repeat = repeat_of(new, ((attempt_of(r, r.finished_at), r) for r in previous), window)
    if repeat is not None:
        raise AlreadyRecorded(repeat, drive)


def new_record(
    drive: Drive,
    values: WipeInput,
    *,
    actor_id: int | None,
    now: datetime,
    operator_id: int | None,
    source: str,
    log: WipeLog | None,
    log_drive_index: int | None,
    override: MatchOverride | None = None,
    evidence: dict[str, Any] | None = None,
) -> WipeRecord:
    """The checked record, added to the session but not flushed (imports flush once)."""
    claim = claim_for(media_kind(drive.kind), values)
    _check(drive, values, claim, source=source, now=now)
    host = drive.device
    record = WipeRecord(
        drive_id=drive.id,
        media_kind=claim.kind.value,
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
        finished_at=values.finished_at or now,
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
        evidence=evidence,
        match_override=override.reason if override else "",
        match_differences=override.differences if override else None,
        override_by_id=override.by_id if override else None,
        created_at=now,
        created_by_id=actor_id,
    )
    db.session.add(record)
    return record


def _check(drive: Drive, values: WipeInput, claim: SanitizationClaim, *, source: str,
           now: datetime) -> None:
    """Refuse a record that could never be true, or that contradicts the drive's history."""
    refusals = check_consistency(claim)
    if refusals:
        raise InvalidInput(N_("%(drive)s : enregistrement refusé."), reasons=refusals,
                           drive=drive_label(drive))
    if min(values.pass_errors, values.verify_errors, values.fsync_errors) < 0:
        raise InvalidInput(N_("Les nombres d'erreurs ne peuvent pas être négatifs."))
    finished = values.finished_at or now
    if values.started_at and values.started_at > finished:
        raise InvalidInput(N_("Le début de l'opération est postérieur à sa fin."))
    if drive.id is None:
        db.session.flush()
    # A log is the truth and is always kept as written (a wiping machine's clock may be wrong);
    # what people type is checked before anyone relies on it.
    if source != "nwipe" and finished > now + FUTURE_MARGIN:
        raise InvalidInput(N_("La date de fin est dans le futur."))
    if (source != "nwipe" and claim.technique not in PHYSICAL
            and statuses([drive])[drive.id].must_destroy):
        raise InvalidInput(
            N_("%(drive)s : l'outil a signalé des erreurs lors d'un effacement précédent ; "
               "seule une destruction physique est acceptée."), drive=drive_label(drive))


def history_event(record: WipeRecord, drive: Drive, *, actor_id: int | None,
                  now: datetime) -> None:
    host = drive.device
    if host is None:
        return
    details = {
        "drive": drive_label(drive),
        "outcome": label_fr(record.outcome),
        "technique": label_fr(record.technique),
        "result": label_fr(record.result),
        "record": record.id,
    }
    if record.match_override:
        details["override"] = record.match_override
        details["differences"] = " ; ".join(record.match_differences or [])
    record_event(host, "wipe_recorded", actor_id=actor_id, now=now, details=details)


def validate_record(
    record: WipeRecord, *, actor_id: int | None, now: datetime, note: str = ""
) -> WipeValidation:
    """NIST Rev.2 validation: someone other than the operator accepts the outcome."""
    if actor_id is None:
        raise InvalidInput(N_("Une validation doit être faite par une personne identifiée."))
    if queries.validation_of(record.id) is not None:
        raise InvalidInput(N_("Cet effacement est déjà validé."))
    if record.operator_id == actor_id:
        raise InvalidInput(
            N_("La validation doit être faite par une autre personne que l'opérateur."))
    verdict = verdict_of(record)
    if not verdict.accepted:
        raise InvalidInput(N_("Un effacement qui ne compte pas ne peut pas être validé."),
                           reasons=verdict.reasons)
    validation = WipeValidation(
        record_id=record.id, validator_id=actor_id, validated_at=now, note=note.strip()
    )
    try:
        with db.session.begin_nested():
            db.session.add(validation)
            db.session.flush()
    except IntegrityError:
        raise InvalidInput(N_("Cet effacement est déjà validé.")) from None
    # Keep the loaded record in step without marking it changed (records are append-only).
    set_committed_value(record, "validation", validation)
    if record.host_device_id is not None:
        host = db.session.get(Device, record.host_device_id)
        record_event(host, "wipe_validated", actor_id=actor_id, now=now,
                     details={"record": record.id})
    return validation
