"""Erasure certificates (certificats d'effacement) and provisional statements (relevés
provisoires), per device and per collection.

The certificate lists, per drive, the fields of the NIST SP 800-88 sample certificate and the
facts nwipe reported, and is issued through refurb.documents (number, version, SHA-256 of the
bytes) once every record is validated; before that, only a provisional statement is. Anyone
holding the document can check it on the public page /verify (refurb.documents.verification).

Topics: `issuing` (who may get one, numbering, refusal, the collection's readiness),
`content` (what it states), `pdf` and `pdf_table` (the document), `issuer`.
"""

from __future__ import annotations

from refurb.wiping.certificates.content import drive_entries, format_capacity, guess_maker
from refurb.wiping.certificates.issuer import Issuer, current_issuer
from refurb.wiping.certificates.issuing import (
    KIND,
    STATEMENT_KIND,
    collection_blockers,
    collection_preview,
    collection_readiness,
    device_check,
    issue_collection_certificate,
    issue_device_certificate,
)
from refurb.wiping.certificates.pdf import render_certificate

__all__ = [
    "KIND",
    "STATEMENT_KIND",
    "Issuer",
    "collection_preview",
    "collection_blockers",
    "collection_readiness",
    "current_issuer",
    "device_check",
    "drive_entries",
    "format_capacity",
    "guess_maker",
    "issue_collection_certificate",
    "issue_device_certificate",
    "render_certificate",
]
