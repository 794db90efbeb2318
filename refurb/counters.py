"""Named counters in the database (asset tags, collection and document numbers), one series
per workshop (each workshop numbers its own documents).

One atomic INSERT … ON CONFLICT DO UPDATE … RETURNING per number: the row lock (PostgreSQL) or
the write lock (SQLite) makes concurrent requests take distinct values, across workers too.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, PrimaryKeyConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from refurb.database import DriverStatement
from refurb.extensions import db
from refurb.workshops.context import require_workshop_id
from refurb.workshops.scoping import TenantScoped


class Counter(TenantScoped, db.Model):
    __tablename__ = "counters"
    __table_args__ = (PrimaryKeyConstraint("workshop_id", "name", name="pk_counters"),)

    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(BigInteger, default=0)


_NEXT = DriverStatement(text(
    "INSERT INTO counters (workshop_id, name, value) VALUES (:workshop_id, :name, :step) "
    "ON CONFLICT (workshop_id, name) DO UPDATE SET value = counters.value + :step "
    "RETURNING value"
))  # an asset tag is taken under the write lock of a machine's registration


def take_numbers(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers of the current workshop's series in one statement
    (bulk imports take thousands)."""
    last = _NEXT.scalar({"workshop_id": require_workshop_id(), "name": name, "step": count})
    return range(last - count + 1, last + 1)


def next_number(name: str) -> int:
    return take_numbers(name, 1)[0]
