"""Stored times are naive UTC; people read and type the workshop's local time. The two
conversions, with the daylight-saving changes handled on purpose:

- a local time that happens twice (the hour repeated on the last Sunday of October) is read
  as the first of the two, the earlier instant;
- a local time that never happens (the hour skipped on the last Sunday of March) is read as
  the same wall-clock distance after the change, like a clock put forward: 02:30 → 03:30.

Pure functions: the time zone is a parameter (refurb.clock gives the configured one).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/Paris"


def zone(name: str | None) -> ZoneInfo:
    """The time zone called `name`; ValueError with a French message when it does not exist."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Fuseau horaire inconnu : {name!r} (exemple : Europe/Paris).") from None


def utc_to_local(value: datetime, tz: ZoneInfo) -> datetime:
    """A naive UTC datetime as an aware local one."""
    return value.replace(tzinfo=UTC).astimezone(tz)


def local_to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """A naive local wall-clock datetime as naive UTC (see the module note for DST)."""
    first = value.replace(tzinfo=tz, fold=0)
    if _exists(first):
        return first.astimezone(UTC).replace(tzinfo=None)
    # Skipped by the spring change: the offset before the gap, like a clock put forward.
    before = (value - timedelta(hours=3)).replace(tzinfo=tz).utcoffset()
    return (value - before).replace(tzinfo=None)


def _exists(aware: datetime) -> bool:
    round_trip = aware.astimezone(UTC).astimezone(aware.tzinfo)
    return round_trip.replace(tzinfo=None) == aware.replace(tzinfo=None)


def local_date(value: datetime, tz: ZoneInfo) -> date:
    """The local calendar day of a naive UTC instant ("today", "session held")."""
    return utc_to_local(value, tz).date()
