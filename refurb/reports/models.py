"""Read-side projection for lead times: one row per completed stay of a device in a state.

Written only by a database trigger on `device_events` (migration 0009), for every writer
(services, bulk imports, CLI): when a transition event leaves state S, the stay in S runs from
the device's previous transition (by id: the order things happened in) to this event. It is
derived data — rebuildable from the events at any time — never typed in (invariant 6).
Backdated events can make a stay negative: it is counted as 0.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db


class DeviceStay(db.Model):
    __tablename__ = "device_stays"
    __table_args__ = (
        # The histogram query reads this index alone, in group order (no sort).
        Index("ix_device_stays_state_hours_left", "state", "hours", "left_at"),
    )

    # The transition event that ended the stay.
    event_id: Mapped[int] = mapped_column(ForeignKey("device_events.id"), primary_key=True,
                                          autoincrement=False)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    entered_at: Mapped[datetime]
    left_at: Mapped[datetime]
    seconds: Mapped[int] = mapped_column(BigInteger)
    hours: Mapped[int]
