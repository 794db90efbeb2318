"""Mécénat: the cost-price value a donor declares for a collection (append-only: a new value
is a new row, and a new version of the gift receipt)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class GiftValuation(TenantScoped, db.Model):
    __tablename__ = "gift_valuations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_gift_valuations_collection_declared", "collection_id", "declared_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime]
    # The receipt this value was stated on (same number for every value of a collection).
    receipt_number: Mapped[str] = mapped_column(String(20), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("issued_documents.id"))

    declared_by = relationship("User", lazy="raise_on_sql")


append_only(GiftValuation, message="Une valeur déclarée ne peut pas être modifiée.")
