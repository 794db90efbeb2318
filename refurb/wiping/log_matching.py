"""Which tracked drive an entry of an nwipe log is, and whether the log proves that drive was
erased: by serial number on import, by a scanned tag when someone attaches an entry the import
could not match. Every path (import, web attach, the API) ends in `record_log_entry`, which
compares serial, model, capacity and coverage (refurb.core.sanitization.matching) and refuses
a mismatch unless an admin writes why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from refurb.clock import from_local
from refurb.core.errors import Forbidden, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.nwipe import NwipeDrive
from refurb.core.sanitization import MediaKind, guess_kind, nwipe_to_claim
from refurb.core.sanitization.matching import (
    MIN_OVERRIDE_REASON,
    LoggedDrive,
    MatchCheck,
    TrackedDrive,
    compare,
    normalise_serial,
)
from refurb.devices import queries as device_queries
from refurb.devices.models import Drive
from refurb.wiping import queries
from refurb.wiping.claims import WipeInput, media_kind
from refurb.wiping.drives import NewDrive, add_drive
from refurb.wiping.models import WipeLog, WipeRecord
from refurb.wiping.records import MatchOverride, record_wipe
from refurb.wiping.status import drive_label


@dataclass(frozen=True)
class Actor:
    """Who attaches a log entry: an override needs an admin."""

    id: int | None
    is_admin: bool = False


class MatchRefused(InvalidInput):
    """The log entry is not (provably) about this drive; `differences` says why."""

    def __init__(self, drive: Drive, differences: list[Message]) -> None:
        self.differences = differences
        super().__init__(
            N_("Rattachement refusé : ce disque du journal ne correspond pas au support "
               "%(drive)s."),
            reasons=[*differences, Message(N_("Si vous êtes sûr qu'il s'agit bien de ce "
                                              "support, un administrateur peut forcer le "
                                              "rattachement en écrivant pourquoi."))],
            drive=drive_label(drive))


# ------------------------------------------------------------------------ the comparison


def logged_facts(found: NwipeDrive) -> LoggedDrive:
    method = " ".join((found.method or "").split()).lower()
    return LoggedDrive(
        serial=found.serial, serial_masked=found.serial_masked, model=found.model,
        size_bytes=found.size_bytes, size_exact=found.size_exact,
        bytes_erased=found.bytes_erased,
        overwrite=not found.verification_only and not method.startswith(
            ("secure erase", "sanitize crypto", "sanitize block")),
        claims_success=found.status == "erased")


def tracked_facts(drive: Drive) -> TrackedDrive:
    return TrackedDrive(serial=drive.serial, model=drive.model,
                        capacity_bytes=drive.capacity_bytes)


def check_match(found: NwipeDrive, drive: Drive) -> MatchCheck:
    return compare(logged_facts(found), tracked_facts(drive))


# ---------------------------------------------------------------- recording a log entry


def record_log_entry(
    found: NwipeDrive,
    drive: Drive,
    *,
    actor: Actor,
    now: datetime,
    log: WipeLog | None = None,
    log_drive_index: int | None = None,
    tool_version: str = "",
    override_reason: str | None = None,
) -> WipeRecord:
    """Record what the log entry `found` says of `drive`, if the log is about that drive.

    A mismatch is refused with every difference named; with `override_reason` (a sentence)
    and an admin as `actor`, it is recorded anyway and the override stays on the record, in
    the device's history and on the certificate.
    """
    check = check_match(found, drive)
    override = None
    if not check.matches:
        override = _override(drive, check, actor, override_reason)
    _complete_drive(drive, found)
    values = log_values(drive, found, tool_version=log.tool_version if log else tool_version,
                        fallback_time=log.uploaded_at if log else now)
    return record_wipe(drive, values, actor_id=actor.id, now=now, operator_id=None,
                       source="nwipe", log=log, log_drive_index=log_drive_index,
                       override=override, evidence=evidence_of(found))


def _override(drive: Drive, check: MatchCheck, actor: Actor,
              reason: str | None) -> MatchOverride:
    reason = " ".join((reason or "").split())
    if not reason:
        raise MatchRefused(drive, check.differences)
    if not actor.is_admin or actor.id is None:
        raise Forbidden(N_("Seul un administrateur peut forcer le rattachement d'un journal qui "
                           "ne correspond pas au support."), reasons=check.differences)
    if len(reason) < MIN_OVERRIDE_REASON:
        raise InvalidInput(N_("Expliquez en une phrase pourquoi ce journal concerne bien ce "
                              "support (%(min)s caractères au moins)."),
                           min=MIN_OVERRIDE_REASON)
    return MatchOverride(reason=reason[:1000], differences=[str(d) for d in check.differences],
                         by_id=actor.id)


def _complete_drive(drive: Drive, found: NwipeDrive) -> None:
    """What the tracked drive did not know and the log tells for sure."""
    serial = "" if found.serial_masked else (found.serial or "").strip()
    if serial and not drive.serial:
        drive.serial = serial[:120]
    if found.size_exact and found.size_bytes and not drive.capacity_bytes:
        drive.capacity_bytes = found.size_bytes


def evidence_of(found: NwipeDrive) -> dict[str, Any]:
    """The nwipe facts a certificate states, kept with the record (JSON)."""
    return {
        "device": found.device, "model": found.model, "serial": found.serial,
        "bus": found.bus, "device_size": found.size_bytes, "size_exact": found.size_exact,
        "bytes_erased": found.bytes_erased, "method": found.method, "rounds": found.rounds,
        "prng": found.prng, "verify": found.verify, "verified": found.verified,
        "blank": found.blank, "throughput": found.throughput,
        "throughput_bytes_per_s": found.throughput_bytes_per_s, "elapsed": found.elapsed,
        "hpa_dco": found.hpa_dco, "status": (found.status_raw or found.status).strip(),
    }


def nwipe_input(found: NwipeDrive, kind: MediaKind, tool_version: str) -> WipeInput:
    claim = nwipe_to_claim(found, kind)
    details = [f"Méthode nwipe : {' '.join((found.method or '?').split())}",
               f"périphérique {found.device}"]
    if found.status_raw:
        details.append(f"statut « {found.status_raw.strip()} »")
    # nwipe writes the wiping machine's local time: stored as UTC like every other time.
    started = from_local(found.started) if found.started else None
    finished = from_local(found.finished) if found.finished else None
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
        started_at=started,
        finished_at=finished or started,
        pass_errors=found.errors.get("pass", 0),
        verify_errors=found.errors.get("verify", 0),
        fsync_errors=found.errors.get("fsync", 0),
        notes=", ".join(details) + ".",
    )


def log_values(drive: Drive, found: NwipeDrive, *, tool_version: str,
               fallback_time: datetime) -> WipeInput:
    values = nwipe_input(found, media_kind(drive.kind), tool_version)
    if values.finished_at is None:  # log cut before any timestamped progress
        values = replace(values, finished_at=fallback_time)
    return values


# ------------------------------------------------------------- finding the tracked drive


def inventory_by_serial(found: Iterable[NwipeDrive]) -> dict[str, list[Drive]]:
    """Inventory drives whose serial is one of the log's, in one query."""
    return queries.drives_by_serial((d.serial or "").strip() for d in found)


def match_by_serial(found: NwipeDrive,
                    inventory: dict[str, list[Drive]]) -> tuple[Drive | None, Message | None]:
    """(the drive, None) when exactly one inventory drive has the log's serial, else
    (None, why not)."""
    serial = (found.serial or "").strip()
    candidates = inventory.get(serial, []) if serial and not found.serial_masked else []
    if len(candidates) == 1:
        return candidates[0], None
    reason = (
        N_("n° de série masqué (option --quiet)") if found.serial_masked
        else N_("pas de n° de série dans le journal") if not serial
        else N_("aucun support de l'inventaire n'a ce n° de série") if not candidates
        else N_("plusieurs supports de l'inventaire ont ce n° de série")
    )
    return None, Message(reason)


def drive_for_tag(tag: str, found: NwipeDrive, kind: str | None, *, actor_id: int | None,
                  now: datetime) -> Drive:
    """The drive a scanned tag names for this log entry: a removed drive's own tag, the
    device's drive with the log's serial, its only drive (the comparison then decides), or
    a drive created from the log when the device has none yet."""
    drive = device_queries.get_drive_by_tag(tag)
    if drive is not None:
        return drive
    device = device_queries.get_device_by_tag(tag)
    if device is None:
        raise InvalidInput(N_("Numéro d'inventaire inconnu : %(tag)s"), tag=tag.strip()[:40])
    drives = list(device.drives)
    serial = "" if found.serial_masked else normalise_serial(found.serial)
    same = [d for d in drives if serial and normalise_serial(d.serial) == serial]
    if same:
        return same[0]
    if len(drives) == 1:
        return drives[0]
    if drives:
        raise InvalidInput(
            N_("%(tag)s a plusieurs supports et aucun n'a le n° de série du journal : "
               "scannez l'étiquette du support ou enregistrez l'effacement depuis sa page."),
            tag=device.asset_tag)
    guessed = kind or guess_kind(found).value
    return add_drive(
        device,
        NewDrive(model=found.model or "", serial=None if found.serial_masked else found.serial,
                 capacity_bytes=found.size_bytes, kind=guessed),
        actor_id=actor_id,
        now=now,
    )

