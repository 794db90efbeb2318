from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import SharedReference


class Setting(SharedReference, db.Model):
    """A setting of one workshop, or of the whole network (workshop_id NULL): a workshop's own
    value overrides the network's (refurb.settings.services.get)."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("workshop_id", "key", name="uq_settings_workshop_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
