"""PostgreSQL: the workshop scope reaches the server with each transaction's BEGIN and follows
every change of scope before the next statement; a pooled connection the server dropped while
it sat unused is replaced before a request gets it."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from refurb.extensions import db as _db
from refurb.workshops.context import network_wide, use_workshop
from refurb.workshops.services import create_workshop
from tests.conftest import make_app
from tests.factories import NOW, make_collection, make_device, make_donor

PROBE_ROLE = "refurb_rls_probe"


@pytest.fixture
def postgresql(engine_name):
    if engine_name != "postgresql":
        pytest.skip("the transaction's scope setting and its pool are PostgreSQL's")


def _workshops_seen(db) -> list[int]:
    """The workshops of the devices raw SQL sees, under a role the policies apply to."""
    db.session.execute(sa.text(f"SET LOCAL ROLE {PROBE_ROLE}"))
    seen = db.session.scalars(sa.text("SELECT DISTINCT workshop_id FROM devices ORDER BY 1"))
    return list(seen)


def test_each_statement_runs_in_the_scope_it_is_in(postgresql, db):
    second = create_workshop("B2", "Atelier Bêta", "RB", now=NOW).id
    donor = make_donor()
    for workshop_id in (1, second):
        with use_workshop(workshop_id):
            make_device(collection=make_collection(donor))
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"'{PROBE_ROLE}') THEN CREATE ROLE {PROBE_ROLE} NOLOGIN; END IF; END $$"))
        conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {PROBE_ROLE}"))
        conn.execute(sa.text(f"GRANT SELECT ON devices TO {PROBE_ROLE}"))

    with use_workshop(second):
        assert _workshops_seen(db) == [second]  # the first statement: set with the BEGIN
        with network_wide():
            assert _workshops_seen(db) == [1, second]
        with use_workshop(1):
            pass  # a scope entered and left without a statement changes nothing
        assert _workshops_seen(db) == [second]
        with use_workshop(1):
            assert _workshops_seen(db) == [1]
        db.session.commit()
        assert _workshops_seen(db) == [second]  # the next transaction begins in the scope
        db.session.rollback()
    with use_workshop(1):
        assert _workshops_seen(db) == [1]
    db.session.rollback()


def test_a_connection_dropped_while_unused_is_replaced_before_use(postgresql, db,
                                                                   _db_location):
    db.session.remove()
    worker = make_app(_db_location, DB_PING_AFTER_IDLE_SECONDS=0.2, DB_POOL_SIZE=1)
    with worker.app_context():
        first = _db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        _db.session.remove()  # back to the pool
    with db.engine.begin() as conn:  # the server ends it (a restart, a firewall)
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    time.sleep(0.5)
    with worker.app_context():
        second = _db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        _db.session.remove()
    assert second != first
