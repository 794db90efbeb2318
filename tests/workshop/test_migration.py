"""Migration 0004: the devices table gains location and grade (with its CHECK), the default
checklist and the first build profile are seeded."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from refurb.workshop.models import BuildProfile, QACheck
from refurb.workshop.qa import create_check, seed_default_checklist
from tests.factories import make_device


def test_grade_is_checked_by_the_database(db):
    device = make_device()
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE devices SET grade = 'Z' WHERE id = :id"),
                           {"id": device.id})
    db.session.rollback()
    db.session.execute(text("UPDATE devices SET grade = 'B' WHERE id = :id"), {"id": device.id})


def test_location_must_exist(db, engine_name):
    device = make_device()
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE devices SET location_id = 999 WHERE id = :id"),
                           {"id": device.id})
        db.session.flush()
    db.session.rollback()


def test_defaults_are_seeded(db):
    # The migration seeded every default check (restored on PostgreSQL after each reset).
    assert seed_default_checklist() == 0
    assert db.session.scalar(select(QACheck).where(QACheck.code == "battery")).minimum == 60
    profile = db.session.scalar(select(BuildProfile).where(BuildProfile.name == "Pack famille"))
    assert profile.min_ram_mib == 4096 and set(profile.storage_kinds) == {"nvme", "ssd"}
    # Explicit ids in the seed must not collide with the next rows.
    create_check("Lecteur DVD", "pass_fail")
