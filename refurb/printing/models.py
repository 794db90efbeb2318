"""What the bench remembers for each technician: the label stock, format and the next free
place on the sheet in the printer; and the machines waiting in their « à imprimer » tray."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class LabelPreference(db.Model):
    __tablename__ = "label_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    stock_id: Mapped[str] = mapped_column(String(60))
    format: Mapped[str] = mapped_column(String(8), default="pdf")
    next_start: Mapped[int] = mapped_column(default=1)  # first free place on the sheet
    updated_at: Mapped[datetime]


class LabelTrayItem(TenantScoped, db.Model):
    __tablename__ = "label_tray_items"
    __table_args__ = (UniqueConstraint("user_id", "device_id",
                                       name="uq_label_tray_items_user_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    added_at: Mapped[datetime]
