"""The one clock. Stored times are naive UTC; pages, PDFs and CSV files show them in the
workshop's time zone (setting TIMEZONE, default Europe/Paris), and date rules ("today",
"session held") use the local day: `local_today()` is the one place that says which day it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from refurb.core import local_time


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def workshop_zone() -> ZoneInfo:
    """The configured time zone (outside an application: the default one)."""
    from flask import current_app, has_app_context

    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return local_time.zone(name)


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC) datetime as the workshop's aware local time."""
    return local_time.utc_to_local(value, workshop_zone())


def from_local(value: datetime) -> datetime:
    """What someone typed (or a wiping machine wrote) in local time, as naive UTC."""
    return local_time.local_to_utc(value, workshop_zone())


def local_date(value: datetime) -> date:
    """The workshop's calendar day of a stored instant."""
    return local_time.local_date(value, workshop_zone())


def local_today() -> date:
    return local_date(utcnow())


def today() -> date:
    """Kept for callers written before time zones: the workshop's local day."""
    return local_today()


def format_local(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored datetime as local text, for PDFs and CSV files ("" for None)."""
    return to_local(value).strftime(pattern) if value else ""
