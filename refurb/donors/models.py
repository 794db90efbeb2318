"""Donor organisations. Their collections (pickups) belong to intake: refurb.intake.models."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, Text, column, func, select, table
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from refurb.extensions import db

if TYPE_CHECKING:
    from refurb.intake.models import Collection


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
    # Notices (certificate, receipt available): the channel the contact agreed to, or "none".
    notify_channel: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    notify_language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    notify_consent_at: Mapped[datetime | None]

    # Named, not imported: intake comes later in the dependency order than donors.
    collections: Mapped[list[Collection]] = relationship(
        "Collection", back_populates="donor", order_by="Collection.id.desc()"
    )


# Listed with each organisation; deferred so that only the list page pays for it. The table is
# named rather than its model imported, for the same reason as above.
_collections = table("collections", column("id"), column("donor_id"))
DonorOrganisation.collection_count = column_property(
    select(func.count(_collections.c.id))
    .where(_collections.c.donor_id == DonorOrganisation.id)
    .correlate_except(_collections)
    .scalar_subquery(),
    deferred=True,
)
