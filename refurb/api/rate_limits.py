"""Per-token rate limits (Flask-Limiter) counted in the application's database.

Flask-Limiter's own storages are process memory (each gunicorn worker would count apart, so a
token would get the limit once per worker) or Redis/Memcached/MongoDB, servers a workshop
does not run. The database is already shared by every worker and app server, so the counters
live there: one row per token and window, bumped by one atomic upsert.

The counters use their own autocommit connection, apart from the request's session: a
request that fails still counts, and the request's transaction (SQLite takes its write lock
at BEGIN) is not opened before the limit is checked. When the session already holds a
transaction (a test sharing its session with the requests it sends), the counters go through
it instead: on SQLite a second connection would wait for the lock its own thread holds.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context
from flask_limiter import Limiter
from limits.storage import Storage
from sqlalchemy import case, create_engine, delete, event, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from refurb.api.models import RateCounter
from refurb.extensions import db

SCHEME = "refurb+db"
PRUNE_ONE_IN = 200  # every so often an increment also deletes long-expired windows
COUNTERS = RateCounter.__table__


class DatabaseStorage(Storage):
    """A `limits` storage over the `api_rate_counters` table (fixed-window strategy)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.database_url = str(options["database_url"])
        self.busy_timeout_ms = int(options.get("busy_timeout_ms", 5000))
        self._engine: Engine | None = None
        self._pid = 0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @property
    def sqlite_engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():  # a forked worker: its own engine
            self._engine = self._make_sqlite_engine()
            self._pid = os.getpid()
        return self._engine

    def _make_sqlite_engine(self) -> Engine:
        # Not the app's engine: that one starts every transaction with BEGIN IMMEDIATE.
        # A connection per use (cheap on SQLite), so a test's fresh database file is seen.
        engine = create_engine(self.database_url, poolclass=NullPool,
                               isolation_level="AUTOCOMMIT",
                               connect_args={"timeout": self.busy_timeout_ms / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        if has_app_context() and db.session().in_transaction():
            yield db.session.connection()
            return
        if self.database_url.startswith("sqlite"):
            with self.sqlite_engine.connect() as connection:
                yield connection
            return
        # PostgreSQL: a connection of the app's pool, in autocommit while we hold it.
        with db.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        dialect_insert = (sqlite_insert if self.database_url.startswith("sqlite")
                          else postgresql_insert)
        new = dialect_insert(COUNTERS).values(key=key, count=amount, expires_at=now + expiry)
        expired = COUNTERS.c.expires_at <= now
        upsert = new.on_conflict_do_update(
            index_elements=[COUNTERS.c.key],
            set_={
                "count": case((expired, new.excluded.count),
                              else_=COUNTERS.c.count + new.excluded.count),
                "expires_at": case((expired, new.excluded.expires_at),
                                   else_=COUNTERS.c.expires_at),
            },
        ).returning(COUNTERS.c.count)
        with self.connect() as connection:
            count = connection.execute(upsert).scalar_one()
            if random.randrange(PRUNE_ONE_IN) == 0:
                connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at < now - 3600))
        return int(count)

    def get(self, key: str) -> int:
        with self.connect() as connection:
            count = connection.execute(select(COUNTERS.c.count).where(
                COUNTERS.c.key == key, COUNTERS.c.expires_at > time.time())).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        with self.connect() as connection:
            expires = connection.execute(select(COUNTERS.c.expires_at).where(
                COUNTERS.c.key == key)).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.connect() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with self.connect() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))


def make_limiter(app: Flask, key_func) -> Limiter:
    limiter = Limiter(
        key_func=key_func,
        storage_uri=f"{SCHEME}://",
        storage_options={"database_url": app.config["SQLALCHEMY_DATABASE_URI"],
                         "busy_timeout_ms": app.config["SQLITE_BUSY_TIMEOUT_MS"]},
        strategy="fixed-window",
        headers_enabled=True,
        key_prefix="api",
    )
    limiter.init_app(app)
    return limiter


def limit_for_token() -> str:
    return str(current_app.config["API_RATE_LIMIT"])
