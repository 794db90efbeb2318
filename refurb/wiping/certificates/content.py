"""What an erasure certificate states: one entry per drive with the fields of the NIST SP
800-88 sample certificate and the facts nwipe reported (hidden areas, bytes erased against the
device's size, rounds, PRNG, throughput), the people involved (who erased, who validated and
when), the donor; plain JSON-able data (the payload hashed and printed on the PDF). Times are
stated in the workshop's time zone."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from refurb.clock import format_local
from refurb.core.lifecycle import State
from refurb.core.sanitization import PHYSICAL, Outcome, Technique, label_fr
from refurb.core.sanitization.matching import format_bytes
from refurb.devices.models import Drive
from refurb.intake.models import Collection
from refurb.wiping.certificates.issuer import Issuer
from refurb.wiping.models import DriveRemoval, WipeRecord
from refurb.wiping.status import drive_label, status_of

WASTE_STATES = {State.TO_DISPOSE.value, State.DISPOSED.value, State.PARTS.value}

# Manufacturer from the model string, as drives report it (ATA model strings rarely name the
# maker in full). Checked in order: the first matching prefix wins.
MAKERS = (
    ("WDC", "Western Digital"), ("WD", "Western Digital"), ("WESTERN DIGITAL", "Western Digital"),
    ("ST", "Seagate"), ("SEAGATE", "Seagate"), ("HGST", "HGST"), ("HITACHI", "Hitachi"),
    ("HTS", "Hitachi"), ("HDS", "Hitachi"), ("TOSHIBA", "Toshiba"), ("KIOXIA", "Kioxia"),
    ("SAMSUNG", "Samsung"), ("MZ", "Samsung"), ("CT", "Crucial"), ("CRUCIAL", "Crucial"),
    ("MICRON", "Micron"), ("MTFD", "Micron"), ("INTEL", "Intel"), ("SSDSC", "Intel"),
    ("KINGSTON", "Kingston"), ("SANDISK", "SanDisk"), ("SK HYNIX", "SK hynix"),
    ("HFS", "SK hynix"), ("LITEON", "Lite-On"), ("LITE-ON", "Lite-On"), ("PLEXTOR", "Plextor"),
    ("ADATA", "ADATA"), ("MAXTOR", "Maxtor"), ("FUJITSU", "Fujitsu"), ("MHV", "Fujitsu"),
    ("LENOVO", "Lenovo"), ("DELL", "Dell"), ("HP", "HP"), ("APPLE", "Apple"),
    ("TRANSCEND", "Transcend"), ("PNY", "PNY"), ("CORSAIR", "Corsair"), ("OCZ", "OCZ"),
)


def guess_maker(model: str | None) -> str:
    text = (model or "").strip().upper()
    for prefix, maker in MAKERS:
        if text.startswith(prefix):
            return maker
    first = (model or "").split()
    return first[0] if len(first) > 1 else ""


def format_capacity(value: int | None) -> str:
    if not value:
        return ""
    for unit, size in (("To", 10**12), ("Go", 10**9), ("Mo", 10**6)):
        if value >= size:
            return f"{value / size:.0f} {unit}" if value % size == 0 else f"{value / size:.1f} {unit}"
    return f"{value} o"


def format_date(value: datetime | None) -> str:
    return format_local(value, "%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    return format_local(value, "%d/%m/%Y %H:%M")


HPA_DCO = {"absent": "aucune zone cachée", "detected": "zones cachées détectées",
           "unknown": "indéterminé (pont USB sans transmission ATA)",
           "not_applicable": "sans objet pour ce support"}
VERIFY_MODES = {"off": "aucune", "last": "dernière passe", "all": "toutes les passes"}


def evidence_lines(record: WipeRecord) -> dict[str, str] | None:
    """What the tool reported beyond the claim, as the certificate prints it."""
    facts = record.evidence
    if not facts:
        return None
    size, erased = facts.get("device_size"), facts.get("bytes_erased")
    if erased is not None and size:
        coverage = f"{format_bytes(erased)} sur {format_bytes(size)}"
        if erased >= size:
            coverage += " (tout le périphérique)"
    else:
        coverage = format_bytes(erased) if erased is not None else "non indiqué"
    blank = {True: "avec passe finale à zéro", False: "sans passe finale à zéro"}.get(
        facts.get("blank"), "")
    rounds = facts.get("rounds")
    return {
        "coverage": coverage,
        "device_size": format_bytes(size) if size else "non indiqué",
        "hpa_dco": HPA_DCO.get(facts.get("hpa_dco") or "", "non signalé par le journal"),
        "rounds": f"{rounds} tour(s)" if rounds else "",
        "prng": facts.get("prng") or "",
        "blank": blank,
        "verify_mode": VERIFY_MODES.get(facts.get("verify") or "", ""),
        "throughput": facts.get("throughput") or "",
        "elapsed": facts.get("elapsed") or "",
        "method": " ".join((facts.get("method") or "").split()),
        "device": facts.get("device") or "",
        "status": facts.get("status") or "",
    }


def _override(record: WipeRecord) -> dict[str, Any] | None:
    if not record.match_override:
        return None
    return {"reason": record.match_override, "differences": list(record.match_differences or []),
            "by": record.override_by.display_name if record.override_by else "non renseigné"}


def passing_record(records: list[WipeRecord], best: Outcome) -> WipeRecord:
    """The record that gives the drive its outcome: the latest sound one at that level."""
    for record in reversed(records):
        if record.technique == Technique.VERIFY_ONLY.value:
            continue
        effective = (Outcome.DESTROY if Technique(record.technique) in PHYSICAL
                     else Outcome(record.outcome) if record.outcome else None)
        if (record.result == "passed" and record.error_count == 0
                and record.verification_passed is not False and effective is best):
            return record
    raise LookupError("no passing record")  # drive_status said passing: cannot happen


def _verification_result(record: WipeRecord) -> str:
    if record.verification == "none":
        return "sans objet"
    return {True: "réussie", False: "échouée", None: "non renseignée"}[record.verification_passed]


def _destination(drive: Drive, best: Outcome, removal: DriveRemoval | None) -> str:
    if best is Outcome.DESTROY:
        return "Support détruit, remis à la filière DEEE"
    if drive.device is not None:
        if drive.device.state in WASTE_STATES:
            return f"Recyclage DEEE avec l'appareil {drive.device.asset_tag}"
        return f"Réemploi dans l'appareil {drive.device.asset_tag}"
    if removal is not None:
        where = removal.destination or "conservé à l'atelier"
        return f"Retiré de {removal.device.asset_tag} ({drive.asset_tag}) : {where}"
    return "Conservé à l'atelier"


def _person(user) -> dict[str, str]:
    if user is None:
        return {"name": "non renseigné", "title": ""}
    return {"name": user.display_name, "title": user.role_label}


def drive_entries(drives: list[Drive], records_by_drive: dict[int, list[WipeRecord]],
                  removals: dict[int, DriveRemoval]) -> tuple[list[dict], list[str]]:
    """(entries for the certificate, blocking lines). Entries are plain JSON-able data."""
    entries, blockers = [], []
    for drive in drives:
        records = records_by_drive.get(drive.id, [])
        status = status_of(records)
        if not status.passing:
            where = f"{drive.device.asset_tag} — " if drive.device else ""
            blockers.append(f"{where}{drive_label(drive)} : {' ; '.join(status.reasons)}")
            continue
        record = passing_record(records, status.best_outcome)
        validation = record.validation
        host = record.host_asset_tag or (drive.device.asset_tag if drive.device else "")
        entries.append({
            "validated": validation is not None,
            "evidence": evidence_lines(record),
            "override": _override(record),
            "maker": guess_maker(drive.model),
            "model": drive.model,
            "serial": drive.serial or "",
            "capacity": format_capacity(drive.capacity_bytes),
            "kind": label_fr(drive.kind),
            "tag": drive.asset_tag or "",
            "host": host,
            "donor_number": (drive.device.donor_inventory_number or "") if drive.device else "",
            "outcome": label_fr(status.best_outcome),
            "technique": label_fr(record.technique),
            "pattern": record.pattern,
            "passes": record.passes,
            "tool": f"{record.tool} {record.tool_version}".strip() or "non renseigné",
            "verification": label_fr(record.verification),
            "verification_code": record.verification,
            "verification_result": _verification_result(record),
            "result": label_fr(record.result),
            "started": format_datetime(record.started_at),
            "finished": format_datetime(record.finished_at),
            "date": format_date(record.finished_at),
            "errors": record.error_count,
            "operator": _person(record.operator),
            "validator": _person(validation.validator) if validation else None,
            "validated_at": format_datetime(validation.validated_at) if validation else "",
            "destination": _destination(drive, status.best_outcome, removals.get(drive.id)),
            "record": record.id,
        })
    return entries, blockers


def _donor(collection: Collection | None) -> dict[str, str] | None:
    if collection is None:
        return None
    donor = collection.donor
    address = " ".join(p for p in (donor.address, donor.postal_code, donor.city) if p)
    return {"name": donor.name, "siret": donor.siret or "", "address": address}


def payload_for(*, number: str, issuer: Issuer, subject_label: str, provisional: bool,
                verify_url: str, collection: Collection | None,
                entries: list[dict]) -> dict[str, Any]:
    people = lambda key: sorted(  # noqa: E731
        {(e[key]["name"], e[key]["title"]) for e in entries if e[key]}
    )
    return {
        "number": number,
        "provisional": provisional,  # a statement while any record awaits validation
        "organisation": issuer.organisation(),
        "logo": base64.b64encode(issuer.logo).decode("ascii") if issuer.logo else "",
        "donor": _donor(collection),
        "collection": collection.number if collection else "",
        "subject": subject_label,
        "verify_url": verify_url,
        "drives": entries,
        "operators": [list(p) for p in people("operator")],
        "validators": [list(p) for p in people("validator")],
    }
