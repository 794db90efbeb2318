"""An install that already holds data upgrades to the newest schema (SQLite).

Migrations that rebuild a table (SQLite's batch mode) drop a parent of rows that stay; with
data in the database SQLite refused the commit of the tenancy migration, which left existing
installs unable to upgrade."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from flask_migrate import upgrade

from refurb import create_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(bool(os.environ.get("REFURB_TEST_DATABASE_URL")),
                                reason="SQLite's table rebuilds")

WHEN = "2026-03-02 09:00:00"


def test_an_install_with_collections_and_devices_upgrades_to_the_newest_schema(tmp_path):
    path = tmp_path / "refurb.db"
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0019_cohorts")
    with sqlite3.connect(path) as conn:  # what the workshop held before workshops existed
        conn.execute(
            "INSERT INTO donor_organisations (id, name, legal_form, address, postal_code, city, "
            "contact_name, contact_email, contact_phone, notes, created_at) VALUES "
            "(1, 'Banque du Nord', 'SA', '1 rue Haute', '59000', 'Lille', 'M. Contact', "
            "'contact@example.org', '', '', ?)", (WHEN,))
        conn.execute(
            "INSERT INTO collections (id, number, donor_id, pickup_site, pickup_contact, state, "
            "transport_notes, created_at) VALUES (1, 'COL-2026-0001', 1, '', '', 'received', "
            "'', ?)", (WHEN,))
        conn.executemany(
            "INSERT INTO devices (asset_tag, collection_id, device_type, make, model, state, "
            "legal_status, weight_estimated, cpu, chassis, condition_notes, created_at, "
            "updated_at, version) VALUES (?, 1, 'laptop', 'Dell', 'Latitude 5490', "
            "'received', 'reuse', 0, '', '', '', ?, ?, 1)",
            [(f"RF-2026-{n:06d}", WHEN, WHEN) for n in (1, 2, 3)])
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute(
            "SELECT asset_tag, collection_id, workshop_id FROM devices ORDER BY asset_tag"
        ).fetchall() == [(f"RF-2026-{n:06d}", 1, 1) for n in (1, 2, 3)]
        assert conn.execute("SELECT number, workshop_id FROM collections").fetchall() == [
            ("COL-2026-0001", 1)]
