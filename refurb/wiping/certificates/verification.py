"""Checking a certificate: anyone holding the number and the PDF can check it on the public
page /verify/<number>. A PDF cannot contain the SHA-256 of its own bytes (writing the hash
changes the bytes), so the hash of the issued bytes is kept by the workshop
(IssuedDocument.sha256) and compared here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from refurb.wiping import queries


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say: nothing beyond number, date, donor name
    and drive count, and those only when the file is genuine."""

    status: str  # "authentic" | "altered" | "unknown"
    number: str
    issued_at: datetime | None = None
    donor_name: str = ""
    drive_count: int | None = None

    @property
    def label(self) -> str:
        return {"authentic": "authentique", "altered": "altéré", "unknown": "inconnu"}[self.status]


def verify_certificate(number: str, *, data: bytes | None = None,
                       sha256: str | None = None) -> Verification:
    """Compare the SHA-256 of the uploaded bytes (or the pasted one) with every issued version
    of `number`."""
    versions = queries.certificate_versions_by_number(number)
    if not versions:
        return Verification("unknown", number)
    digest = hashlib.sha256(data).hexdigest() if data is not None else (sha256 or "").strip().lower()
    for document in versions:
        if document.sha256 == digest:
            summary = document.summary or {}
            return Verification("authentic", number, document.issued_at,
                                str(summary.get("donor_name") or ""),
                                summary.get("drive_count"))
    return Verification("altered", number)
