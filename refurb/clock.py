"""The one clock. Stored times are naive UTC; pages show them in the workshop's time zone."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
