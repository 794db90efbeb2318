"""/healthz for load balancers, and one request id from the log line to the error page."""

from __future__ import annotations

import io
import json
import logging
import shutil
from datetime import datetime

import pytest
from sqlalchemy.engine import make_url

from refurb.backups import services as backups
from refurb.logs import json_handler
from tests.conftest import PG_URL, make_app


def test_healthz_is_ok_when_everything_is(app, db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "queue": True, "disk": True}
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]


def test_healthz_turns_503_when_the_database_is_gone(app, db, _db_location, tmp_path):
    if PG_URL:
        # The same server, a database that is not there (dropped, or a wrong name).
        url = make_url(PG_URL)
        gone = url.set(database=f"refurb_gone_{url.database}").render_as_string(False)
        server = make_app({**_db_location, "uri": gone})
    else:
        folder = tmp_path / "data"
        folder.mkdir()
        shutil.copyfile(_db_location["template"], folder / "refurb.db")
        server = make_app({**_db_location, "uri": f"sqlite:///{folder / 'refurb.db'}"})
        assert server.test_client().get("/healthz").status_code == 200
        with server.app_context():
            from refurb.extensions import db as _db

            _db.engine.dispose()
        shutil.rmtree(folder)  # the disk holding the database was unmounted
    response = server.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unhealthy" and body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]


def test_healthz_turns_503_when_migrations_are_missing(app, db, _db_location, tmp_path):
    if PG_URL:
        pytest.skip("the same check runs on SQLite; PostgreSQL has one test database here")
    path = tmp_path / "old.db"
    shutil.copyfile(_db_location["template"], path)
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0010'")
    response = make_app({**_db_location, "uri": f"sqlite:///{path}"}).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"]["current"] == ["0010"]


def test_a_request_id_is_on_the_response_the_log_line_and_the_error_page(app, db, client,
                                                                         login_as):
    stream = io.StringIO()
    handler = json_handler(stream)
    access = logging.getLogger("refurb.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        login_as("technician")
        given = client.get("/devices", headers={"X-Request-ID": "lb-7f3a.42"})
        made = client.get("/no-such-page")
        refused = client.get("/devices", headers={"X-Request-ID": "bad id <script>"})
    finally:
        access.removeHandler(handler)
    assert given.headers["X-Request-ID"] == "lb-7f3a.42"
    generated = made.headers["X-Request-ID"]
    assert len(generated) == 32 and generated in made.get_data(as_text=True)
    assert made.status_code == 404
    assert refused.headers["X-Request-ID"] not in ("", "bad id <script>")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["request_id"], line["path"], line["status"]) for line in lines] == [
        ("lb-7f3a.42", "/devices", 200), (generated, "/no-such-page", 404),
        (refused.headers["X-Request-ID"], "/devices", 200)]
    assert all(line["level"] == "info" and line["duration_ms"] >= 0 for line in lines)


def test_nightly_retention_deletes_only_old_nightly_archives(app, db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    app.config["BACKUP_DIR"] = str(folder)
    try:
        for day in range(1, 32):
            (folder / f"refurb-sqlite-202603{day:02d}-013000-nightly.tar.gz").write_bytes(b"x")
        (folder / "refurb-sqlite-20260301-090000.tar.gz").write_bytes(b"by hand")
        removed = backups.apply_retention(app, now=datetime(2026, 3, 31, 1, 30))
    finally:
        app.config["BACKUP_DIR"] = str(tmp_path / "unused")
    left = sorted(p.name[14:22] for p in folder.iterdir())
    assert len(removed) == 31 - 9
    assert left == ["20260301", "20260315", "20260322", "20260325", "20260326", "20260327",
                    "20260328", "20260329", "20260330", "20260331"]
