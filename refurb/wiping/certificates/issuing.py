"""Issuing erasure documents, per device and per collection, through refurb.documents
(number, version, SHA-256 of the bytes).

- While any covered drive lacks a passing record, nothing is issued: the refusal lists the
  blocking drives (a certificate never lists a drive as "non effacé").
- While any drive's record awaits its validation (NIST Rev.2: a second person, not the
  operator), what is issued is a provisional statement ("relevé provisoire", its own number
  REL-…), never a certificate; once every record is validated, the certificate (CERT-…) is.
- The workshop's identity is checked first: a document that would print blanks is refused,
  naming the fields to fill in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from refurb import database
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.workshop_identity import Gap, gaps
from refurb.counters import next_number
from refurb.devices.models import Device, Drive
from refurb.documents.models import IssuedDocument
from refurb.documents.preview import Fact, Preview
from refurb.documents.services import issue_document, verification_token, verify_url
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.settings.workshop import IdentityIncomplete
from refurb.wiping import queries
from refurb.wiping.certificates.content import drive_entries, passing_record, payload_for
from refurb.wiping.certificates.issuer import Issuer
from refurb.wiping.certificates.pdf import render_certificate
from refurb.wiping.status import status_of

KIND = queries.CERTIFICATE_KIND
STATEMENT_KIND = queries.STATEMENT_KIND
MAX_BLOCKERS_SHOWN = 30
MAX_ROWS_SHOWN = 200  # drives listed on the collection page as still needing something


def issue_device_certificate(device: Device, *, issuer: Issuer, actor_id: int | None,
                             now: datetime) -> tuple[IssuedDocument, bool]:
    collection = (db.session.get(Collection, device.collection_id)
                  if device.collection_id else None)
    return _issue(
        subject=f"device:{device.id}",
        subject_label=f"Appareil {device.asset_tag} — {device.make} {device.model}".strip(),
        stem=device.asset_tag,
        collection=collection,
        device_ids=queries.one_device_ids(device.id),
        issuer=issuer,
        actor_id=actor_id,
        now=now,
    )


def issue_collection_certificate(collection: Collection, *, issuer: Issuer,
                                 actor_id: int | None, now: datetime, progress=None):
    return _issue(
        progress=progress,
        subject=f"collection:{collection.id}",
        subject_label=f"Collecte {collection.number}",
        stem=collection.number,
        collection=collection,
        device_ids=queries.collection_device_ids(collection.id),
        issuer=issuer,
        actor_id=actor_id,
        now=now,
    )


# ----------------------------------------------------------------- the collection's page


@dataclass
class DriveReadiness:
    """One drive not ready for the certificate: what it lacks, and who can provide it."""

    drive: Drive
    host_tag: str
    missing: list[str]  # French lines: blocking reasons, or the validation awaited
    record_id: int | None = None  # the record to validate
    operator: str = ""
    validators: list[str] = field(default_factory=list)


@dataclass
class CollectionReadiness:
    drive_count: int
    blockers: list[str]
    awaiting: list[DriveReadiness]  # passing, not validated yet
    blocked: list[DriveReadiness]  # no passing record
    identity_gaps: list[Gap]

    @property
    def issuable(self) -> bool:
        return bool(self.drive_count) and not self.blockers

    @property
    def provisional(self) -> bool:
        return bool(self.awaiting)

    @property
    def shown(self) -> list[DriveReadiness]:
        return (self.blocked + self.awaiting)[:MAX_ROWS_SHOWN]


def collection_readiness(collection: Collection, issuer: Issuer) -> CollectionReadiness:
    """Per drive, what the collection's certificate still waits for and who can validate."""
    drives, records, removals = _covered(queries.collection_device_ids(collection.id))
    _entries, blockers = drive_entries(drives, records, removals)
    people = queries.possible_validators()
    awaiting, blocked = [], []
    for drive in drives:
        mine = records.get(drive.id, [])
        status = status_of(mine)
        host = drive.device.asset_tag if drive.device else (drive.asset_tag or "")
        if not status.passing:
            blocked.append(DriveReadiness(drive, host, status.reasons))
            continue
        record = passing_record(mine, status.best_outcome)
        if record.validation is not None:
            continue
        operator = record.operator.display_name if record.operator else ""
        awaiting.append(DriveReadiness(
            drive, host, [f"effacement n° {record.id} à valider par une autre personne que "
                          f"l'opérateur"], record.id, operator,
            [p.display_name for p in people if p.id != record.operator_id]))
    return CollectionReadiness(len(drives), blockers, awaiting, blocked,
                               gaps(issuer.identity, STATEMENT_KIND if awaiting else KIND))


def collection_preview(collection: Collection, readiness: CollectionReadiness) -> Preview:
    """What the collection's document will state, before it is issued."""
    kind = STATEMENT_KIND if readiness.provisional else KIND
    number = queries.certificate_number_for(f"collection:{collection.id}", kind)
    awaiting = len(readiness.awaiting)
    return Preview(number or (_("un relevé provisoire") if readiness.provisional
                              else _("le certificat d’effacement")), [
        Fact(_("Document"), _("Relevé provisoire (ce n’est pas un certificat)")
             if readiness.provisional else _("Certificat d’effacement")),
        Fact(_("Appareils de la collecte"), db.session.scalar(
            select(func.count()).select_from(
                queries.collection_device_ids(collection.id).subquery()))),
        Fact(_("Supports de stockage couverts"), readiness.drive_count),
        Fact(_("Effacements validés par une seconde personne"),
             readiness.drive_count - awaiting),
        Fact(_("Effacements en attente de validation"), awaiting),
    ])


@dataclass
class DeviceCertificateCheck:
    """What the device's erasure document would state, and what it still waits for."""

    preview: Preview
    missing: list[str]  # French lines: drives without a passing record, validations awaited
    identity_gaps: list[Gap]
    issuable: bool  # every drive has a passing record (a statement while any awaits validation)
    provisional: bool


def _methods(entries: list[dict]) -> str:
    counted: dict[str, int] = {}
    for entry in entries:
        method = f"{entry['technique']} ({entry['outcome']})"
        counted[method] = counted.get(method, 0) + 1
    return " ; ".join(f"{method} × {n}" for method, n in counted.items())


def device_check(device: Device, issuer: Issuer) -> DeviceCertificateCheck:
    """Before the device's certificate is issued: its key figures, read only."""
    drives, records, removals = _covered(queries.one_device_ids(device.id))
    entries, blockers = drive_entries(drives, records, removals)
    awaiting = [e for e in entries if not e["validated"]]
    missing = list(blockers) or ([] if drives else
                                 ["aucun support de stockage enregistré sur cet appareil"])
    missing += [f"{e['model']} {e['serial']} : effacement n° {e['record']} à valider par une "
                f"autre personne que l'opérateur".strip() for e in awaiting]
    provisional = bool(awaiting)
    kind = STATEMENT_KIND if provisional else KIND
    number = queries.certificate_number_for(f"device:{device.id}", kind)
    validators = sorted({e["validator"]["name"] for e in entries if e["validator"]})
    preview = Preview(number or (_("un relevé provisoire") if provisional
                                 else _("le certificat d’effacement")), [
        Fact(_("Document"), _("Relevé provisoire (ce n’est pas un certificat)")
             if provisional else _("Certificat d’effacement")),
        Fact(_("Appareil"), f"{device.asset_tag} — {device.make} {device.model}".strip()),
        Fact(_("Supports de stockage couverts"), len(drives)),
        Fact(_("Méthodes"), _methods(entries) or None),
        Fact(_("Validé par"), ", ".join(validators) or None),
        Fact(_("Effacements en attente de validation"), len(awaiting)),
    ])
    return DeviceCertificateCheck(preview, missing, gaps(issuer.identity, kind),
                                  bool(drives) and not blockers, provisional)


def collection_blockers(collection: Collection) -> tuple[int, list[str]]:
    """(drives covered, blocking lines) — kept for pages and tools that only need those."""
    drives, records, removals = _covered(queries.collection_device_ids(collection.id))
    _entries, blockers = drive_entries(drives, records, removals)
    return len(drives), blockers


# ------------------------------------------------------------------------------ issuing


def _covered(device_ids) -> tuple[list[Drive], dict, dict]:
    drives_query, drive_ids = queries.drives_of_devices_query(device_ids)
    drives = list(db.session.scalars(drives_query).unique())
    records = queries.records_of_drive_subquery(drive_ids)
    removals = queries.removals_by_drive(d.id for d in drives if d.device_id is None)
    return drives, records, removals


def _number_for(subject: str, kind: str, now: datetime) -> str:
    # Re-issuing keeps the number and adds a version (invariant 5).
    existing = queries.certificate_number_for(subject, kind)
    if existing:
        return existing
    if kind == STATEMENT_KIND:
        return f"REL-{now.year}-{next_number(f'erasure_statement:{now.year}'):05d}"
    return f"CERT-{now.year}-{next_number(f'certificate:{now.year}'):05d}"


def _refuse(blockers: list[str]) -> None:
    shown: list[str | Message] = list(blockers[:MAX_BLOCKERS_SHOWN])
    if len(blockers) > len(shown):
        shown.append(Message(N_("… et %(count)s autre(s) support(s)."),
                             {"count": len(blockers) - len(shown)}))
    raise InvalidInput(N_("Certificat refusé : ces supports n'ont pas d'effacement valable."),
                       reasons=shown)


def _issue(*, subject: str, subject_label: str, stem: str, collection: Collection | None,
           device_ids, issuer: Issuer, actor_id: int | None, now: datetime, progress=None):
    step = progress or (lambda *args: None)
    step(0, 3, N_("Lecture des supports et de leurs effacements"))
    drives, records, removals = _covered(device_ids)
    if not drives:
        raise InvalidInput(N_("Certificat refusé : aucun support de stockage enregistré."))
    entries, blockers = drive_entries(drives, records, removals)
    if blockers:
        _refuse(blockers)
    provisional = not all(entry["validated"] for entry in entries)
    kind = STATEMENT_KIND if provisional else KIND
    missing = gaps(issuer.identity, kind)
    if missing:
        raise IdentityIncomplete(kind, missing)
    step(1, 3, N_("Mise en page du certificat"))
    database.will_write()  # the write lock for the number and the document only
    number = _number_for(subject, kind, now)
    token = verification_token(number)
    payload = payload_for(number=number, issuer=issuer, subject_label=subject_label,
                          provisional=provisional, verify_url=verify_url(token),
                          collection=collection, entries=entries)
    donor = collection.donor if collection else None
    stem = f"releve-provisoire-effacement-{stem}" if provisional else \
        f"certificat-effacement-{stem}"
    return issue_document(
        kind=kind,
        number=number,
        subject=subject,
        payload=payload,
        render=render_certificate,
        filename_stem=stem,
        actor_id=actor_id,
        now=now,
        donor_id=donor.id if donor else None,
        summary={"donor_name": donor.name if donor else "", "drive_count": len(entries)},
        verify_token=token,
    )

