"""Checking an issued document, for anyone holding it (a donor's DPO, an auditor, a tax
office): the uploaded file, the SHA-256 of the file, or the content hash printed in the
document's footer each find it again.

What the page may say, and to whom:
- the answer names a document only to someone holding it (its file or one of its hashes);
- the printed link carries an unguessable token; the bare number (or a mistyped token) only
  says "enter the hash or upload the file", the same for every number, so nobody can find out
  which numbers exist;
- a genuine but superseded version says so, with the number and date of its successor.

A PDF cannot contain the SHA-256 of its own bytes (writing it changes them): the workshop keeps
it (IssuedDocument.sha256); what the PDF prints is the hash of its content.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from refurb.core.i18n import N_
from refurb.documents.models import IssuedDocument
from refurb.documents.services import latest_version
from refurb.extensions import db
from refurb.workshops.context import use_workshop

KIND_LABELS = {
    "erasure_certificate": N_("Certificat d’effacement"),
    "erasure_statement": N_("Relevé provisoire d’effacement"),
    "collection_receipt": N_("Bon de prise en charge"),
    "gift_receipt": N_("Reçu fiscal de don en nature (mécénat)"),
    "agreement": N_("Convention de don ou contrat de prêt"),
    "training_certificate": N_("Attestation de formation"),
    "weee_handover": N_("Bon de remise DEEE"),
    "waste_register_export": N_("Extrait du registre des déchets"),
    "annual_report": N_("Rapport annuel"),
}
_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Verdict:
    """status: "authentic", "superseded" (genuine, but a newer version exists), "altered"
    (the file or hash is not the one issued under the link's number) or "unknown" (no issued
    document has this file or hash)."""

    status: str
    kind: str = ""
    number: str = ""
    version: int | None = None
    issued_at: datetime | None = None
    donor_name: str = ""
    drive_count: int | None = None
    successor_version: int | None = None
    successor_issued_at: datetime | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def genuine(self) -> bool:
        return self.status in ("authentic", "superseded")


def normalise_hash(text: str | None) -> str:
    """What people paste: spaces, line breaks, upper case, a "SHA-256" prefix."""
    cleaned = re.sub(r"[\s:]+", "", (text or "")).lower().removeprefix("sha256")
    return cleaned.removeprefix("sha-256")


def is_hash(text: str | None) -> bool:
    return bool(_HEX.fullmatch(normalise_hash(text)))


def document_for_token(token: str) -> IssuedDocument | None:
    """The latest version of the document a printed link names (None: not a token)."""
    token = (token or "").strip()
    if not token or len(token) > 32:
        return None
    return db.session.scalar(
        select(IssuedDocument).where(IssuedDocument.verify_token == token)
        .order_by(IssuedDocument.version.desc()).limit(1))


def verify(*, data: bytes | None = None, digest: str | None = None,
           expected: IssuedDocument | None = None) -> Verdict:
    """Find the issued document whose file (`data`), file hash or printed content hash
    (`digest`) this is. `expected`: the document the printed link names, if any."""
    wanted = hashlib.sha256(data).hexdigest() if data is not None else normalise_hash(digest)
    found = db.session.scalar(
        select(IssuedDocument)
        .where(or_(IssuedDocument.sha256 == wanted, IssuedDocument.content_sha256 == wanted))
        .order_by(IssuedDocument.id).limit(1)) if _HEX.fullmatch(wanted) else None
    if found is None:
        return Verdict("altered" if expected is not None else "unknown",
                       number=expected.number if expected is not None else "")
    # Numbers are per workshop: the versions of the issuer's number only.
    with use_workshop(found.workshop_id):
        latest = latest_version(found.number)
    summary = found.summary or {}
    common = {"kind": found.kind, "number": found.number, "version": found.version,
              "issued_at": found.issued_at,
              "donor_name": str(summary.get("donor_name") or ""),
              "drive_count": summary.get("drive_count")}
    if latest is not None and latest.version > found.version:
        return Verdict("superseded", successor_version=latest.version,
                       successor_issued_at=latest.issued_at, **common)
    return Verdict("authentic", **common)
