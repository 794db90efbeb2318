"""Item 8: how much a request may send — MAX_CONTENT_LENGTH (16 MB by default) for any
request, a smaller limit per form, the 413 page in the user's language, anonymous /verify
capped, and unconfirmed CSV imports deleted after a day (`flask intake purge-drafts`)."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from refurb.config import DEFAULTS
from refurb.intake.models import IntakeImport
from tests.conftest import make_app
from tests.factories import NOW, make_collection, make_device

# The limits of refurb/security/uploads.py, written out: these tests also run against code
# that has none.
KB, MB = 1024, 1024 * 1024
DEFAULT_FORM_LIMIT = 256 * KB


def upload(size: int, name: str = "fichier.txt"):
    return (io.BytesIO(b"x" * size), name)


def test_the_ceiling_is_16_mb_by_default():
    assert DEFAULTS["MAX_CONTENT_LENGTH"] == 16 * MB


def test_every_form_limit_names_a_real_endpoint(app):
    from refurb.security import uploads

    assert set(uploads.FORM_LIMITS) <= set(app.view_functions)
    assert uploads.DEFAULT_FORM_LIMIT == DEFAULT_FORM_LIMIT
    assert uploads.FORM_LIMITS["intake.report"] == uploads.FORM_LIMITS["verification.verify"] == 2 * MB


def test_a_hardware_report_upload_is_capped_with_a_french_page(client, db, login_as):
    login_as("technician")
    collection = make_collection()
    db.session.commit()
    url = f"/collections/{collection.id}/intake/report"
    response = client.post(url, data={"files": upload(2 * MB + 1)},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Le fichier envoyé est trop volumineux." in html
    assert "Ce formulaire accepte 2 Mo au plus ; rien n’a été enregistré." in html
    # A real report size passes the limit (and reaches the form's own checks).
    assert client.post(url, data={"files": upload(300 * 1024, "lshw.json")},
                       content_type="multipart/form-data").status_code != 413


def test_the_413_page_speaks_english_to_english_users(client, db, login_as):
    login_as("technician", locale="en")
    collection = make_collection()
    db.session.commit()
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload(5 * MB + 1, "liste.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html and "The uploaded file is too large." in html


def test_anonymous_certificate_check_is_capped(client, db):
    response = client.post("/verify/EFF-2026-0001", data={"document": upload(2 * MB + 1)},
                           content_type="multipart/form-data")
    assert response.status_code == 413


def test_other_forms_take_a_few_hundred_kilobytes(app, client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    big = client.post(f"/devices/{device.id}/note", data={"note": "x" * DEFAULT_FORM_LIMIT})
    assert big.status_code == 413
    small = client.post(f"/devices/{device.id}/note", data={"note": "Écran rayé"})
    assert small.status_code == 302
    # The login form is no exception: a stranger cannot make a worker read megabytes.
    stranger = app.test_client()
    assert stranger.post("/login", data={"email": "x" * DEFAULT_FORM_LIMIT}).status_code == 413


def test_the_ceiling_caps_every_form(_db_location, db):
    app = make_app(_db_location, MAX_CONTENT_LENGTH=64 * 1024)
    response = app.test_client().post("/verify/EFF-2026-0001",
                                      data={"document": upload(100 * 1024)},
                                      content_type="multipart/form-data")
    assert response.status_code == 413
    assert "64 Ko" in response.get_data(as_text=True)


def _import(collection, age: timedelta, confirmed: bool = False) -> int:
    from refurb.extensions import db

    record = IntakeImport(collection_id=collection.id, filename="liste.csv", sha256=f"{age}",
                          size_bytes=10, content=b"a;b\n1;2\n", mapping={},
                          created_at=NOW - age, imported_at=NOW - age if confirmed else None)
    db.session.add(record)
    db.session.flush()
    return record.id


def test_unconfirmed_imports_go_after_a_day(db):
    from refurb.intake.drafts import purge_drafts

    collection = make_collection()
    old, recent = _import(collection, timedelta(hours=25)), _import(collection, timedelta(hours=2))
    imported = _import(collection, timedelta(days=30), confirmed=True)
    assert purge_drafts(NOW) == 1
    left = set(db.session.scalars(select(IntakeImport.id)))
    assert left == {recent, imported} and old not in left


def test_purge_drafts_command(app, db, monkeypatch):
    import refurb.intake.cli as intake_cli

    collection = make_collection()
    _import(collection, timedelta(hours=30))
    _import(collection, timedelta(hours=5))
    db.session.commit()
    monkeypatch.setattr(intake_cli, "utcnow", lambda: NOW)
    result = app.test_cli_runner().invoke(args=["intake", "purge-drafts"])
    assert result.exit_code == 0, result.output
    assert "1 import(s) non confirmé(s) supprimé(s)." in result.output
    result = app.test_cli_runner().invoke(args=["intake", "purge-drafts", "--hours", "4"])
    assert "1 import(s)" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(IntakeImport)).all() == []
