"""Rows of the settings table as the current workshop sees them: the network's values
(workshop_id NULL) overridden by the workshop's own; a network-wide unit of work reads and
writes the network's values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from refurb.extensions import db
from refurb.settings.models import Setting
from refurb.workshops import config_cache
from refurb.workshops.context import current_workshop_id


def stored(prefix: str = "") -> dict[str, Any]:
    """key → value, the workshop's own rows winning over the network's (kept per worker until
    a setting changes: refurb.workshops.config_cache)."""
    return dict(config_cache.cached("settings", prefix, lambda: _read(prefix)))


def _read(prefix: str) -> dict[str, Any]:
    query = select(Setting.key, Setting.value, Setting.workshop_id)
    if prefix:
        query = query.where(Setting.key.startswith(prefix))
    workshop_id = current_workshop_id()
    if workshop_id is None:
        query = query.where(Setting.workshop_id.is_(None))
    values: dict[str, Any] = {}
    # Network rows first, so the workshop's own overwrite them.
    for key, value, _owner in sorted(db.session.execute(query).all(),
                                     key=lambda row: row[2] is not None):
        values[key] = value
    return values


def own_row(key: str) -> Setting | None:
    """The row this scope writes: the workshop's own, or the network's when network-wide."""
    workshop_id = current_workshop_id()
    owner = Setting.workshop_id.is_(None) if workshop_id is None \
        else Setting.workshop_id == workshop_id
    return db.session.scalar(select(Setting).where(Setting.key == key, owner))


def put(key: str, value: Any, *, actor_id: int | None, now: datetime) -> None:
    row = own_row(key)
    if row is None:
        db.session.add(Setting(key=key, value=value, updated_at=now, updated_by_id=actor_id,
                               workshop_id=current_workshop_id()))
    elif row.value != value:
        row.value, row.updated_at, row.updated_by_id = value, now, actor_id
