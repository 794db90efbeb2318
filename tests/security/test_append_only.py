"""Item 7: append-only tables hold against every write path SQL has, on both engines — UPDATE,
DELETE, INSERT OR REPLACE / REPLACE and UPSERT on SQLite (also from a connection without the
application's pragmas), ON CONFLICT DO UPDATE and MERGE on PostgreSQL — tried with raw SQL."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from refurb.append_only import _MESSAGES
from tests.security import scene

# Registered in the ORM guard, plus the workshop's parts ledger (triggers since 0004).
EXTRA = {"part_movements"}


def append_only_tables(metadata) -> list[sa.Table]:
    names = {model.__table__.name for model in _MESSAGES} | EXTRA
    return [metadata.tables[name] for name in sorted(names)]


def test_every_history_table_is_covered(db):
    names = {t.name for t in append_only_tables(db.metadata)}
    assert names >= {"device_events", "decisions", "wipe_records", "wipe_logs",
                     "waste_register_lines", "gift_valuations", "sign_in_log", "access_log",
                     "eligibility_policies", "drive_removals", "wipe_validations",
                     "waste_register_incoming_devices", "part_movements"}


def _attempts(table: sa.Table, engine: str) -> list[tuple[str, str]]:
    pk = table.primary_key.columns.values()[0].name
    other = next(c.name for c in table.columns if c.name != pk)
    one = f"SELECT * FROM {table.name} WHERE {pk} = :pk"
    attempts = [
        ("UPDATE", f"UPDATE {table.name} SET {other} = {other} WHERE {pk} = :pk"),
        ("DELETE", f"DELETE FROM {table.name} WHERE {pk} = :pk"),
        ("UPSERT", f"INSERT INTO {table.name} {one} "
                   f"ON CONFLICT ({pk}) DO UPDATE SET {other} = excluded.{other}"),
    ]
    if engine == "sqlite":
        attempts += [
            ("INSERT OR REPLACE", f"INSERT OR REPLACE INTO {table.name} {one}"),
            ("REPLACE", f"REPLACE INTO {table.name} {one}"),
            ("UPDATE OR REPLACE", f"UPDATE OR REPLACE {table.name} SET {other} = {other} "
                                  f"WHERE {pk} = :pk"),
            ("UPSERT OR REPLACE", f"INSERT OR REPLACE INTO {table.name} {one} "
                                  f"ON CONFLICT ({pk}) DO UPDATE SET {other} = excluded.{other}"),
        ]
        # A new id with the same unique values: REPLACE would delete the old row. (Rows whose
        # unique columns are NULL collide with nothing: those copies are plain inserts.)
        for unique in table.constraints:
            if isinstance(unique, sa.UniqueConstraint):
                columns = ", ".join(c.name for c in table.columns if c.name != pk)
                filled = " AND ".join(f"{c.name} IS NOT NULL" for c in unique.columns)
                attempts.append((f"REPLACE on {'+'.join(c.name for c in unique.columns)}",
                                 f"INSERT OR REPLACE INTO {table.name} ({columns}) "
                                 f"SELECT {columns} FROM {table.name} WHERE {filled} "
                                 f"ORDER BY {pk} LIMIT 1"))
    else:
        source = f"USING ({one}) AS source ON target.{pk} = source.{pk}"
        attempts += [
            ("MERGE UPDATE", f"MERGE INTO {table.name} AS target {source} "
                             f"WHEN MATCHED THEN UPDATE SET {other} = source.{other}"),
            ("MERGE DELETE", f"MERGE INTO {table.name} AS target {source} "
                             "WHEN MATCHED THEN DELETE"),
        ]
    return attempts


def _snapshot(conn, table: sa.Table) -> list[str]:
    pk = table.primary_key.columns.values()[0]
    return [repr(tuple(row)) for row in conn.execute(sa.select(table).order_by(pk))]


@pytest.fixture
def histories(app, db, shared_rows):
    return shared_rows("security.histories", lambda: _histories(app, db))


def _histories(app, db):
    """Every append-only table with rows, written by the real services."""
    scene.build()
    _more_history()
    db.session.commit()
    app.test_client().post("/login", data={"email": "x@atelier.example", "password": "z"})
    tables = append_only_tables(db.metadata)
    with db.engine.connect() as conn:
        empty = [t.name for t in tables if not conn.execute(sa.select(sa.func.count())
                                                             .select_from(t)).scalar()]
    assert empty == []
    db.session.close()
    return tables


def _more_history() -> None:
    from refurb.beneficiaries import services as files
    from refurb.beneficiaries.models import Beneficiary
    from refurb.documents.pdf import Letterhead
    from refurb.extensions import db
    from refurb.intake.models import Collection
    from refurb.portal import services as portal
    from refurb.settings import services as settings
    from refurb.weee import register as weee
    from refurb.wiping import drives, log_import, records
    from refurb.wiping.log_matching import Actor
    from refurb.wiping.models import WipeLog, WipeRecord
    from tests.factories import NOW, make_device, make_user
    from tests.wiping.helpers import make_drive

    admin = make_user("admin")
    record = db.session.scalars(sa.select(WipeRecord)).first()
    records.validate_record(record, actor_id=admin.id, now=NOW, note="Vérifié")
    device = make_device()
    drives.remove_drive(make_drive(device), prefix="RF", destination="Broyeur",
                        actor_id=admin.id, now=NOW)
    log = db.session.scalars(sa.select(WipeLog)).first()
    log_import.attach_log_drive(log, 0, make_device().asset_tag, "hdd",
                                actor=Actor(admin.id, is_admin=True), now=NOW,
                                override_reason="Journal d'essai rattaché pour le test")
    files.record_access(db.session.scalars(sa.select(Beneficiary)).first(), "view",
                        actor_id=admin.id, now=NOW)
    from datetime import timedelta

    from refurb.allocations import reservations
    from refurb.allocations.models import Reservation

    reservation = db.session.scalars(
        sa.select(Reservation).where(Reservation.status == "active")).first()
    if reservation is None:
        from tests.allocations.helpers import approved_file, ready_device

        reservation = reservations.reserve(approved_file(), [ready_device()], actor_id=None,
                                           now=NOW)
    reservations.extend_reservation(reservation, reservation.expires_on + timedelta(days=7),
                                    "Formation en cours", actor_id=admin.id, now=NOW)
    make_device(legal_status="waste")
    weee.record_incoming_lines(actor_id=admin.id, now=NOW)
    settings.set_value(portal.SIGNATORY, "Signataire", actor_id=None, now=NOW)
    settings.set_value(portal.SIGNATORY_ROLE, "Président", actor_id=None, now=NOW)
    portal.declare_gift_value(db.session.scalars(sa.select(Collection)).first(), "150",
                              workshop=Letterhead("CCAS", "2 rue de la Mairie, 59970 Fresnes",
                                                  "21590001500011", ""),
                              actor_id=admin.id, now=NOW)


def test_every_write_path_is_refused(db, histories, engine_name):
    failures = []
    for table in histories:
        pk = table.primary_key.columns.values()[0]
        with db.engine.connect() as conn:
            before = _snapshot(conn, table)
            target = conn.execute(sa.select(pk).limit(1)).scalar()
        for label, statement in _attempts(table, engine_name):
            with db.engine.connect() as conn:
                try:
                    conn.execute(sa.text(statement), {"pk": target})
                    conn.commit()
                    failures.append(f"{table.name}: {label} went through")
                except DBAPIError:
                    conn.rollback()
            with db.engine.connect() as conn:
                if _snapshot(conn, table) != before:
                    failures.append(f"{table.name}: {label} changed rows")
    assert failures == []


def test_replace_is_refused_even_without_the_application_pragmas(db, histories, engine_name,
                                                                  _db_location):
    """Another SQLite client (the sqlite3 shell, a script) has recursive_triggers off: the
    triggers alone must hold."""
    if engine_name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no REPLACE")
    conn = sqlite3.connect(_db_location["path"], isolation_level=None)
    failures = []
    try:
        assert conn.execute("PRAGMA recursive_triggers").fetchone() == (0,)
        for table in histories:
            pk = table.primary_key.columns.values()[0].name
            (target,) = conn.execute(f"SELECT {pk} FROM {table.name} LIMIT 1").fetchone()
            before = conn.execute(f"SELECT * FROM {table.name} ORDER BY {pk}").fetchall()
            assert before
            for label, statement in _attempts(table, "sqlite"):
                try:
                    conn.execute(statement.replace(":pk", "?"), (target,))
                    failures.append(f"{table.name}: {label} went through")
                except sqlite3.DatabaseError:
                    pass
                if conn.execute(f"SELECT * FROM {table.name} ORDER BY {pk}").fetchall() != before:
                    failures.append(f"{table.name}: {label} changed rows")
    finally:
        conn.close()
    assert failures == []


def test_plain_inserts_still_work(db, histories):
    """The guard refuses rewriting, not writing: new history rows go in."""
    from refurb.devices import services as devices
    from tests.factories import NOW, make_device

    device = make_device()
    devices.record_event(device, "note", actor_id=None, now=NOW, reason="Nouvelle note")
    db.session.commit()
