from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class IssuedDocument(TenantScoped, db.Model):
    """Invariant 5: the bytes issued are kept with their SHA-256; re-issuing adds a version."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("workshop_id", "number", "version",
                                       name="uq_issued_documents_workshop_number_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int]
    subject: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "collection:12"
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donor_organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(60), default="application/pdf")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Hash of the facts the document states: an unchanged content is not issued again.
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)  # printed on PDFs
    # The unguessable part of the printed verification link, shared by every version of a
    # number: the link names the document without revealing which numbers exist.
    verify_token: Mapped[str | None] = mapped_column(String(32), index=True)
    # Holds a beneficiary's identity (agreement, subject-access export): social workers and
    # admins only (invariant 4).
    personal: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict] = mapped_column(db.JSON, default=dict)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    # Set when the retention period erased a personal document's bytes (GDPR).
    content_erased_at: Mapped[datetime | None]
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
