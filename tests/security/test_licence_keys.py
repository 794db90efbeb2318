"""Item 11: Windows licence keys are encrypted at rest (Fernet, key outside the database),
shown masked, revealed by the logged POST; the migration encrypts keys stored in clear."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text

from refurb.devices.models import DeviceEvent
from refurb.workshop import software as services
from tests.factories import NOW, make_device
from tests.workshop.helpers import to_repair

KEY = "7KX2P-QW3RT-YH8JN-M4B6V-C9D2F"


def windows_install(db):
    device = to_repair(make_device("laptop"))
    install = services.record_software(device, os_name="windows", licence_key=KEY,
                                       actor_id=None, now=NOW)
    db.session.commit()
    return device, install


def stored(db, install_id: int) -> str:
    return db.session.execute(text("SELECT licence_key FROM software_installs WHERE id = :id"),
                              {"id": install_id}).scalar_one()


def test_the_database_holds_a_token_not_the_key(db):
    _device, install = windows_install(db)
    raw = stored(db, install.id)
    assert raw.startswith("gAAAAA") and KEY not in raw and KEY.replace("-", "") not in raw
    assert "C9D2F" not in raw
    db.session.expire_all()
    assert install.licence_key == KEY  # the model reads it back in clear


def test_the_token_needs_the_key_kept_outside_the_database(app, db):
    _device, install = windows_install(db)
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(stored(db, install.id).encode())
    assert Fernet(app.config["DATA_ENCRYPTION_KEY"]).decrypt(
        stored(db, install.id).encode()).decode() == KEY


def test_two_installs_of_the_same_key_do_not_look_alike(db):
    _a, first = windows_install(db)
    _b, second = windows_install(db)
    assert stored(db, first.id) != stored(db, second.id)


def test_pages_show_the_key_masked_and_the_logged_post_reveals_it(client, db, login_as):
    tech = login_as("technician")
    device, install = windows_install(db)
    page = client.get(f"/workshop/devices/{device.id}/software").get_data(as_text=True)
    assert "•••••-•••••-•••••-•••••-C9D2F" in page and KEY not in page
    revealed = client.post(f"/workshop/software/{install.id}/reveal")
    assert revealed.status_code == 200 and KEY in revealed.get_data(as_text=True)
    event = db.session.scalar(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == "licence_key_revealed"))
    assert event.actor_id == tech.id


def test_keys_can_be_rotated(_db_location, db):
    from tests.conftest import make_app

    _device, install = windows_install(db)
    old_token = stored(db, install.id)
    db.session.close()
    new_key = Fernet.generate_key().decode()
    current = make_app(_db_location).config["DATA_ENCRYPTION_KEY"]
    rotated = make_app(_db_location, DATA_ENCRYPTION_KEY=f"{new_key},{current}")
    from refurb import secret_box

    with rotated.app_context():
        assert secret_box.decrypt(old_token) == KEY  # the old key still opens old tokens
        assert Fernet(new_key).decrypt(secret_box.encrypt(KEY).encode()).decode() == KEY


def test_a_lost_key_says_so_clearly(_db_location, db):
    from tests.conftest import make_app

    _device, install = windows_install(db)
    token = stored(db, install.id)
    db.session.close()
    from refurb import secret_box

    with make_app(_db_location, DATA_ENCRYPTION_KEY=Fernet.generate_key().decode()) \
            .app_context(), pytest.raises(secret_box.UnreadableSecret, match="DATA_ENCRYPTION_KEY"):
        secret_box.decrypt(token)


def _run_migration_step(step: str) -> None:
    """A step of the licence-key migration on today's schema (later migrations cannot be
    undone: workshops are not merged back), on its own connection as Alembic would."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = Path(__file__).parents[2] / "migrations/versions/0016_security_licence_keys.py"
    spec = importlib.util.spec_from_file_location("licence_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db_engine().begin() as conn:
        migration.op = Operations(MigrationContext.configure(conn))
        getattr(migration, step)()


def db_engine():
    from refurb.extensions import db

    return db.engine


def test_the_migration_encrypts_keys_stored_in_clear(app, db):
    from refurb import secret_box

    device = make_device()
    db.session.commit()
    db.session.execute(text(
        "INSERT INTO software_installs (device_id, workshop_id, os_name, os_version, office, "
        "other_software, software_keys, licence_key, created_at) "
        "VALUES (:d, :w, 'windows', '11', '', '', '|', :k, :t)"),
        {"d": device.id, "w": device.workshop_id, "k": KEY, "t": NOW})
    db.session.commit()
    db.session.close()
    _run_migration_step("encrypt_clear_keys")
    raw = db.session.execute(text("SELECT id, licence_key FROM software_installs")).one()
    assert raw.licence_key.startswith("gAAAAA") and secret_box.decrypt(raw.licence_key) == KEY
    db.session.close()
    _run_migration_step("encrypt_clear_keys")  # run twice: a token is left as it is
    assert db.session.execute(text("SELECT licence_key FROM software_installs")).scalar() \
        == raw.licence_key
    db.session.close()
    # And back: a downgrade leaves the keys readable by the older code.
    _run_migration_step("decrypt_keys")
    assert db.session.execute(text("SELECT licence_key FROM software_installs")).scalar() == KEY
