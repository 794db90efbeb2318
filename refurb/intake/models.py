"""Collections (pickups of donated equipment) and the donor asset lists imported into them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class Collection(TenantScoped, db.Model):
    """A pickup (enlèvement) of donated equipment at one donor site."""

    __tablename__ = "collections"
    __table_args__ = (
        CheckConstraint(
            "state IN ('planned', 'collected', 'received', 'closed')", name="state_known"
        ),
        UniqueConstraint("workshop_id", "number", name="uq_collections_workshop_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    donor_id: Mapped[int] = mapped_column(ForeignKey("donor_organisations.id"), index=True)
    pickup_site: Mapped[str] = mapped_column(String(300), default="")
    pickup_contact: Mapped[str] = mapped_column(String(200), default="")
    planned_on: Mapped[date | None] = mapped_column(index=True)
    collected_on: Mapped[date | None]
    received_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    state: Mapped[str] = mapped_column(String(12), default="planned", index=True)
    transport_notes: Mapped[str] = mapped_column(Text, default="")
    measured_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    created_at: Mapped[datetime]

    donor: Mapped[DonorOrganisation] = relationship(back_populates="collections", lazy="joined")


class IntakeImport(TenantScoped, db.Model):
    """One donor asset list brought in: the upload kept between the mapping and the confirm
    steps (several workers share nothing but the database), then the record of the import.

    A file is imported into a collection once: a second confirm (double click, second upload
    of the same file) is refused by the partial unique index, whatever the race.
    """

    __tablename__ = "intake_imports"
    __table_args__ = (
        Index(
            "uq_intake_imports_collection_sha256_imported",
            "collection_id",
            "sha256",
            unique=True,
            sqlite_where=text("imported_at IS NOT NULL"),
            postgresql_where=text("imported_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    # The web upload as received (None for CLI imports, which stream a file on disk).
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    # How the file is read: {"encoding": …, "sheet": …, "source": "remembered" | "guessed"}.
    reading: Mapped[dict | None] = mapped_column(JSON)
    device_count: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    imported_at: Mapped[datetime | None]


class DonorColumnMapping(TenantScoped, db.Model):
    """The columns a donor's file was imported with, by header: its next file with the same
    header maps itself."""

    __tablename__ = "donor_column_mappings"
    __table_args__ = (UniqueConstraint("workshop_id", "donor_id", "header_signature",
                                       name="uq_donor_column_mappings_workshop_donor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donor_organisations.id"))
    header_signature: Mapped[str] = mapped_column(String(64))  # SHA-256 of the header names
    header: Mapped[list] = mapped_column(JSON)
    mapping: Mapped[dict] = mapped_column(JSON)
    used_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
