"""Erasure certificates (certificats d'effacement), per device and per collection.

The certificate lists, per drive, the fields of the NIST SP 800-88 sample certificate and is
issued through refurb.documents (number, version, SHA-256 of the bytes). Anyone holding the
number and the PDF can check it on the public page /verify/<number>.

Topics: `issuing` (who may get one, numbering, refusal), `content` (what it states),
`pdf` and `pdf_table` (the document), `verification` (the public check), `issuer`.
"""

from __future__ import annotations

from refurb.wiping.certificates.content import drive_entries, format_capacity, guess_maker
from refurb.wiping.certificates.issuer import Issuer, issuer_from_config, verify_url
from refurb.wiping.certificates.issuing import (
    KIND,
    collection_blockers,
    issue_collection_certificate,
    issue_device_certificate,
)
from refurb.wiping.certificates.pdf import render_certificate
from refurb.wiping.certificates.verification import Verification, verify_certificate

__all__ = [
    "KIND",
    "Issuer",
    "Verification",
    "collection_blockers",
    "drive_entries",
    "format_capacity",
    "guess_maker",
    "issue_collection_certificate",
    "issue_device_certificate",
    "issuer_from_config",
    "render_certificate",
    "verify_certificate",
    "verify_url",
]
