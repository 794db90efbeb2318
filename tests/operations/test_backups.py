"""Backups: taken while documents keep being issued, restored into an empty database, every
table and every document identical; a damaged archive is caught; a non-empty base is refused."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from refurb.backups import services as backups
from refurb.clock import utcnow
from refurb.demo import load_demo
from refurb.documents.services import issue_document
from refurb.extensions import db as _db
from tests.conftest import PG_URL, make_app


def _issue(index: int) -> None:
    issue_document(kind="register_export", number=f"REG-T-{index:05d}", subject=f"test:{index}",
                   payload={"line": index}, render=lambda payload, version, now: os.urandom(3000),
                   filename_stem=f"registre-{index}", actor_id=None, now=utcnow())


def _documents(conn) -> list[tuple]:
    rows = conn.execute(text("SELECT id, number, version, sha256, content FROM issued_documents "
                             "ORDER BY id")).all()
    return [(r.id, r.number, r.version, r.sha256, hashlib.sha256(r.content).hexdigest())
            for r in rows]


def _state(app) -> dict:
    with app.app_context(), _db.engine.connect() as conn:
        found = backups.inventory(conn)
        found["document_rows"] = _documents(conn)
        conn.rollback()
    return found


@pytest.fixture
def populated(app, db):
    load_demo()
    for index in range(20):
        _issue(index)
    db.session.commit()
    db.session.remove()


def _empty_target(app, _db_location, tmp_path):
    """A fresh instance folder and an empty database on the same engine."""
    instance = str(tmp_path / "restored-instance")
    if not PG_URL:
        location = {**_db_location, "uri": f"sqlite:///{tmp_path / 'restored.db'}"}
        return make_app(location, INSTANCE_PATH=instance)
    # One PostgreSQL database per test run: empty it (the next test's reset finds the same
    # schema again, restored from the dump).
    target = make_app(_db_location, INSTANCE_PATH=instance)
    for each in (app, target):
        with each.app_context():
            _db.session.remove()
            _db.engine.dispose()
    with target.app_context(), _db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return target


def test_a_backup_under_write_load_restores_every_row_and_document(
        app, populated, _db_location, tmp_path):
    writer_app = make_app(_db_location)
    stop, written = threading.Event(), []

    def keep_writing():
        with writer_app.app_context():
            index = 1000
            while not stop.is_set():
                _issue(index)
                _db.session.commit()
                written.append(index)
                index += 1
            _db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        with app.app_context():
            archive = backups.create_backup(app, out_dir=tmp_path / "backups", now=utcnow())
            # Still writing after the snapshot: those rows are not in the archive.
            floor = len(written)
            while len(written) < floor + 2 and writer.is_alive():
                stop.wait(0.05)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert len(written) >= 2
    source = _state(app)

    with app.app_context():
        assert backups.verify_backup(app, archive.path).ok
        # The live base is not empty: a restore there is refused.
        with pytest.raises(backups.BackupError, match="pas vide"):
            backups.restore_backup(app, archive.path)

    target = _empty_target(app, _db_location, tmp_path)
    with target.app_context():
        manifest = backups.restore_backup(target, archive.path)
    restored = _state(target)

    # Every table but the one written during the backup: identical to the source now.
    for name, facts in source["tables"].items():
        if name != "issued_documents":
            assert restored["tables"][name] == facts, name
    # Documents: exactly the ones committed before the snapshot, byte for byte.
    kept = restored["document_rows"]
    assert 20 <= len(kept) < len(source["document_rows"])
    assert kept == source["document_rows"][: len(kept)]
    assert all(recorded == actual for *_, recorded, actual in kept)
    assert [d["sha256"] for d in manifest["documents"]] == [row[4] for row in kept]
    assert restored["tables"]["issued_documents"]["rows"] == len(kept)
    assert restored["migrations"] == source["migrations"]


def test_a_damaged_archive_is_caught(app, populated, tmp_path):
    archive = backups.create_backup(app, out_dir=tmp_path, now=utcnow()).path
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    report = backups.verify_backup(app, damaged)
    assert not report.ok
    assert any("Empreinte SHA-256 différente : database." in p for p in report.problems)


def test_instance_files_travel_with_the_backup(app, populated, tmp_path):
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("WORKSHOP_NAME = 'Atelier du Port'\n")
    try:
        archive = backups.create_backup(app, out_dir=tmp_path / "out", now=utcnow())
    finally:
        (instance / "config.py").unlink()
    assert "instance/config.py" in archive.manifest["files"]
    assert not any("backups" in name for name in archive.manifest["files"])


def test_the_backup_page_lists_archives_for_admins_only(app, db, client, login_as):
    archive = backups.create_backup(app, out_dir=None, now=utcnow())
    login_as("admin")
    page = client.get("/admin/backups/").get_data(as_text=True)
    assert archive.path.name in page
    login_as("technician")
    assert client.get("/admin/backups/").status_code == 403
