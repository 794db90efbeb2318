"""Named counters in the database (asset tags, collection and document numbers).

One atomic INSERT … ON CONFLICT DO UPDATE … RETURNING per number: the row lock (PostgreSQL) or
the write lock (SQLite) makes concurrent requests take distinct values, across workers too.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db


class Counter(db.Model):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


_NEXT = text(
    "INSERT INTO counters (name, value) VALUES (:name, :step) "
    "ON CONFLICT (name) DO UPDATE SET value = counters.value + :step "
    "RETURNING value"
)


def take_numbers(name: str, count: int = 1) -> range:
    """Reserve `count` consecutive numbers in one statement (bulk imports take thousands)."""
    last = db.session.execute(_NEXT, {"name": name, "step": count}).scalar_one()
    return range(last - count + 1, last + 1)


def next_number(name: str) -> int:
    return take_numbers(name, 1)[0]
