"""Workshops as tenants: one list of tenant tables, numbers and settings per workshop, the
switcher and roles per workshop, donors across the network, row-level security."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa

from refurb.workshops.context import NETWORK, use_workshop
from refurb.workshops.memberships import add_member
from refurb.workshops.scoping import shared_tables, tenant_tables
from refurb.workshops.services import create_workshop
from tests.factories import NOW, make_collection, make_device, make_donor, make_user

MIGRATION = Path(__file__).parents[2] / "migrations/versions/0024_tenancy_workshops.py"
# Later migrations that made more tables tenant tables, with their list.
TALLIES_MIGRATION = (Path(__file__).parents[2]
                     / "migrations/versions/0026_h21_tallies_per_workshop.py")


def _migration(path: Path = MIGRATION):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def second(db):
    workshop = create_workshop("B2", "Atelier Bêta", "RB", now=NOW)
    db.session.commit()
    return workshop.id


def test_the_migration_and_the_models_list_the_same_tenant_tables(app):
    migration = _migration()
    tallies = _migration(TALLIES_MIGRATION)
    assert set(tenant_tables()) == (set(migration.TENANT_TABLES) | set(tallies.TABLES)
                                    | {"counters"})
    assert set(shared_tables()) == set(migration.SHARED_TABLES) | {"settings"}


def test_each_workshop_numbers_its_own_collections_and_tags(db, second):
    donor = make_donor()
    with use_workshop(1):
        first_a = make_collection(donor)
        tag_a = make_device(collection=first_a).asset_tag
    with use_workshop(second):
        first_b = make_collection(donor)
        tag_b = make_device(collection=first_b).asset_tag
    db.session.commit()
    assert first_a.number == first_b.number  # one series per workshop
    assert (tag_a[:3], tag_b[:3]) == ("RF-", "RB-")  # tags stay unique across the network


def test_a_workshop_overrides_a_network_setting(db, second):
    from refurb.settings import services as settings

    with use_workshop(NETWORK):
        settings.set_value("weight.laptop", "2,5", actor_id=None, now=NOW)
    with use_workshop(second):
        settings.set_value("weight.laptop", "3", actor_id=None, now=NOW)
    db.session.commit()
    with use_workshop(1):
        assert str(settings.get("weight.laptop")) == "2.5"
    with use_workshop(second):
        assert str(settings.get("weight.laptop")) == "3"


def test_a_user_switches_workshop_and_has_the_role_of_each(app, db, second):
    user = make_user("technician")  # technician in workshop 1
    add_member(user, "admin", second, now=NOW)
    outsider = create_workshop("C3", "Atelier Gamma", "RC", now=NOW).id
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert client.get("/admin/users").status_code == 403
    page = client.get("/workshops/switch").get_data(as_text=True)
    assert "Atelier Bêta" in page and "Atelier Gamma" not in page
    assert client.post("/workshops/switch", data={"workshop_id": outsider}).status_code == 404
    assert client.post("/workshops/switch", data={"workshop_id": second}).status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_a_donor_sees_its_collections_in_every_workshop(app, db, second):
    donor = make_donor("Fondation du Réseau")
    with use_workshop(1):
        make_device(collection=make_collection(donor, number="COL-2026-0101"))
    with use_workshop(second):
        make_device(collection=make_collection(donor, number="COL-2026-0202"))
        make_device(collection=make_collection(make_donor(), number="COL-2026-0303"))
    user = make_user("donor", donor_organisation_id=donor.id)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    page = client.get("/portal/").get_data(as_text=True)
    assert "COL-2026-0101" in page and "COL-2026-0202" in page
    assert "COL-2026-0303" not in page  # another donor's
    assert "Atelier Bêta" in page and "Par atelier" in page


def test_row_level_security_shows_no_row_of_another_workshop(app, db, engine_name, second):
    """Raw SQL under a role the policies apply to (not a superuser), with workshop 1 set:
    not one row of workshop B in any tenant table; with no workshop set, no row at all."""
    if engine_name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    donor = make_donor()
    for workshop_id in (1, second):
        with use_workshop(workshop_id):
            make_device(collection=make_collection(donor))
    db.session.commit()
    tables = tenant_tables()
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            "'refurb_rls_probe') THEN CREATE ROLE refurb_rls_probe NOLOGIN; END IF; END $$"))
        conn.execute(sa.text("GRANT USAGE ON SCHEMA public TO refurb_rls_probe"))
        conn.execute(sa.text(f"GRANT SELECT ON {', '.join(tables)} TO refurb_rls_probe"))
    with db.engine.connect() as conn, conn.begin():
        conn.execute(sa.text("SET LOCAL ROLE refurb_rls_probe"))
        conn.execute(sa.text("SELECT set_config('refurb.workshop_id', '1', true)"))
        counts = {t: conn.execute(sa.text(
            f"SELECT count(*) FROM {t} WHERE workshop_id = :b"), {"b": second}).scalar()
            for t in tables}
        assert counts == {t: 0 for t in tables}
        assert conn.execute(sa.text("SELECT count(*) FROM devices")).scalar() == 1
        conn.execute(sa.text("SELECT set_config('refurb.workshop_id', '', true)"))
        assert conn.execute(sa.text("SELECT count(*) FROM devices")).scalar() == 0
        conn.execute(sa.text(f"SELECT set_config('refurb.workshop_id', '{second}', true)"))
        assert conn.execute(sa.text("SELECT count(*) FROM devices")).scalar() == 1
