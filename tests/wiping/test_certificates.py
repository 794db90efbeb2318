"""Erasure certificates: every NIST field in the PDF, refusal while a drive blocks, public
verification (authentique / altéré / inconnu) that reveals nothing else."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.documents.models import IssuedDocument
from refurb.wiping import certificates, drives, records
from tests.factories import NOW, make_collection, make_device, make_donor, make_user
from tests.wiping.helpers import make_drive, wipe

ISSUER = certificates.Issuer(name="Atelier FERIS", address="1 place de la Mairie, Fresnes",
                             siret="21590249900016", contact="atelier@feris.example",
                             base_url="http://refurb.test")


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def scene(db):
    """A donor's collection: one laptop with a validated SSD erasure, one desktop with a
    destroyed HDD, one monitor without drive."""
    donor = make_donor(name="Banque du Nord", siret="48774196900033")
    collection = make_collection(donor, number="COL-2026-0007")
    operator = make_user("technician", display_name="Camille Opérateur")
    validator = make_user("admin", display_name="Dominique Valideur")
    laptop = make_device(collection=collection)
    desktop = make_device("desktop", collection=collection, make="HP", model="EliteDesk")
    make_device("monitor", collection=collection)
    ssd = make_drive(laptop, kind="ssd", model="Samsung SSD 860 EVO 250GB", serial="S3Z9NB0K123",
                     capacity=250 * 10**9)
    record = wipe(ssd, operator_id=operator.id, tool="nwipe", tool_version="0.34")
    records.validate_record(record, actor_id=validator.id, now=NOW)
    hdd = make_drive(desktop, kind="hdd", model="ST500DM002-1BD142", serial="Z3TA8K2M")
    wipe(hdd, technique="shred", outcome="destroy", verification="none",
         verification_passed=None, passes=None, tool="broyeur", tool_version="BR-200",
         operator_id=operator.id)
    db.session.commit()
    return {"donor": donor, "collection": collection, "laptop": laptop, "desktop": desktop,
            "ssd": ssd, "hdd": hdd, "operator": operator, "validator": validator}


def test_device_certificate_holds_every_required_field(scene, db):
    document, created = certificates.issue_device_certificate(
        scene["laptop"], issuer=ISSUER, actor_id=scene["operator"].id, now=NOW)
    assert created and re.fullmatch(r"CERT-2026-\d{5}", document.number)
    assert document.donor_id == scene["donor"].id and document.kind == "erasure_certificate"
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    text = pdf_text(document.content)
    laptop = scene["laptop"]
    for expected in (
        document.number, "02/03/2026",                                     # number, issue date
        "Atelier FERIS", "1 place de la Mairie", "21590249900016",         # organisation
        "atelier@feris.example",
        "Banque du Nord", "48774196900033",                                # customer = donor
        "Samsung", "Samsung SSD 860 EVO 250GB", "S3Z9NB0K123", "250 Go",  # maker, model, serial
        "SSD SATA",                                                        # media kind
        laptop.asset_tag,                                                  # property number
        "Effacement (Clear)", "Réécriture",                                # outcome, technique
        "nwipe 0.34",                                                      # tool and version
        "Vérification de la dernière passe", "réussie",                    # verification
        "Réussi",                                                          # result
        "Camille Opérateur", "Technicien",                                 # operator, title
        "Dominique Valideur", "Administrateur",                            # validator
        f"Réemploi dans l'appareil {laptop.asset_tag}",                    # destination
        document.content_sha256,                                           # content hash
        f"http://refurb.test/verify/{document.number}",                    # verification URL
    ):
        assert expected in text, expected


def test_collection_certificate_covers_every_drive(scene, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    assert document.summary == {"donor_name": "Banque du Nord", "drive_count": 2}
    text = pdf_text(document.content)
    for expected in ("COL-2026-0007", "S3Z9NB0K123", "Z3TA8K2M", "Seagate", "Destruction",
                     "Broyage", "broyeur BR-200", "Support détruit", "non validé"):
        assert expected in text, expected


def test_reissue_keeps_the_number_and_versions_only_on_change(scene, db):
    laptop = scene["laptop"]
    first, _ = certificates.issue_device_certificate(laptop, issuer=ISSUER, actor_id=None,
                                                     now=NOW)
    same, created = certificates.issue_device_certificate(laptop, issuer=ISSUER, actor_id=None,
                                                          now=NOW)
    assert not created and same.id == first.id
    wipe(scene["ssd"], operator_id=scene["operator"].id)  # a newer erasure: new facts
    second, created = certificates.issue_device_certificate(laptop, issuer=ISSUER, actor_id=None,
                                                            now=NOW)
    assert created and second.number == first.number and second.version == 2


def test_issuance_refused_while_a_drive_blocks(scene, db):
    blocked = make_drive(scene["laptop"], serial="WD-NOPE")
    wipe(blocked, result="aborted", verification_passed=None)
    with pytest.raises(InvalidInput) as refused:
        certificates.issue_collection_certificate(scene["collection"], issuer=ISSUER,
                                                  actor_id=None, now=NOW)
    assert any("WD-NOPE" in r and "interrompu" in r for r in refused.value.reasons)
    assert db.session.scalar(select(IssuedDocument.id)) is None


def test_removed_drive_is_covered_with_its_destination(scene, db):
    drives.remove_drive(scene["hdd"], prefix="RF", destination="benne DEEE",
                        actor_id=None, now=NOW)
    document, _ = certificates.issue_device_certificate(scene["desktop"], issuer=ISSUER,
                                                        actor_id=None, now=NOW)
    text = pdf_text(document.content)
    assert "Z3TA8K2M" in text and scene["hdd"].asset_tag in text


def test_issue_from_the_web_and_download(scene, client, login_as, db):
    login_as("technician")
    laptop = scene["laptop"]
    response = client.post(f"/wiping/devices/{laptop.id}/certificate", follow_redirects=True)
    assert "Certificat CERT-" in response.get_data(as_text=True)
    document = db.session.scalar(select(IssuedDocument))
    pdf = client.get(f"/documents/{document.id}/{document.filename}")
    assert pdf.status_code == 200 and pdf.data == document.content
    page = client.get(f"/wiping/collections/{scene['collection'].id}").get_data(as_text=True)
    assert "Émettre le certificat" in page


def test_donor_downloads_only_its_own_certificates(scene, app, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    owner = make_user("donor", donor_organisation_id=scene["donor"].id)
    stranger = make_user("donor", donor_organisation_id=make_donor(name="Autre SA").id)
    db.session.commit()
    url = f"/documents/{document.id}/{document.filename}"
    for user, status in ((owner, 200), (stranger, 404)):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        assert client.get(url).status_code == status


# ------------------------------------------------------------------ verification page


@pytest.fixture
def issued(scene, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    db.session.commit()
    return document


def post_file(client, number, content):
    return client.post(f"/verify/{number}", data={"document": (io.BytesIO(content), "c.pdf")},
                       content_type="multipart/form-data")


def test_genuine_file_is_authentic_and_shows_only_the_four_facts(issued, scene, app, db):
    client = app.test_client()  # nobody signed in
    response = post_file(client, issued.number, issued.content)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "authentique" in html
    assert issued.number in html and "Banque du Nord" in html and "02/03/2026" in html
    assert re.search(r"Supports couverts</dt><dd>2<", html)
    for secret in ("S3Z9NB0K123", "Z3TA8K2M", scene["laptop"].asset_tag,
                   scene["desktop"].asset_tag, "Camille", "Dominique", "COL-2026-0007",
                   "Samsung", "48774196900033", issued.sha256, issued.filename):
        assert secret not in html, secret


def test_pasted_hash_works_too(issued, app):
    client = app.test_client()
    html = client.post(f"/verify/{issued.number}", data={"sha256": issued.sha256.upper()})
    assert "authentique" in html.get_data(as_text=True)


def test_one_changed_byte_is_altered(issued, app):
    tampered = bytearray(issued.content)
    tampered[len(tampered) // 2] ^= 0x01
    html = post_file(app.test_client(), issued.number, bytes(tampered)).get_data(as_text=True)
    assert "altéré" in html and "authentique" not in html
    assert "Banque du Nord" not in html


def test_unknown_number_says_unknown(app, db):
    client = app.test_client()
    for response in (client.get("/verify/CERT-2026-99999"),
                     post_file(client, "CERT-2026-99999", b"%PDF-1.4"),
                     client.get("/verify/%3Cscript%3E")):
        assert response.status_code == 404
        assert "inconnu" in response.get_data(as_text=True)


def test_known_number_before_checking_shows_nothing(issued, app):
    html = app.test_client().get(f"/verify/{issued.number}").get_data(as_text=True)
    assert "Banque du Nord" not in html and "Vérifier" in html


def test_bad_verification_input_never_gives_a_500(issued, app):
    client = app.test_client()
    for data in ({"sha256": "pas un hash"}, {}, {"sha256": "0" * 64}):
        response = client.post(f"/verify/{issued.number}", data=data)
        assert response.status_code == 200
    assert "altéré" in client.post(f"/verify/{issued.number}",
                                   data={"sha256": "0" * 64}).get_data(as_text=True)


def test_qr_code_on_the_certificate_points_to_the_verification_page(issued):
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(issued.content)[0]
    image = page.render(scale=2).to_pil()
    texts = [result.text for result in zxingcpp.read_barcodes(image)]
    assert f"http://refurb.test/verify/{issued.number}" in texts


def test_large_collection_renders_every_drive(db):
    """Many drives: the fast table paginates, repeats its header, keeps every serial."""
    collection = make_collection(make_donor(name="Gros Donateur"))
    operator = make_user("technician")
    serials = []
    for i in range(60):
        device = make_device(collection=collection)
        drive = make_drive(device, serial=f"SN-BULK-{i:04d}")
        wipe(drive, operator_id=operator.id)
        serials.append(drive.serial)
    document, _ = certificates.issue_collection_certificate(collection, issuer=ISSUER,
                                                            actor_id=None, now=NOW)
    reader = PdfReader(io.BytesIO(document.content))
    assert len(reader.pages) >= 3
    text = pdf_text(document.content)
    assert all(serial in text for serial in serials)
    assert text.count("Fabricant, modèle / n° de série") >= 3  # repeated on each table page
    assert "Détail par support" not in text  # beyond 20 drives, the table alone
