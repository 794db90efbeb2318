"""Issue documents once, keep every version, never change bytes already issued.

Every issued document can be checked by a stranger (refurb.documents.verification): its
footer prints the link to the verification page, which carries the number's unguessable
token, and the SHA-256 of its content (the facts it states). The workshop keeps the SHA-256
of the bytes issued; either hash, or the file itself, finds the document again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from refurb.documents.models import IssuedDocument
from refurb.documents.pdf import PrintedVerification, printing_verification
from refurb.extensions import db

Renderer = Callable[[dict[str, Any], int, datetime], bytes]

# Where the document is checked is not one of its facts: a new address (another host, a
# proxy) must not make a new version, and the printed hash must not depend on it.
NOT_CONTENT = ("verify_url",)


def content_hash(payload: dict[str, Any]) -> str:
    facts = {key: value for key, value in payload.items() if key not in NOT_CONTENT}
    canonical = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def verification_token(number: str) -> str:
    """The token of `number`'s verification link: the one its versions carry, or a new one."""
    previous = latest_version(number)
    if previous is not None and previous.verify_token:
        return previous.verify_token
    return secrets.token_urlsafe(16)[:22]


def verify_url(token: str) -> str:
    """The printed verification link (refurb.web.public_base_url: configured or this host)."""
    from refurb.web import public_base_url

    return f"{public_base_url()}/verify/{token}"


def latest_version(number: str) -> IssuedDocument | None:
    return db.session.scalars(
        select(IssuedDocument)
        .where(IssuedDocument.number == number)
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    ).first()


def issue_document(
    *,
    kind: str,
    number: str,
    subject: str,
    payload: dict[str, Any],
    render: Renderer,
    filename_stem: str,
    actor_id: int | None,
    now: datetime,
    donor_id: int | None = None,
    summary: dict[str, Any] | None = None,
    media_type: str = "application/pdf",
    extension: str = "pdf",
    personal: bool = False,
    verify_token: str | None = None,
) -> tuple[IssuedDocument, bool]:
    """Return (document, created). Same facts as the latest version → that version, unchanged.

    The footer of the PDF gets the verification link and the content hash (a renderer may
    print them itself, as the erasure certificate does)."""
    digest = content_hash(payload)
    previous = latest_version(number)
    if previous is not None and previous.content_sha256 == digest:
        return previous, False
    version = 1 if previous is None else previous.version + 1
    token = verify_token or verification_token(number)
    with printing_verification(PrintedVerification(verify_url(token), digest)):
        content = render(payload, version, now)
    document = IssuedDocument(
        kind=kind,
        number=number,
        version=version,
        subject=subject,
        donor_id=donor_id,
        filename=f"{filename_stem}-v{version}.{extension}",
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
        content_sha256=digest,
        summary=summary or {},
        personal=personal,
        content=content,
        issued_at=now,
        issued_by_id=actor_id,
        verify_token=token,
    )
    db.session.add(document)
    db.session.flush()
    return document, True


def list_versions(subject: str, kind: str | None = None) -> list[IssuedDocument]:
    query = select(IssuedDocument).where(IssuedDocument.subject == subject)
    if kind:
        query = query.where(IssuedDocument.kind == kind)
    return list(db.session.scalars(query.order_by(IssuedDocument.number, IssuedDocument.version)))


def erase_personal_content(subjects: list[str], *, now: datetime) -> int:
    """GDPR erasure of documents naming a person (agreements, training certificates).

    The number, version and SHA-256 stay, so the register of what was issued is intact and a
    verification still recognises the document; only the bytes holding the identity go.
    """
    if not subjects:
        return 0
    documents = db.session.scalars(
        select(IssuedDocument).where(
            IssuedDocument.subject.in_(subjects), IssuedDocument.personal.is_(True)
        )
    )
    count = 0
    for document in documents:
        if document.content_erased_at is None:
            document.content = b""
            document.content_erased_at = now
            count += 1
    db.session.flush()
    return count
