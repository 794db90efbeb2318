from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from refurb.extensions import db


class DonorOrganisation(db.Model):
    __tablename__ = "donor_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    legal_form: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    collections: Mapped[list[Collection]] = relationship(back_populates="donor")


class Collection(db.Model):
    """A pickup (enlèvement) of donated equipment at one donor site."""

    __tablename__ = "collections"
    __table_args__ = (
        CheckConstraint(
            "state IN ('planned', 'collected', 'received', 'closed')", name="state_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
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


# Listed with each organisation; deferred so that only the list page pays for it.
DonorOrganisation.collection_count = column_property(
    select(func.count(Collection.id))
    .where(Collection.donor_id == DonorOrganisation.id)
    .correlate_except(Collection)
    .scalar_subquery(),
    deferred=True,
)
