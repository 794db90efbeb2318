import pytest
from sqlalchemy import func, select

from refurb import create_app
from refurb.config import ConfigurationError, load_config
from refurb.devices.models import Device, DeviceEvent


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("REFURB_ENV_NAME", "production")
    monkeypatch.delenv("REFURB_SECRET_KEY", raising=False)
    from flask import Flask

    app = Flask("t", instance_path=str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY manquante"):
        load_config(app, None)


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.delenv("REFURB_ENV_NAME", raising=False)
    monkeypatch.delenv("REFURB_SECRET_KEY", raising=False)
    first = Flask("t", instance_path=str(tmp_path))
    load_config(first, None)
    second = Flask("t", instance_path=str(tmp_path))
    load_config(second, None)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").exists()


def test_environment_overrides_and_database_url(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.setenv("REFURB_ASSET_TAG_PREFIX", "CCAS")
    monkeypatch.setenv("REFURB_PAGE_SIZE", "25")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/refurb")
    app = Flask("t", instance_path=str(tmp_path))
    load_config(app, None)
    assert app.config["ASSET_TAG_PREFIX"] == "CCAS"
    assert app.config["PAGE_SIZE"] == 25
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.internal/refurb"


def test_bad_prefix_is_refused(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.setenv("REFURB_ASSET_TAG_PREFIX", "rf-x")
    with pytest.raises(ConfigurationError, match="ASSET_TAG_PREFIX"):
        load_config(Flask("t", instance_path=str(tmp_path)), None)


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app, db, engine_name):
    if engine_name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_no_table_is_created_at_start_up(tmp_path):
    import sqlite3

    path = tmp_path / "fresh.db"
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app.test_client().get("/login")
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    assert [t for (t,) in tables] == []


def test_demo_load_is_idempotent_and_spread_over_states(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "technicien@demo.refurb.test" in first.output and "demo-refurb-2026" in first.output
    devices = db.session.scalar(select(func.count()).select_from(Device))
    events = db.session.scalar(select(func.count()).select_from(DeviceEvent))
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Device)) == devices == 30
    assert db.session.scalar(select(func.count()).select_from(DeviceEvent)) == events
    from refurb.beneficiaries.models import Beneficiary

    files = {b.status for b in db.session.scalars(select(Beneficiary))}
    assert files == {"approved", "waiting", "draft"}  # unchanged by the second load
    states = set(db.session.scalars(select(Device.state).distinct()))
    assert {"received", "diagnosis", "ready", "to_dispose"} <= states


def test_english_is_available_per_user(client, db, login_as):
    user = login_as("technician")
    html = client.get("/devices").get_data(as_text=True)
    assert "Appareils" in html and 'lang="fr"' in html
    client.post("/account/language", data={"locale": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    html = client.get("/devices").get_data(as_text=True)
    assert 'lang="en"' in html and "Devices" in html
    # Words defined in the pure core are in the catalogue too.
    assert "Ready for allocation" in html and "Laptop" in html
    assert "Prêt à attribuer" not in html
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    assert "This page is not available to your role." in forbidden.get_data(as_text=True)
