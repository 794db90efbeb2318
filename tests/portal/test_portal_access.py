"""Invariant 4 on the donor portal: a donor sees only its own collections, devices and
documents — another donor's, reached by guessing ids, numbers or URLs, answers 404 exactly
like a missing one — and never who received a machine."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from refurb.documents.models import IssuedDocument
from refurb.extensions import db as _db
from refurb.intake.receipts import issue_receipt
from refurb.wiping.certificates import (
    current_issuer,
    issue_collection_certificate,
    issue_device_certificate,
)
from refurb.wiping.models import WipeRecord
from refurb.wiping.records import validate_record
from tests.access import assert_only, status_for_roles
from tests.factories import make_user
from tests.reports import report_scene
from tests.reports.report_scene import build
from tests.wiping.helpers import save_identity

WORKSHOP = {"name": "Atelier FERIS", "address": "2 rue de la Mairie, 59970 Fresnes",
            "siret": "21590001500011", "contact": ""}


@pytest.fixture
def scene(db, app, monkeypatch, shared_rows):
    monkeypatch.setitem(app.config, "WORKSHOP_ADDRESS", WORKSHOP["address"])
    return shared_rows("portal.access", lambda: _scene(db))


def _scene(db):
    save_identity()
    scene = build()
    # Certificates (not provisional statements) need every erasure validated by a second person.
    validator = make_user("admin")
    for record in _db.session.scalars(select(WipeRecord)):
        validate_record(record, actor_id=validator.id, now=report_scene.DISPOSAL)
    issuer = current_issuer()
    when = report_scene.DISPOSAL
    for collection in (scene.collection_a, scene.collection_b):
        issue_receipt(collection, workshop=WORKSHOP, actor_id=None, now=when)
        issue_collection_certificate(collection, issuer=issuer, actor_id=None, now=when)
    for key in ("L1", "L3"):
        issue_device_certificate(scene.devices[key], issuer=issuer, actor_id=None, now=when)
    db.session.commit()
    scene.users = {
        "a": make_user("donor", donor_organisation_id=scene.donor_a.id),
        "b": make_user("donor", donor_organisation_id=scene.donor_b.id),
    }
    db.session.commit()
    return scene


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _documents(donor_id: int) -> list[IssuedDocument]:
    return list(_db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.donor_id == donor_id)))


def test_each_donor_has_its_own_documents(scene):
    for donor in (scene.donor_a, scene.donor_b):
        kinds = sorted(d.kind for d in _documents(donor.id))
        assert kinds == ["collection_receipt", "erasure_certificate", "erasure_certificate"]


def test_a_donor_reaches_its_own_pages_and_documents(scene, client):
    _sign_in(client, scene.users["b"])
    collection, device = scene.collection_b, scene.devices["L3"]
    for url in ("/portal/", f"/portal/collections/{collection.id}",
                f"/portal/collections/{collection.id}/devices.csv",
                f"/portal/devices/{device.id}"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/portal/collections/{collection.id}").get_data(as_text=True)
    for document in _documents(scene.donor_b.id):
        link = f"/documents/{document.id}/{document.filename}"
        assert link in page or document.subject.startswith("device:")
        assert client.get(link).status_code == 200
    device_page = client.get(f"/portal/devices/{device.id}").get_data(as_text=True)
    certificate = next(d for d in _documents(scene.donor_b.id) if d.subject == f"device:{device.id}")
    assert f"/documents/{certificate.id}/{certificate.filename}" in device_page


def test_another_donors_collection_device_and_documents_answer_404(scene, client):
    """Donor B tries everything of donor A, and the ids around it."""
    _sign_in(client, scene.users["b"])
    own_collection = scene.collection_b.id
    own_devices = {d.id for k, d in scene.devices.items() if d.collection_id == own_collection}
    for collection_id in range(0, scene.collection_b.id + 5):
        if collection_id == own_collection:
            continue
        for url in (f"/portal/collections/{collection_id}",
                    f"/portal/collections/{collection_id}/devices.csv"):
            assert client.get(url).status_code == 404, url
        response = client.post(f"/portal/collections/{collection_id}/valuation",
                               data={"amount": "100"})
        assert response.status_code == 404
    for device_id in range(0, max(d.id for d in scene.devices.values()) + 5):
        if device_id in own_devices:
            continue
        assert client.get(f"/portal/devices/{device_id}").status_code == 404, device_id
    others = _documents(scene.donor_a.id)
    for document in others:
        for filename in (document.filename, "x.pdf"):
            assert client.get(f"/documents/{document.id}/{filename}").status_code == 404
    # Neighbouring ids with our own filenames, and a guessed number as a filename.
    for document in _documents(scene.donor_b.id):
        for guess in (document.id - 1, document.id + 1):
            if guess not in {d.id for d in _documents(scene.donor_b.id)}:
                assert client.get(f"/documents/{guess}/{document.filename}").status_code == 404
    assert client.get(f"/documents/{others[0].id}/{others[0].number}").status_code == 404


def test_another_donors_numbers_appear_nowhere(scene, client):
    _sign_in(client, scene.users["b"])
    pages = "".join(client.get(url).get_data(as_text=True) for url in (
        "/portal/", f"/portal/collections/{scene.collection_b.id}",
        f"/portal/devices/{scene.devices['L3'].id}"))
    assert scene.collection_a.number not in pages
    for document in _documents(scene.donor_a.id):
        assert document.number not in pages
    assert "Banque du Nord" not in pages


def test_the_portal_never_names_who_received_a_machine(scene, client):
    """Invariant 4: no beneficiary name, pseudonym or commune on any portal page or CSV."""
    _sign_in(client, scene.users["a"])
    urls = ["/portal/", f"/portal/collections/{scene.collection_a.id}",
            f"/portal/collections/{scene.collection_a.id}/devices.csv"]
    urls += [f"/portal/devices/{d.id}" for d in scene.devices.values()
             if d.collection_id == scene.collection_a.id]
    text = "".join(client.get(url).get_data(as_text=True) for url in urls)
    assert "Réemployé" in text  # the fate is there …
    forbidden = [report_scene.H1_NAME, report_scene.H1_FIRST, report_scene.SCHOOL_NAME,
                 report_scene.H2_NAME, "Fresnes-sur-Escaut", "Besançon"]
    forbidden += [p.pseudonym for p in scene.people.values()]
    for secret in forbidden:  # … never the people
        assert secret.lower() not in text.lower(), secret


def test_roles(scene, app):
    collection, device = scene.collection_a.id, scene.devices["L1"].id
    assert_only(app, "/portal/", {"donor"})
    assert_only(app, "/portal/mecenat", {"admin"})
    # Another donor's collection: 404 for a donor (the helper's donor owns nothing here).
    for url in (f"/portal/collections/{collection}", f"/portal/devices/{device}"):
        assert_only(app, url, {"admin"})
    csv_url = f"/portal/collections/{collection}/devices.csv"
    for role, status in (("admin", 200), ("technician", 403), ("social_worker", 403),
                         ("donor", 404)):
        client = app.test_client()
        _sign_in(client, make_user(role))
        _db.session.commit()
        response = client.get(csv_url)
        response.get_data()  # streamed: read it before the next request
        response.close()
        assert response.status_code == status, role


def test_staff_other_than_admins_cannot_declare_a_value(scene, app):
    results = status_for_roles(app, f"/portal/collections/{scene.collection_a.id}/valuation",
                               method="POST", data={"amount": ""})
    # The admin reaches the form (refused: no value, no receipt); other staff are refused.
    assert results == {"admin": 400, "technician": 403, "social_worker": 403, "donor": 404,
                       "anonymous": 302}
