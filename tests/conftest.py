"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL when
REFURB_TEST_DATABASE_URL is set), reset before every test, and signed-in clients per role."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

from refurb import create_app
from refurb.extensions import db as _db
from refurb.workshops import config_cache

PG_URL = os.environ.get("REFURB_TEST_DATABASE_URL", "")
ENGINE = "postgresql" if PG_URL else "sqlite"


def pytest_report_header(config):
    return f"database engine under test: {ENGINE}" + (f" ({PG_URL})" if PG_URL else "")


def _worker_database_url(url: str, worker: str) -> str:
    """Under pytest-xdist each worker gets its own database next to the one given
    (`<name>_gw0`, `<name>_gw1`…), created on first use: the per-test reset empties a whole
    database, so two workers can never share one. Without xdist, the given database itself."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                {"name": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _db_location(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("db")
    if PG_URL:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        uri = _worker_database_url(PG_URL, worker) if worker else PG_URL
        return {"uri": uri, "path": None, "template": None, "instance": root}
    path = root / "refurb-test.db"
    return {"uri": f"sqlite:///{path}", "path": path, "template": root / "template.db",
            "instance": root}


@pytest.fixture(autouse=True, scope="session")
def _password_hashes_paid_once():
    """scrypt costs about 0.1 s of CPU and 32 MB per call, by design; the suite's thousands
    of users share a handful of passwords. Each password is hashed once (a real salted scrypt
    hash) and each (hash, password) pair checked once: same answers, paid once."""
    from refurb.accounts import services

    patch = pytest.MonkeyPatch()
    patch.setattr(services, "hash_password", functools.cache(services.hash_password))
    patch.setattr(services, "check_password_hash", functools.cache(services.check_password_hash))
    yield
    patch.undo()


class IsolatedClient(FlaskClient):
    """Tests keep an app context open (for the `db` fixture); Flask then reuses it for each
    request, and with it `g`, where Flask-Login and Flask-Babel cache the user and the locale.
    Start every request with an empty `g`, as in production."""

    def open(self, *args, **kwargs):
        with contextlib.suppress(RuntimeError):  # no app context pushed: nothing to clear
            g.__dict__.clear()
        return super().open(*args, **kwargs)


_EXTRA_APPS: list = []


def _build_app(location: dict, **overrides):
    config = {
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": location["uri"],
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_BASE_URL": "http://refurb.test",
        # Licence keys are encrypted at rest; a fixed key keeps instance/ out of the tests.
        "DATA_ENCRYPTION_KEY": "cmVmdXJiLXRlc3RzLWRhdGEta2V5LTMyLWJ5dGVzISE=",
        # Backups and the job queue write files: never into the checkout's instance/.
        "INSTANCE_PATH": str(Path(location.get("instance") or tempfile.mkdtemp()) / "instance"),
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


def make_app(location: dict, **overrides):
    """Another app on the same database, like a second worker; closed after the test."""
    app = _build_app(location, **overrides)
    _EXTRA_APPS.append(app)
    return app


@pytest.fixture(scope="session")
def app(_db_location):
    from flask_migrate import upgrade

    app = _build_app(_db_location)
    with app.app_context():
        if PG_URL:
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
                _create_probe_role(conn)
        upgrade(revision="heads")
        if PG_URL:
            _db_location["seed"] = _seeded_rows()
            with _db.engine.connect() as conn:
                _db_location["reset_script"] = _postgresql_reset_script(conn)
        if not PG_URL:
            # Closing the last connection checkpoints the WAL into the main file.
            _db.session.remove()
            _db.engine.dispose()
            shutil.copyfile(_db_location["path"], _db_location["template"])
    return app


PROBE_ROLE = "refurb_rls_probe"


def _create_probe_role(conn) -> None:
    """The role row-level-security tests take (not a superuser, so the policies apply to it).
    Roles belong to the whole cluster, not to one database: xdist workers, each on its own
    database of one server, race to create it (an advisory lock would not stop them, it
    belongs to one database too), so the loser of the race takes the winner's role."""
    if not conn.execute(text("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                             "WHERE rolname = current_user")).scalar():
        return  # the tests that need it will say why they cannot make it
    conn.execute(text(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
        f"'{PROBE_ROLE}') THEN CREATE ROLE {PROBE_ROLE} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"))


def _dispose_extra_apps(forget: bool = True) -> None:
    """Close the other apps' connections (kept for the test still using them: forget=False)."""
    for extra in _EXTRA_APPS:
        with extra.app_context():
            _db.session.remove()
            _db.engine.dispose()
    if forget:
        _EXTRA_APPS.clear()


def _seeded_rows() -> list[tuple[str, list[dict]]]:
    """Rows the migrations themselves insert (default checklist, profiles…): PostgreSQL is
    emptied between tests, so they are put back to match SQLite's fresh copy."""
    seed = []
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in conn.execute(table.select())]
            if rows:
                seed.append((table.name, rows))
    return seed


def _restore_seed(conn, seed) -> None:
    for name, rows in seed:
        table = _db.metadata.tables[name]
        conn.execute(table.insert(), rows)
        if "id" in table.c:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"))


def _empty_postgresql(conn, seed) -> None:
    """Fallback when the test role is not a superuser: TRUNCATE (slow: new files for every
    table and index) of the tables a test wrote to and those the migrations seed."""
    tables = [t.name for t in _db.metadata.sorted_tables]
    probe = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables)
    dirty = {row[0] for row in conn.execute(text(probe))} | {name for name, _rows in seed}
    if dirty:
        conn.execute(text(f"TRUNCATE {', '.join(sorted(dirty))} RESTART IDENTITY CASCADE"))
    _restart_sequences(conn)


def _restart_sequences(conn) -> None:
    """Every sequence starts again at 1, as in SQLite's fresh copy (a rolled-back insert
    moves a sequence without leaving a row)."""
    sequences = conn.execute(text(
        "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
        "WHERE schemaname = current_schema() AND last_value IS NOT NULL")).scalars().all()
    if sequences:
        conn.execute(text("SELECT " + ", ".join(
            f"setval('{name}', 1, false)" for name in sequences)))


def _rows_again(conn) -> tuple[list, list]:
    """The start of a DO block that empties every table and inserts the rows it holds now
    again (as the server writes them out in JSON), triggers and foreign-key checks off for
    the transaction; and the tables that had rows."""
    tables = _db.metadata.sorted_tables
    lines = ["SET LOCAL session_replication_role = replica;"]
    lines += [f"DELETE FROM {table.name};" for table in reversed(tables)]
    filled = []
    for table in tables:
        rows = conn.execute(text(
            f"SELECT jsonb_agg(t)::text FROM (SELECT * FROM {table.name} ORDER BY 1) t")).scalar()
        if rows is None:
            continue
        assert "$rows$" not in rows
        lines.append(f"INSERT INTO {table.name} SELECT * FROM jsonb_populate_recordset("
                     f"NULL::{table.name}, $rows${rows}$rows$::jsonb);")
        filled.append(table)
    return lines, filled


def _postgresql_reset_script(conn) -> str | None:
    """One DO block, one round trip, that puts the database back as the migrations left it:
    DELETE every table (on tables of a few rows it costs far less than TRUNCATE, which makes
    new files for each table and index and unlinks the old ones at commit), restart every
    used sequence at 1, insert the migrations' own rows again (as the server itself wrote
    them out in JSON) and move their sequences past them.
    Append-only triggers refuse DELETE: `session_replication_role = replica` turns triggers
    (and foreign-key checks) off for this transaction only, which needs a superuser; without
    one, None (the TRUNCATE fallback)."""
    if not conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        return None
    lines, filled = _rows_again(conn)
    lines.append(
        "FOR seq IN SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
        "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL "
        "LOOP PERFORM setval(seq, 1, false); END LOOP;")
    lines += [f"PERFORM setval(pg_get_serial_sequence('{table.name}', 'id'), "
              f"(SELECT max(id) FROM {table.name}));" for table in filled if "id" in table.c]
    lines.append("SET LOCAL session_replication_role = origin;")
    return "DO $reset$ DECLARE seq text; BEGIN\n" + "\n".join(lines) + "\nEND $reset$"


def _reset_database(app, location: dict, snapshot: str | Path | None = None,
                    forget_apps: bool = True) -> None:
    """Every test starts from the freshly migrated schema with no rows (or, given a snapshot
    of `_snapshot_database`, with exactly the rows and sequences it holds)."""
    _dispose_extra_apps(forget=forget_apps)
    config_cache.forget_recent_stamps()  # the restored rows carry their own stamps
    with app.app_context():
        _db.session.remove()
        if PG_URL:
            script = snapshot or location.get("reset_script")
            with _db.engine.begin() as conn:
                if script:
                    # The driver's own cursor: no parameters, so the JSON is sent as it is.
                    with conn.connection.dbapi_connection.cursor() as cursor:
                        cursor.execute(script)
                else:
                    _empty_postgresql(conn, location["seed"])
                    _restore_seed(conn, location["seed"])
        else:
            _db.engine.dispose()
            path: Path = location["path"]
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            # A new file (new inode), never rewritten in place under an open connection.
            fresh = path.with_suffix(".fresh")
            shutil.copyfile(snapshot or location["template"], fresh)
            fresh.replace(path)


def _snapshot_database(app, location: dict, key: str) -> str | Path | None:
    """The database as it is now, to put back later with `_reset_database`: SQLite, a copy
    of the file (the backup API, so the WAL is in it); PostgreSQL, a DO block like the reset
    script, with every row as the server writes it out in JSON and every sequence where it
    stands. None when the test role cannot switch triggers off (no superuser)."""
    _dispose_extra_apps(forget=False)
    with app.app_context():
        _db.session.remove()
        if not PG_URL:
            import sqlite3

            target = location["path"].with_name(f"shared-{len(_SHARED)}.db")
            source, copy = sqlite3.connect(location["path"]), sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
            return target
        if not location.get("reset_script"):
            return None
        with _db.engine.connect() as conn:
            lines, _filled = _rows_again(conn)
            for name, last_value in conn.execute(text(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                    "last_value FROM pg_sequences WHERE schemaname = current_schema()")):
                lines.append(f"PERFORM setval('{name}', {last_value or 1}, "
                             f"{'true' if last_value is not None else 'false'});")
        lines.append("SET LOCAL session_replication_role = origin;")
        return "DO $restore$ BEGIN\n" + "\n".join(lines) + "\nEND $restore$"


def _attached(value):
    """The value with every model instance in it (in dataclasses, dicts, lists, tuples)
    loaded again in the current session: the snapshot's rows, no object of another test."""
    import dataclasses

    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.orm import InstanceState

    if isinstance(value, (list, tuple, set)):
        return type(value)(_attached(item) for item in value)
    if isinstance(value, dict):
        return {key: _attached(item) for key, item in value.items()}
    state = sa_inspect(value, raiseerr=False)
    if isinstance(state, InstanceState):
        assert state.key is not None, f"{value!r} was never written"
        return _db.session.get(state.class_, state.key[1])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        copied = copy.copy(value)
        for name, item in vars(value).items():
            setattr(copied, name, _attached(item))
        return copied
    return value


_SHARED: dict[str, tuple[object, str | Path]] = {}


@pytest.fixture
def shared_rows(app, db, _db_location) -> Callable:
    """shared_rows(key, build) → what build() returns, with the rows it writes. Data that
    costs seconds to build and that several tests only start from is built once per test
    process: the database it leaves is snapshotted, and each later test asking for the same
    key starts from that snapshot (rows, sequences: the same state build() left) instead of
    building it again. Either way the database holds only what build() wrote: call it
    before writing anything else. Model instances in the result are loaded afresh in the
    test's session; anything else in it must be plain data."""

    def _shared(key: str, build: Callable):
        if key in _SHARED:
            result, snapshot = _SHARED[key]
            _reset_database(app, _db_location, snapshot, forget_apps=False)
            return _attached(result)
        # From the fresh database, whatever the test wrote before: both ways start alike.
        _reset_database(app, _db_location, None, forget_apps=False)
        result = build()
        _db.session.commit()
        snapshot = _snapshot_database(app, _db_location, key)
        if snapshot is not None:
            _SHARED[key] = (result, snapshot)
        return _attached(result)

    return _shared


@pytest.fixture
def db(app, _db_location) -> Iterator:
    _reset_database(app, _db_location)
    ctx = app.app_context()
    ctx.push()
    try:
        yield _db
    finally:
        _db.session.remove()
        ctx.pop()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def make_user(db) -> Callable:
    from tests.factories import make_user as factory

    return factory


@pytest.fixture
def login_as(app, db, client) -> Callable:
    """login_as("technician") → the signed-in User; the `client` fixture carries the session."""
    from tests.factories import make_user

    def _login(role: str, **kwargs):
        user = make_user(role=role, **kwargs)
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return user

    return _login


@pytest.fixture
def engine_name() -> str:
    return ENGINE
