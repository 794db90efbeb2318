"""Item 10: instance/ (database, secret key, data key, config.py) is the service account's
only: the directory 0700 and its files 0600 from their creation, and older files tightened."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import text

from refurb import create_app
from refurb.extensions import db


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A fresh instance directory, a development app with nothing configured, the usual
    umask under which files used to come out world-readable."""
    path = tmp_path / "instance"
    monkeypatch.setenv("REFURB_INSTANCE_PATH", str(path))
    for name in ("REFURB_DATABASE_URL", "DATABASE_URL", "REFURB_SECRET_KEY",
                 "REFURB_ENV_NAME", "REFURB_DATA_ENCRYPTION_KEY"):
        monkeypatch.delenv(name, raising=False)
    previous = os.umask(0o022)
    yield path
    os.umask(previous)


def _use(app, instance) -> None:
    """What a first run does: write to the database, encrypt a secret. SQLite's -wal and
    -shm files live while a connection is open: they must be private too."""
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
            for suffix in ("-wal", "-shm"):
                assert mode(instance / f"refurb.db{suffix}") == 0o600
        from refurb import secret_box

        secret_box.encrypt("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE")
        db.engine.dispose()


def test_files_are_created_private(instance):
    app = create_app()
    keep = app.config["SECRET_KEY"]
    _use(app, instance)
    assert mode(instance) == 0o700
    created = sorted(p.name for p in instance.iterdir())
    assert {"refurb.db", "secret_key", "data_key"} <= set(created)
    for path in instance.iterdir():
        assert mode(path) == 0o600, path.name
    # The next start reads the same keys back.
    assert create_app().config["SECRET_KEY"] == keep


def test_files_an_older_version_left_readable_are_tightened(instance):
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    for name in ("refurb.db", "secret_key", "config.py"):
        (instance / name).write_text("")
        os.chmod(instance / name, 0o644)
    (instance / "secret_key").write_text("an-old-development-key")
    create_app()
    assert mode(instance) == 0o700
    assert {p.name: mode(p) for p in instance.iterdir()} == {
        "refurb.db": 0o600, "secret_key": 0o600, "config.py": 0o600, "jobs-queue.db": 0o600}
