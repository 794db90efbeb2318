"""Which workshop the current unit of work acts for.

- a job, a CLI command, a test or the demo loader binds one explicitly (`use_workshop(id)`),
  or the whole network for network tasks (`network_wide()`);
- a request acts for the workshop chosen with the switcher (kept in the session) if the user
  belongs to it, else the user's first workshop; a network admin may choose any workshop; a
  donor's pages are network-wide (a donor gives to several workshops; its portal filters by
  its own organisation); an API call acts for its token's workshop;
- with nothing bound (single-site installs, shell), the configured DEFAULT_WORKSHOP_ID.

`current_workshop_id()` is None only when the unit of work is network-wide. On PostgreSQL
the open transaction's `refurb.workshop_id` setting follows every change of scope (row-level
security, see refurb.workshops.row_security).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g, has_app_context, has_request_context, session
from psycopg import IsolationLevel
from psycopg import errors as pg_errors
from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from refurb.extensions import db
from refurb.workshops.models import Membership, Workshop

SESSION_KEY = "workshop_id"
NETWORK = "network"
# The scope while the request's user and memberships are being loaded: no tenant row matches.
NOBODY = -1
_BOUND = "refurb_workshop"
_RESOLVING = "refurb_workshop_resolving"
_MEMBERSHIPS = "refurb_memberships"
SETTING = "refurb.workshop_id"


def current_workshop_id() -> int | None:
    """The id of the workshop this unit of work acts for, None when network-wide."""
    scope = current_scope()
    return None if scope == NETWORK else scope


def require_workshop_id() -> int:
    """The current workshop's id; a network-wide unit of work that writes tenant data must
    name its workshop."""
    workshop_id = current_workshop_id()
    if workshop_id is None:
        raise RuntimeError("network-wide scope: bind a workshop (use_workshop) before writing "
                           "workshop data")
    return workshop_id


def current_scope() -> int | str:
    """A workshop id, or NETWORK."""
    if not has_app_context():
        return NOBODY
    bound = g.get(_BOUND)
    if bound is not None:
        return bound
    if has_request_context():
        if g.get(_RESOLVING):
            return NOBODY
        setattr(g, _RESOLVING, True)
        try:
            scope = _resolve_for_request()
        finally:
            g.pop(_RESOLVING, None)
        _set(scope)
        return scope
    return default_workshop_id()


def peek_scope() -> int | str:
    """The scope without resolving a request's (for code running while a connection begins).

    Before a web request's user is checked, the workshop it asks for (or the first) is given
    to the database: only accounts and memberships are read until then, none of them tenant
    rows, and the setting is corrected at once if the check decides otherwise."""
    if not has_app_context():
        return NOBODY
    bound = g.get(_BOUND)
    if bound is not None:
        return bound
    if has_request_context():
        from flask import request

        if request.path.startswith("/api/"):
            return NOBODY
        chosen = session.get(SESSION_KEY)
        return chosen if isinstance(chosen, int) else default_workshop_id()
    return default_workshop_id()


def is_network_wide() -> bool:
    return current_scope() == NETWORK


def default_workshop_id() -> int:
    return int(current_app.config.get("DEFAULT_WORKSHOP_ID", 1))


def bind(scope: int | str) -> None:
    """Act for workshop `scope` (or NETWORK) until the end of the request, job or command."""
    _set(scope)


@contextmanager
def use_workshop(scope: int | str) -> Iterator[None]:
    """Run a block for one workshop (or NETWORK), restoring the previous scope after."""
    previous = g.get(_BOUND) if has_app_context() else None
    _set(scope)
    try:
        yield
    finally:
        _set(previous)


@contextmanager
def network_wide() -> Iterator[None]:
    """Run a block across every workshop (network reports, public verification, donors)."""
    with use_workshop(NETWORK):
        yield


def _set(scope: int | str | None) -> None:
    if scope is None:
        g.pop(_BOUND, None)
    else:
        setattr(g, _BOUND, scope)
    refresh_setting()


# ------------------------------------------------------------------------------ requests

def memberships(user) -> list[Membership]:  # noqa: ANN001
    """The user's workshops with their role (read once per request)."""
    cached = g.get(_MEMBERSHIPS)
    if cached is None or cached[0] != user.id:
        rows = db.session.scalars(
            select(Membership).join(Workshop).where(Membership.user_id == user.id,
                                                    Workshop.active.is_(True))
            .order_by(Workshop.id)).all()
        cached = (user.id, list(rows))
        setattr(g, _MEMBERSHIPS, cached)
    return cached[1]


def _resolve_for_request() -> int | str:
    from flask import request
    from flask_login import current_user

    if request.path.startswith("/api/"):
        return NOBODY  # an API call acts for its token's workshop (bound once authenticated)
    user = current_user
    if not user or not user.is_authenticated:
        return default_workshop_id()
    if user.role == "donor":
        return NETWORK
    chosen = session.get(SESSION_KEY)
    if getattr(user, "network_admin", False):
        # A network admin acts as admin in whichever workshop they chose.
        set_committed_value(user, "role", "admin")
        if isinstance(chosen, int) and db.session.get(Workshop, chosen) is not None:
            return chosen
        own = memberships(user)
        return own[0].workshop_id if own else default_workshop_id()
    own = memberships(user)
    if not own:
        return NOBODY
    membership = next((m for m in own if m.workshop_id == chosen), own[0])
    # The role in the current workshop is the one every check reads (without a write).
    set_committed_value(user, "role", membership.role)
    return membership.workshop_id


def resolve_request_scope() -> None:
    """before_request: settle the scope once the user is known (API calls: at their token)."""
    from flask import request

    if not request.path.startswith("/api/"):
        current_scope()


# ------------------------------------------------------------------ row-level security

def setting_value(scope: int | str) -> str:
    return str(scope)


def network_lookup(connection) -> None:  # noqa: ANN001
    """On a side connection's transaction: the next reads are network-wide (a lookup by an
    unguessable secret, e.g. an API token)."""
    if connection.dialect.name == "postgresql":
        put_setting(connection, NETWORK)


def refresh_setting() -> None:
    """Give the session's open PostgreSQL transaction the current scope.

    Nothing is sent now: the scope is applied before the transaction's next statement (a
    block that changes scope and runs no query costs no round trip)."""
    if not has_app_context():
        return
    session = db.session()
    transaction = session.get_transaction()
    if transaction is None:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    connection.info[_WANTED] = setting_value(peek_scope())


# Connection.info keys: the value the open transaction holds, the one its next statement needs,
# and whether the transaction still has to be opened on the server.
_WANTED = "refurb.workshop_id.wanted"
_OPENING = "refurb.workshop_id.opening"
_LITERAL = re.compile(r"-?[0-9]+|network")


def transaction_begins(connection) -> None:  # noqa: ANN001
    """An engine "begin": the scope is sent with the server's BEGIN, before the first
    statement, in one round trip (see apply_setting)."""
    connection.info.pop(SETTING, None)
    connection.info[_WANTED] = setting_value(peek_scope())
    if getattr(connection.connection.dbapi_connection, "autocommit", False):
        # Autocommit: no transaction to open; as before, the setting is sent at once.
        put_setting(connection, connection.info[_WANTED])
    else:
        connection.info[_OPENING] = True


def transaction_ends(connection) -> None:  # noqa: ANN001
    for key in (SETTING, _WANTED, _OPENING):
        connection.info.pop(key, None)


def apply_setting(connection) -> None:  # noqa: ANN001
    """Before each statement: open the transaction with its scope, or change the scope if it
    changed since the last statement."""
    info = connection.info
    wanted = info.get(_WANTED)
    if info.pop(_OPENING, False) and wanted is not None:
        _begin_with_setting(connection, wanted)
    elif wanted is not None and info.get(SETTING) != wanted:
        put_setting(connection, wanted)


def _begin_with_setting(connection, value: str) -> None:  # noqa: ANN001
    """BEGIN and set_config in one simple query (psycopg would send its BEGIN on its own, one
    round trip more, then the setting); psycopg sees the transaction open and sends no BEGIN."""
    driver = connection.connection.dbapi_connection
    pgconn = getattr(driver, "pgconn", None)
    if (pgconn is None or not _LITERAL.fullmatch(value)
            or driver.info.transaction_status != TransactionStatus.IDLE):
        put_setting(connection, value)
        return
    command = (f"{_begin_command(driver)}; SELECT set_config('{SETTING}', '{value}', true)"
               ).encode()
    result = pgconn.exec_(command)
    if result.status != ExecStatus.TUPLES_OK:
        raise pg_errors.error_from_result(result, encoding=driver.info.encoding)
    connection.info[SETTING] = value


def _begin_command(driver) -> str:  # noqa: ANN001
    """The BEGIN psycopg itself would send for this connection's transaction options."""
    parts = ["BEGIN"]
    if driver.isolation_level is not None:
        level = IsolationLevel(driver.isolation_level).name.replace("_", " ")
        parts.append(f"ISOLATION LEVEL {level}")
    if driver.read_only is not None:
        parts.append("READ ONLY" if driver.read_only else "READ WRITE")
    if driver.deferrable is not None:
        parts.append("DEFERRABLE" if driver.deferrable else "NOT DEFERRABLE")
    return " ".join(parts)


def put_setting(connection, value: str) -> None:  # noqa: ANN001
    """Set the transaction's scope straight on the driver's connection: plumbing, not one of
    the statements a page is counted by."""
    if connection.info.pop(_OPENING, False):
        _begin_with_setting(connection, value)
    else:
        cursor = connection.connection.cursor()
        try:
            cursor.execute("SELECT set_config(%s, %s, true)", (SETTING, value))
        finally:
            cursor.close()
    connection.info[SETTING] = connection.info[_WANTED] = value
