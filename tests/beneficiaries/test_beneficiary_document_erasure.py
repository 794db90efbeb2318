"""Purging a file also erases the bytes of documents naming the person, keeping their number,
version and hash; other documents stay untouched."""

from datetime import timedelta

from refurb.beneficiaries import gdpr
from refurb.documents.models import IssuedDocument
from refurb.documents.services import issue_document
from tests.beneficiaries.helpers import NOW, make_file
from tests.factories import make_user


def _issue(subject, *, personal, number):
    document, _ = issue_document(
        kind="training_certificate" if personal else "collection_receipt", number=number,
        subject=subject, payload={"who": number}, render=lambda p, v, t: b"%PDF-1.4 Camille",
        filename_stem=number, actor_id=None, now=NOW, personal=personal)
    return document


def test_purge_erases_personal_documents_of_the_file_only(app, db, client, login_as):
    old = make_file(now=NOW - timedelta(days=3 * 365), last_name="Ancien")
    other = make_file(now=NOW, last_name="Actuel")
    erased = _issue(f"beneficiary:{old.id}", personal=True, number="ATF-1")
    kept_personal = _issue(f"beneficiary:{other.id}", personal=True, number="ATF-2")
    receipt = _issue("collection:1", personal=False, number="COL-1")
    sha = erased.sha256
    db.session.commit()

    gdpr.purge_inactive(now=NOW)
    db.session.commit()
    db.session.expire_all()

    erased = db.session.get(IssuedDocument, erased.id)
    assert erased.content == b"" and erased.content_erased_at == NOW
    assert (erased.number, erased.version, erased.sha256) == ("ATF-1", 1, sha)
    assert db.session.get(IssuedDocument, kept_personal.id).content.endswith(b"Camille")
    assert db.session.get(IssuedDocument, receipt.id).content_erased_at is None

    login_as("social_worker")
    gone = client.get(f"/documents/{erased.id}/{erased.filename}")
    assert gone.status_code == 410
    assert "effacé à la fin de sa durée de conservation" in gone.get_data(as_text=True)
    assert client.get(f"/documents/{kept_personal.id}/{kept_personal.filename}").status_code == 200


def test_personal_documents_are_refused_to_technicians(app, db, client, login_as):
    beneficiary = make_file(now=NOW)
    document = _issue(f"beneficiary:{beneficiary.id}", personal=True, number="ATF-3")
    db.session.commit()
    make_user("technician")
    login_as("technician")
    assert client.get(f"/documents/{document.id}/{document.filename}").status_code == 404
