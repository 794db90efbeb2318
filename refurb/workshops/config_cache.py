"""What nearly every page reads of a workshop's configuration and admins seldom change (the QA
checklist, the build profiles, the stored settings), kept in each worker between requests.

Values are filed under the workshop's `config_stamp`, a random token replaced in the same
transaction as any change to a watched table: an ORM flush of one of its rows, or an ORM
UPDATE/INSERT/DELETE statement on it. A request reads the workshop row anyway (with the user's
memberships), so every worker sees a change at its next request, with no query of its own.
The transaction that made a change reads nothing from the cache. A network-wide unit of work,
or a workshop without a stamp, always reads the database. Writes that bypass the ORM (raw SQL,
migrations) must restart the workers or change the stamp themselves.

An API request reads no workshop row (its token query carries what it needs): it may call
`trust_recent_stamp()` to reuse a stamp this worker read less than a second ago rather than
query it for every report. A change made in this worker is seen at once (its renewal forgets
the remembered stamps); one made in another worker, within that second.

Cached values must be plain data (no ORM rows: they belong to one session) and are shared:
callers must not change them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import g, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from refurb.extensions import db
from refurb.workshops.context import current_workshop_id
from refurb.workshops.models import Workshop

T = TypeVar("T")

_VALUES: dict[tuple, Any] = {}
_LIMIT = 1024  # a few names × keys × workshops; beyond that something churns: start again
_WATCHED: set[str] = set()  # table names
_CHANGED = "refurb.config_changed"  # Session.info key: this session changed the configuration
_TRUST_RECENT = "refurb_config_trust_recent"  # g key: this unit of work may reuse a recent stamp
_RECENT_FOR = 1.0  # seconds a stamp read from the database is reused by trusting units of work
_RECENT: dict[int, tuple[str, float]] = {}  # workshop id -> (stamp, monotonic time read)


def watch(*tables: str) -> None:
    """Tables whose rows the cached values are read from (declared in refurb.wiring)."""
    _WATCHED.update(tables)


def cached(name: str, key: Hashable, load: Callable[[], T]) -> T:
    """`load()` for the current workshop, computed once per configuration stamp."""
    stamp = _stamp()
    if stamp is None:
        return load()
    entry = (name, key, stamp)
    try:
        return _VALUES[entry]
    except KeyError:
        pass
    value = load()
    if len(_VALUES) >= _LIMIT:
        _VALUES.clear()
    _VALUES[entry] = value
    return value


def trust_recent_stamp() -> None:
    """Let this request reuse a configuration stamp read by this worker within the last second
    (API calls: a stale second is harmless there, a query per report is not)."""
    g.setdefault(_TRUST_RECENT, True)


def forget_recent_stamps() -> None:
    """After a write that bypassed the ORM (a restored database, a migration in-process):
    stamps remembered by this worker may no longer be the database's."""
    _RECENT.clear()


def _stamp() -> tuple[int, str] | None:
    session = db.session()
    if session.info.get(_CHANGED):
        return None
    workshop_id = current_workshop_id()
    if workshop_id is None or workshop_id < 0:
        return None
    workshop = session.identity_map.get(Session.identity_key(Workshop, workshop_id))
    if workshop is None and has_app_context() and g.get(_TRUST_RECENT):
        recent = _RECENT.get(workshop_id)
        if recent is not None and time.monotonic() - recent[1] < _RECENT_FOR:
            return workshop_id, recent[0]
    if workshop is None:
        workshop = session.get(Workshop, workshop_id)
    if workshop is None or not workshop.config_stamp:
        return None
    _RECENT[workshop_id] = (workshop.config_stamp, time.monotonic())
    return workshop_id, workshop.config_stamp


# ----------------------------------------------------------------------------- invalidation

def _table_of(obj: object) -> str | None:
    return getattr(type(obj), "__tablename__", None)


def _after_flush(session: Session, _flush_context: Any) -> None:
    touched = [o for o in (*session.new, *session.dirty, *session.deleted)
               if _table_of(o) in _WATCHED]
    if not touched:
        return
    owners = {getattr(o, "workshop_id", None) for o in touched}
    # A network-wide row (workshop_id NULL) is every workshop's configuration.
    _renew(session, None if None in owners else owners)


def _on_orm_statement(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in _WATCHED:
        _renew(state.session, None)


def _renew(session: Session, workshop_ids: set[int] | None) -> None:
    statement = update(Workshop.__table__).values(config_stamp=uuid.uuid4().hex)
    if workshop_ids is not None:
        statement = statement.where(Workshop.__table__.c.id.in_(workshop_ids))
    session.connection().execute(statement)
    session.info[_CHANGED] = True
    _RECENT.clear()


def _after_commit(session: Session) -> None:
    # A stamp another thread of this worker read before this change was committed is stale.
    if session.info.get(_CHANGED):
        _RECENT.clear()


def install() -> None:
    """Listen to every session's changes (once per process; create_app may run many times)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_orm_statement)
        event.listen(Session, "after_commit", _after_commit)
