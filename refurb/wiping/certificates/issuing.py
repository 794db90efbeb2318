"""Issuing erasure certificates, per device and per collection, through refurb.documents
(number, version, SHA-256 of the bytes). Issuance is refused while any covered drive lacks a
passing record: a certificate never lists a drive as "non effacé"; the refusal lists the
blocking drives instead."""

from __future__ import annotations

from datetime import datetime

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.counters import next_number
from refurb.devices.models import Device, Drive
from refurb.documents.models import IssuedDocument
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.wiping import queries
from refurb.wiping.certificates.content import drive_entries, payload_for
from refurb.wiping.certificates.issuer import Issuer
from refurb.wiping.certificates.pdf import render_certificate

KIND = queries.CERTIFICATE_KIND
MAX_BLOCKERS_SHOWN = 30


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
                                 actor_id: int | None, now: datetime):
    return _issue(
        subject=f"collection:{collection.id}",
        subject_label=f"Collecte {collection.number}",
        stem=collection.number,
        collection=collection,
        device_ids=queries.collection_device_ids(collection.id),
        issuer=issuer,
        actor_id=actor_id,
        now=now,
    )


def collection_blockers(collection: Collection) -> tuple[int, list[str]]:
    """(drives covered, blocking lines) — for the collection page, before issuing."""
    drives, records, removals = _covered(queries.collection_device_ids(collection.id))
    entries, blockers = drive_entries(drives, records, removals)
    return len(drives), blockers


def _covered(device_ids) -> tuple[list[Drive], dict, dict]:
    drives_query, drive_ids = queries.drives_of_devices_query(device_ids)
    drives = list(db.session.scalars(drives_query).unique())
    records = queries.records_of_drive_subquery(drive_ids)
    removals = queries.removals_by_drive(d.id for d in drives if d.device_id is None)
    return drives, records, removals


def _number_for(subject: str, now: datetime) -> str:
    # Re-issuing keeps the number and adds a version (invariant 5).
    existing = queries.certificate_number_for(subject)
    return existing or f"CERT-{now.year}-{next_number(f'certificate:{now.year}'):05d}"


def _refuse(blockers: list[str]) -> None:
    shown: list[str | Message] = list(blockers[:MAX_BLOCKERS_SHOWN])
    if len(blockers) > len(shown):
        shown.append(Message(N_("… et %(count)s autre(s) support(s)."),
                             {"count": len(blockers) - len(shown)}))
    raise InvalidInput(N_("Certificat refusé : ces supports n'ont pas d'effacement valable."),
                       reasons=shown)


def _issue(*, subject: str, subject_label: str, stem: str, collection: Collection | None,
           device_ids, issuer: Issuer, actor_id: int | None, now: datetime):
    drives, records, removals = _covered(device_ids)
    if not drives:
        raise InvalidInput(N_("Certificat refusé : aucun support de stockage enregistré."))
    entries, blockers = drive_entries(drives, records, removals)
    if blockers:
        _refuse(blockers)
    number = _number_for(subject, now)
    payload = payload_for(number=number, issuer=issuer, subject_label=subject_label,
                          collection=collection, entries=entries)
    donor = collection.donor if collection else None
    return issue_document(
        kind=KIND,
        number=number,
        subject=subject,
        payload=payload,
        render=render_certificate,
        filename_stem=f"certificat-effacement-{stem}",
        actor_id=actor_id,
        now=now,
        donor_id=donor.id if donor else None,
        summary={"donor_name": donor.name if donor else "", "drive_count": len(entries)},
    )
