"""How each unit of work talks to the database: reads never wait for a writer.

SQLite has one write lock per file. A transaction that starts with a plain (deferred) BEGIN reads
a snapshot without any lock, but if it later writes after another connection committed, SQLite
refuses at once ("database is locked": the busy timeout does not apply to a read turning into a
write). So the choice is made when the transaction begins:

- GET/HEAD requests, and CLI or job code that called `reading()`: BEGIN (deferred), no lock;
- everything else (POST requests, CLI commands, jobs that called `will_write()`):
  BEGIN IMMEDIATE, the write lock taken up front, waiting up to the busy timeout if needed;
- a GET that must write (an access-log row, an issued export) says so before it writes: the view
  is decorated with `@writes_on_get`, or
  the code calls `will_write()` (which ends a read-only transaction and starts a writing one).

In testing, an undeclared write inside a transaction that began deferred raises at once, so the
mistake is found by the first test that takes that path instead of by a busy server.

PostgreSQL needs none of this: READ COMMITTED (its default, set explicitly) never blocks readers,
and rows changed by two requests are protected by the optimistic version columns
(`refurb.concurrency`) and row locks. What a request costs there is round trips and
connections, so:
- the pool keeps one connection per gunicorn thread, plus two for side connections
  (`DB_POOL_SIZE`, set by gunicorn.conf.py): a busy worker never opens and closes a connection
  per request (a new server process, and its statements prepared again);
- a connection is pinged on checkout only when it sat unused for `DB_PING_AFTER_IDLE_SECONDS`
  (when a restarted server or a firewall may have dropped it), not before every request; a
  connection lost while in use makes SQLAlchemy discard every older one of the pool.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import event, exc, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from refurb.extensions import db

log = logging.getLogger(__name__)

READ, WRITE = "read", "write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


_TX_KEY = "refurb_tx"
_CONNECTION_KEY = "refurb_connection"
_DISPATCHED_KEY = "_refurb_request_dispatched"
_INTENT_KEY = "_refurb_db_intent"
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_SKIP_WORDS = ("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


class UndeclaredWrite(RuntimeError):
    """A transaction that began as a read tried to write (SQLite would refuse under load)."""


def writes_on_get(view: Callable) -> Callable:
    """Mark a view whose GET writes: its transaction takes the write lock from the start."""
    view.writes_on_get = True
    return view


def will_write(session: Any = None) -> None:
    """Declare that the current unit of work writes, before its first write.

    On SQLite an open read-only transaction is ended (nothing is lost: it wrote nothing) and a
    new one begins with the write lock; ORM objects already loaded are reloaded on next access.
    """
    session = session or db.session
    if has_app_context():
        setattr(g, _INTENT_KEY, WRITE)
    if session.get_bind().dialect.name != "sqlite":
        return
    tx = _session_tx(session)
    if tx is not None and tx["mode"] == READ and not tx["wrote"]:
        if session.new or session.dirty or session.deleted:
            raise UndeclaredWrite("will_write() after a change: declare it before the change.")
        session.rollback()
    session.connection()  # BEGIN IMMEDIATE now: the lock is ours before anything else runs


def write_after_reads(session: Any = None) -> None:
    """will_write() for a unit of work that did its reads first, under `intent(READ)`: on
    SQLite the read-only transaction ends with a COMMIT that keeps what it loaded (it changed
    nothing), so what runs under the write lock does not read it again. Reads that a
    concurrent writer could invalidate must be checked again after this call."""
    session = session or db.session
    if session.get_bind().dialect.name == "sqlite":
        tx = _session_tx(session)
        if (tx is not None and tx["mode"] == READ and not tx["wrote"]
                and not (session.new or session.dirty or session.deleted)):
            real = session() if callable(session) else session  # the scoped session's own
            keep = real.expire_on_commit
            real.expire_on_commit = False
            try:
                real.commit()
            finally:
                real.expire_on_commit = keep
    will_write(session)


def reading() -> None:
    """Declare that the current CLI command or job only reads until it calls will_write()."""
    setattr(g, _INTENT_KEY, READ)


@contextlib.contextmanager
def intent(value: str) -> Iterator[None]:
    """Run a block with a given intent (READ or WRITE), restoring the previous one after."""
    previous = getattr(g, _INTENT_KEY, None)
    setattr(g, _INTENT_KEY, value)
    try:
        yield
    finally:
        setattr(g, _INTENT_KEY, previous)


def holds_write_lock(session: Any = None) -> bool:
    """True when the session's SQLite transaction holds the write lock (always False elsewhere)."""
    tx = _session_tx(session or db.session)
    return tx is not None and (tx["mode"] == WRITE or tx["wrote"])


def writing_connection(engine: Engine) -> Connection:
    """A connection of its own whose transactions take the write lock (progress, heartbeats)."""
    return engine.connect().execution_options(refurb_intent=WRITE)


def current_intent(connection: Connection | None = None) -> str:
    if connection is not None:
        explicit = connection.get_execution_options().get("refurb_intent")
        if explicit:
            return explicit
    if has_app_context():
        declared = getattr(g, _INTENT_KEY, None)
        if declared:
            return declared
    # Only once the request is dispatched: code a test runs inside test_request_context()
    # keeps the command-line default.
    if has_request_context() and g.get(_DISPATCHED_KEY):
        if request.method not in SAFE_METHODS:
            return WRITE
        endpoint = request.endpoint or ""
        view = current_app.view_functions.get(endpoint)
        if getattr(view, "writes_on_get", False):
            return WRITE
        return READ
    return WRITE


def _open_tx(connection: Connection) -> dict | None:
    if connection.closed or not connection.in_transaction():
        return None
    return connection.info.get(_TX_KEY)


def _session_tx(session: Any) -> dict | None:
    """The SQLite transaction state of the session's connection, if one is open."""
    connection = session.info.get(_CONNECTION_KEY)
    return None if connection is None else _open_tx(connection)


# Session.info key: the session's transaction wrote (a streamed answer is committed then).
WROTE = "refurb.wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: object) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:  # noqa: ANN001
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _wrote_nothing_yet(session: Session, transaction) -> None:  # noqa: ANN001
    if transaction.parent is None:
        session.info.pop(WROTE, None)


@event.listens_for(Session, "after_begin")
def _remember_connection(session, _transaction, connection):  # noqa: ANN001
    session.info[_CONNECTION_KEY] = connection


@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session, transaction):  # noqa: ANN001
    if transaction.parent is None:
        session.info.pop(_CONNECTION_KEY, None)


def _undeclared_write(strict: bool) -> None:
    in_request = has_request_context() and g.get(_DISPATCHED_KEY)
    declared_read = has_app_context() and getattr(g, _INTENT_KEY, None) == READ
    where = request.endpoint if in_request else "job or command"
    message = (f"write in a read-only transaction ({where}): decorate the view with "
               "@writes_on_get or call refurb.database.will_write() first")
    # Test code itself (a factory after a GET in the same session) only gets the warning.
    if strict and (in_request or declared_read):
        raise UndeclaredWrite(message)
    log.warning(message)


def _mark_dispatched() -> None:
    setattr(g, _DISPATCHED_KEY, True)
    # A request that writes never continues a read-only transaction left open before it (tests
    # share one session across requests; in production each request has its own anyway).
    session = db.session
    tx = _session_tx(session)
    if (tx is not None and tx["mode"] == READ and not tx["wrote"] and current_intent() == WRITE
            and not (session.new or session.dirty or session.deleted)):
        session.rollback()




def init_database(app: Flask) -> None:
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {})
        options["connect_args"].setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        # We issue BEGIN ourselves (see below); pysqlite must not open transactions behind us.
        options["connect_args"]["isolation_level"] = None
    else:
        options.setdefault("isolation_level", "READ COMMITTED")
        options.setdefault("connect_args", {})
        options["connect_args"].setdefault("prepare_threshold",
                                           app.config.get("DB_PREPARE_THRESHOLD", 1))
        options.setdefault("pool_size", pool_size(app))
        options.setdefault("max_overflow", 4)
        # Server processes do not live for ever (memory held by caches, a moved primary).
        options.setdefault("pool_recycle", 3600)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    app.before_request(_mark_dispatched)
    if uri.startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"],
                             strict=bool(app.config.get("TESTING")))
    elif not options.get("pool_pre_ping"):
        with app.app_context():
            ping_idle_connections(db.engine, float(app.config.get(
                "DB_PING_AFTER_IDLE_SECONDS", PING_AFTER_IDLE_SECONDS)))


def pool_size(app: Flask) -> int:
    """One connection per gunicorn thread plus two for side connections (API tokens, job
    progress); REFURB_DB_POOL_SIZE overrides it."""
    configured = app.config.get("DB_POOL_SIZE")
    if configured:
        return int(configured)
    return int(os.environ.get("REFURB_THREADS", "8")) + 2


_CHECKED_IN = "refurb_checked_in"
PING_AFTER_IDLE_SECONDS = 10


def ping_idle_connections(engine: Engine, after_seconds: float) -> None:
    """Ping a pooled connection on checkout only if it sat unused for `after_seconds`; a failed
    ping makes the pool open a fresh connection (SQLAlchemy retries the checkout)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):  # noqa: ANN001
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):  # noqa: ANN001
        if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken",
                                                                    False):
            raise exc.DisconnectionError("connection closed")
        returned = record.info.get(_CHECKED_IN)
        if returned is None or time.monotonic() - returned < after_seconds:
            return  # just opened, or in use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(f"ping failed: {error}") from error
        if not alive:
            raise exc.DisconnectionError("ping failed")


SQLITE_BUSY = 5
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.0001, 0.001


class WriterQueue:
    """The writers of one process take SQLite's write lock in turn, without its busy handler.

    SQLite's busy handler sleeps 1, 2, 5, 10… up to 100 ms between tries: a writer that
    finds the lock taken usually sleeps on long after it was freed, and under load requests
    queue behind sleeping ones. Here the threads of a process wait on a lock of their own
    (woken the moment it is released), and the first of them tries BEGIN IMMEDIATE again
    every 0.1 to 1 ms while another process holds SQLite's lock. After the busy timeout it
    gives up as SQLite would ("database is locked")."""

    def __init__(self, busy_timeout_ms: int) -> None:
        self.busy_timeout_ms = int(busy_timeout_ms)
        self._turn = threading.Lock()
        self._holder: Any = None  # the DBAPI connection whose transaction has the turn

    def begin_immediate(self, connection: Connection) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        timeout_s = self.busy_timeout_ms / 1000
        deadline = time.monotonic() + timeout_s
        if self._holder is dbapi_connection or not self._turn.acquire(timeout=timeout_s):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite's own wait
            return
        self._holder = dbapi_connection
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            try:
                pause = FIRST_PAUSE_S
                while True:
                    try:
                        cursor.execute("BEGIN IMMEDIATE")
                        return
                    except sqlite3.OperationalError as error:
                        busy = getattr(error, "sqlite_errorcode", SQLITE_BUSY) & 0xFF
                        if busy != SQLITE_BUSY or time.monotonic() >= deadline:
                            break
                    time.sleep(pause)
                    pause = min(pause * 2, LONGEST_PAUSE_S)
                # Once more through SQLAlchemy, which reports the error as it always has.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                cursor.execute(f"PRAGMA busy_timeout={self.busy_timeout_ms}")
                cursor.close()
        except BaseException:
            self.leave(dbapi_connection)
            raise

    def leave(self, dbapi_connection: Any) -> None:
        dbapi_connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        if self._holder is not None and self._holder is dbapi_connection:
            self._holder = None
            self._turn.release()


# SQLite copies the WAL back into the database file from inside the COMMIT that finds more
# pages in it than this, while that writer still holds its process's turn. At SQLite's 1,000
# (4 MB) a station's machine registration, about forty pages, crossed it every twenty-five
# machines or so, for 4 to 7 ms each time; at 4,000 the copies are fewer and cheaper (the
# same pages, the tallies' and the indexes', are copied once for more machines) and the WAL
# still starts over at about 20 MB (scripts/bench api, measured alternately).
WAL_AUTOCHECKPOINT_PAGES = 4000


def configure_sqlite(engine: Engine, busy_timeout_ms: int, strict: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # REPLACE then fires DELETE triggers, so it cannot rewrite an append-only row.
        cursor.execute("PRAGMA recursive_triggers=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    writers = WriterQueue(busy_timeout_ms)
    # The queue's turn ends with the transaction: after its COMMIT or ROLLBACK has run (the
    # engine's commit and rollback events come before it), or when the pool rolls back a
    # connection given back in a transaction.
    dialect = engine.dialect
    for name in ("do_commit", "do_rollback"):
        def _ending(dbapi_connection, _end=getattr(dialect, name)):  # noqa: ANN001
            try:
                _end(dbapi_connection)
            finally:
                writers.leave(dbapi_connection)
        setattr(dialect, name, _ending)
    for name in ("invalidate", "close"):  # a connection lost or closed inside its transaction
        event.listen(engine, name, lambda dbapi_connection, *_: writers.leave(dbapi_connection))

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        mode = current_intent(connection)
        if mode == WRITE:
            writers.begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN")
        connection.info[_TX_KEY] = {"mode": mode, "statements": 0, "wrote": False}

    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(connection, _cursor, statement, _params, _context, _many):  # noqa: ANN001
        tx = _open_tx(connection)
        if tx is None:
            return
        word = statement.lstrip()[:8].upper()
        if word.startswith(_SKIP_WORDS):
            return
        if tx["mode"] == READ and not tx["wrote"] and word.startswith(_WRITE_WORDS):
            if tx["statements"]:
                # The read snapshot must become a write: refused at once if anyone committed.
                _undeclared_write(strict)
            tx["wrote"] = True
        tx["statements"] += 1

    for name in ("commit", "rollback"):
        @event.listens_for(engine, name)
        def _on_end(connection):  # noqa: ANN001
            connection.info.pop(_TX_KEY, None)


# ------------------------------------------------------------------- statements of hot writes

class DriverStatement:
    """A statement of a hot write, run on the driver's cursor when it holds SQLite's lock.

    Stations register machines many at once, and on SQLite every statement of that write
    runs under the write lock, which every writer of every worker waits for: there
    SQLAlchemy's execution (an execution context, a result, the events) cost 60 µs a
    statement around SQLite's own 15. So the statement is compiled once per set of
    parameter names (its SQL, its parameters in order and their conversions for the driver,
    the Python-side defaults of an INSERT's columns left out) and run on the cursor of the
    session's connection. The engine's statement events do not see it, so it runs this way
    only in a transaction that holds the write lock (which is what they check); elsewhere,
    and on PostgreSQL, it is an ordinary connection.execute. Either way the session counts
    as having written (WROTE). Only for INSERTs and upserts into tables that no cached
    configuration depends on: refurb.workshops.config_cache sees the ORM's statements only."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, ...], tuple[str, list[Callable[[dict], Any]]]] = {}

    def rows(self, params: dict[str, Any], session: Any = None) -> list[tuple]:
        session = session or db.session
        connection = session.connection()
        session.info[WROTE] = True
        if not holds_write_lock(session):
            return [tuple(row) for row in connection.execute(self.statement, params)]
        sql, values = self._form(connection.dialect, params)
        return _on_cursor(connection, sql, [value(params) for value in values])

    def scalar(self, params: dict[str, Any], session: Any = None) -> Any:
        found = self.rows(params, session)
        return found[0][0] if found else None

    def run_many(self, rows: list[dict[str, Any]], session: Any = None) -> None:
        """The statement once per row (rows with the same keys), returning nothing."""
        session = session or db.session
        connection = session.connection()
        session.info[WROTE] = True
        if not holds_write_lock(session):
            connection.execute(self.statement, rows)
            return
        sql, values = self._form(connection.dialect, rows[0])
        _on_cursor(connection, sql, [[value(row) for value in values] for row in rows],
                   many=True)

    def _form(self, dialect: Any, params: dict[str, Any]
              ) -> tuple[str, list[Callable[[dict], Any]]]:
        keys = tuple(params)
        form = self._forms.get(keys)
        if form is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
            defaults = {column.key: column.default for column in compiled.insert_prefetch}
            values = []
            for name in compiled.positiontup:
                bind = compiled.binds[name]
                if bind.expanding:
                    raise ValueError(f"{name}: a list parameter needs connection.execute")
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if bind.key not in params and bind.key not in defaults:
                    if bind.required:
                        raise ValueError(f"no value for the parameter {bind.key!r}")
                    values.append(_bound(bind, process))
                    continue
                values.append(_value(bind.key, defaults.get(bind.key), process))
            form = self._forms[keys] = (compiled.string, values)
        return form


def _on_cursor(connection: Connection, sql: str, parameters: list, many: bool = False
               ) -> list[tuple]:
    """The driver's errors raised as SQLAlchemy raises them (IntegrityError…), which is what
    callers catch."""
    dialect = connection.dialect
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
            return []
        return cursor.execute(sql, parameters).fetchall()
    except dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(sql, parameters, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from error
    finally:
        cursor.close()


def _bound(bind: Any, process: Callable | None) -> Callable[[dict], Any]:
    """A parameter the statement carries its own value for (computed at each run when a
    callable gives it, as SQLAlchemy does)."""
    if bind.callable is not None:
        produce = bind.callable
        return lambda _row: produce() if process is None else process(produce())
    fixed = bind.value if process is None else process(bind.value)
    return lambda _row: fixed


def _value(key: str, default: Any, process: Callable | None) -> Callable[[dict], Any]:
    """How one parameter's driver value is read from a row: the row's own value, or the
    column's Python-side default (as SQLAlchemy computes it: a callable gets no context),
    through the type's conversion."""
    if default is None:
        return (lambda row: row[key]) if process is None else (lambda row: process(row[key]))
    if default.is_callable:
        produce = default.arg
        def value(row):  # noqa: ANN001, ANN202
            found = row[key] if key in row else produce(None)
            return found if process is None else process(found)
        return value
    fixed = default.arg if process is None else process(default.arg)
    if process is None:
        return lambda row: row.get(key, fixed)
    return lambda row: process(row[key]) if key in row else fixed


# ------------------------------------------------------------------------------ bulk inserts

FEW_ROWS = 8
_DRIVER_INSERTS: dict[tuple, DriverStatement] = {}


def _driver_insert(table: Any, returning: tuple[str, ...]) -> DriverStatement:
    statement = _DRIVER_INSERTS.get((table.name, returning))
    if statement is None:
        inserting = insert(table)
        if returning:
            inserting = inserting.returning(*(table.c[name] for name in returning))
        statement = _DRIVER_INSERTS[(table.name, returning)] = DriverStatement(inserting)
    return statement


def insert_rows(table: Any, rows: list[dict[str, Any]], returning: tuple[str, ...] = (),
                hot: bool = False) -> list[tuple]:
    """Many rows (dicts with the same keys) in one statement; returns the `returning` columns
    of every row, in no particular order.

    PostgreSQL: INSERT … SELECT FROM unnest(one array per column). Its text is the same
    whatever the number of rows, so the driver neither builds nor parses a statement with one
    placeholder per value (24,000 for 1,000 devices: most of a large import's time), and the
    server plans it once. Elsewhere: SQLAlchemy's multi-row INSERT; `hot` (a machine's
    drives, written at every registration), a few rows one by one on the driver's cursor
    when the transaction holds SQLite's lock (DriverStatement). Python-side column defaults
    apply to the columns the rows leave out, as with an ORM insert."""
    if not rows:
        return []
    session = db.session
    if hot and len(rows) <= FEW_ROWS and holds_write_lock(session):
        statement = _driver_insert(table, returning)
        if returning:
            return [row for values in rows for row in statement.rows(values, session)]
        statement.run_many(rows, session)
        return []
    sql_defaults = any(c.default is not None and not c.primary_key and c.name not in rows[0]
                       and (c.default.is_clause_element or c.default.is_sequence)
                       for c in table.columns)
    if session.get_bind().dialect.name != "postgresql" or sql_defaults:
        statement = insert(table)
        if returning:
            return [tuple(r) for r in session.execute(
                statement.returning(*(table.c[name] for name in returning)), rows)]
        session.execute(statement, rows)
        return []
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns = {name: [row[name] for row in rows] for name in names}
    for column in table.columns:
        if column.name in columns or column.default is None or column.primary_key:
            continue
        default = column.default
        columns[column.name] = ([default.arg(None) for _ in rows] if default.is_callable
                                else [default.arg] * len(rows))
    arrays, casts = {}, []
    for index, (name, values) in enumerate(columns.items()):
        type_ = table.c[name].type
        process = type_.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            values = [process(value) for value in values]
        arrays[f"c{index}"] = values
        casts.append(f"CAST(%(c{index})s AS {type_.compile(dialect=dialect)}[])")
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"SELECT * FROM unnest({', '.join(casts)})")
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
        return [tuple(r) for r in connection.exec_driver_sql(sql, arrays)]
    connection.exec_driver_sql(sql, arrays)
    return []
