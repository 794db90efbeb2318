"""A short autocommit connection beside the request's session, for what must not wait for,
or hold, the request's transaction: reading the caller's token and the idempotency record
before the request's work starts, bumping rate-limit counters.

On SQLite the app's engine opens every transaction with BEGIN IMMEDIATE (the write lock): a
token read through the session would hold that lock for the whole request, while parsing a
hardware report for instance, and serialize every worker. This connection reads without
taking it. On PostgreSQL it is a connection of the app's pool, in autocommit while held.

When the session already holds a transaction (a test sharing its session with the requests
it sends, a CLI), its own connection is used: on SQLite a second one would wait for the lock
its own thread holds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_app_context
from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Connection, Engine, make_url

from refurb.database import WAL_AUTOCHECKPOINT_PAGES
from refurb.extensions import db

_sqlite_engines: dict[tuple[int, str], Engine] = {}


def _sqlite_engine(url: str, busy_timeout_ms: int) -> Engine:
    key = (os.getpid(), url)  # a forked worker makes its own
    engine = _sqlite_engines.get(key)
    if engine is None:
        engine = create_engine(url, pool_size=2, max_overflow=8, isolation_level="AUTOCOMMIT",
                               connect_args={"timeout": busy_timeout_ms / 1000,
                                             "check_same_thread": False})

        path = make_url(url).database or ""

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
            cursor.close()
            record.info["inode"] = _inode(path)

        @event.listens_for(engine, "checkout")
        def _on_checkout(_dbapi_connection, record, _proxy):  # noqa: ANN001
            # A database file replaced under us (a restore, a test's fresh copy): reopen.
            if record.info.get("inode") != _inode(path):
                raise exc.DisconnectionError("database file replaced")

        _sqlite_engines[key] = engine
    return engine


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


@contextmanager
def side_connection(url: str | None = None, busy_timeout_ms: int | None = None
                    ) -> Iterator[Connection]:
    if has_app_context() and db.session().in_transaction():
        yield db.session.connection()
        return
    url = url or current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        timeout = busy_timeout_ms or current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        with _sqlite_engine(url, timeout).connect() as connection:
            yield connection
        return
    with db.engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")
