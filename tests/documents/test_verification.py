"""A stranger checks a document on /verify: with the file, the file's SHA-256 or the hash printed
on it; a changed byte is altered; an old version says which one replaced it; the number alone
reveals nothing; receipts are checked the same way."""

import io
import re

import pytest
from pypdf import PdfReader

from refurb.intake import receipts
from refurb.wiping import certificates, records
from tests.factories import NOW, make_collection, make_device, make_donor, make_user
from tests.intake.helpers import open_collection
from tests.wiping.helpers import WORKSHOP, make_drive, wipe

ISSUER = certificates.Issuer(WORKSHOP)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


def printed_hashes(content: bytes) -> set[str]:
    """Every SHA-256 the document prints (certificate facts, page footers)."""
    return set(re.findall(r"SHA-256\)? :? ?([0-9a-f]{64})", pdf_text(content)))


def post_file(client, content: bytes, link: str = ""):
    return client.post(f"/verify/{link}" if link else "/verify",
                       data={"document": (io.BytesIO(content), "document.pdf")},
                       content_type="multipart/form-data")


def verdict(response) -> str:
    match = re.search(r'data-verdict="(\w+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


@pytest.fixture
def scene(db):
    donor = make_donor(name="Banque du Nord", siret="99912345800021")
    collection = make_collection(donor, number="COL-2026-0007")
    operator = make_user("technician", display_name="Camille Opérateur")
    validator = make_user("admin", display_name="Dominique Valideur")
    laptop = make_device(collection=collection)
    drive = make_drive(laptop, kind="ssd", serial="S3Z9NB0K123")
    records.validate_record(wipe(drive, operator_id=operator.id), actor_id=validator.id, now=NOW)
    db.session.commit()
    return {"collection": collection, "laptop": laptop, "drive": drive, "operator": operator,
            "validator": validator}


@pytest.fixture
def issued(scene, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    db.session.commit()
    return document


def test_the_file_its_sha256_and_the_printed_hash_all_say_genuine(issued, app):
    client = app.test_client()  # nobody signed in
    printed = printed_hashes(issued.content)
    assert printed == {issued.content_sha256}  # the facts block and every footer agree
    answers = [post_file(client, issued.content),
               client.post("/verify", data={"sha256": issued.sha256.upper()}),
               client.post("/verify", data={"sha256": f"SHA-256 {issued.content_sha256}"}),
               client.post(f"/verify/{issued.verify_token}",
                           data={"sha256": issued.content_sha256})]
    for response in answers:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and verdict(response) == "authentic", html
        assert "Certificat d’effacement" in html and issued.number in html
        assert "Banque du Nord" in html and "02/03/2026" in html
        for secret in ("S3Z9NB0K123", "Camille", "Dominique", "COL-2026-0007",
                       "99912345800021", issued.filename):
            assert secret not in html, secret


def test_one_changed_byte_is_altered(issued, app):
    tampered = bytearray(issued.content)
    tampered[len(tampered) // 2] ^= 0x01
    client = app.test_client()
    through_link = post_file(client, bytes(tampered), issued.verify_token)
    assert verdict(through_link) == "altered"
    html = through_link.get_data(as_text=True)
    assert "altéré" in html and "authentique" not in html and "Banque du Nord" not in html
    without_link = post_file(client, bytes(tampered))
    assert verdict(without_link) == "unknown" and "altéré" in without_link.get_data(as_text=True)


def test_a_superseded_version_names_its_successor(scene, issued, app, db):
    newer = wipe(scene["drive"], operator_id=scene["operator"].id)
    records.validate_record(newer, actor_id=scene["validator"].id, now=NOW)
    second, created = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    db.session.commit()
    assert created and second.version == 2 and second.verify_token == issued.verify_token
    client = app.test_client()
    old = post_file(client, issued.content)
    assert verdict(old) == "superseded"
    assert "authentique, remplacé par la version 2 du 02/03/2026" in old.get_data(as_text=True)
    assert verdict(client.post("/verify", data={"sha256": issued.content_sha256})) == \
        "superseded"
    assert verdict(post_file(client, second.content)) == "authentic"


def _without_csrf(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True))


def test_the_number_alone_reveals_nothing(issued, app):
    client = app.test_client()
    known = client.get(f"/verify/{issued.number}")
    unknown = client.get("/verify/CERT-2026-99999")
    typo = client.get(f"/verify/{issued.verify_token[:-1]}x")
    bare = client.get("/verify")
    assert {r.status_code for r in (known, unknown, typo, bare)} == {200}
    assert _without_csrf(known) == _without_csrf(unknown) == _without_csrf(typo) \
        == _without_csrf(bare)
    assert issued.number not in known.get_data(as_text=True)
    assert "Déposez le fichier PDF, ou collez son empreinte" in known.get_data(as_text=True)
    # The printed link (unguessable token) names the document it is about.
    link = client.get(f"/verify/{issued.verify_token}").get_data(as_text=True)
    assert issued.number in link
    # A POST without file nor hash, or with junk, never answers a 500.
    for data in ({}, {"sha256": "pas un hash"}, {"sha256": "0" * 64}):
        response = client.post(f"/verify/{issued.number}", data=data)
        assert response.status_code == 200


def test_a_collection_receipt_is_verified_the_same_way(db, app):
    collection = open_collection(donor=make_donor(name="Mairie"))
    make_device("laptop", collection=collection)
    document, _ = receipts.issue_receipt(
        collection, workshop={"name": "Atelier FERIS", "address": "1 place de la Mairie",
                              "siret": "", "contact": ""}, actor_id=None, now=NOW)
    db.session.commit()
    text = pdf_text(document.content)
    assert f"http://refurb.test/verify/{document.verify_token}" in text
    assert printed_hashes(document.content) == {document.content_sha256}
    client = app.test_client()
    for response in (post_file(client, document.content),
                     client.post("/verify", data={"sha256": document.content_sha256})):
        assert verdict(response) == "authentic"
        assert "Bon de prise en charge" in response.get_data(as_text=True)
