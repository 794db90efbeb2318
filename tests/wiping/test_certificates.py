"""Erasure certificates: every NIST field in the PDF, refusal while a drive blocks, a
provisional statement (never a certificate) while a record awaits validation, the workshop's
identity required first. Verification is tested in tests/documents."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.core.workshop_identity import WorkshopIdentity
from refurb.documents.models import IssuedDocument
from refurb.settings.workshop import IdentityIncomplete
from refurb.wiping import certificates, drives, records
from tests.factories import NOW, make_collection, make_device, make_donor, make_user
from tests.wiping.helpers import WORKSHOP, make_drive, save_identity, wipe

ISSUER = certificates.Issuer(WORKSHOP)


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def scene(db):
    """A donor's collection: one laptop with a validated SSD erasure, one desktop with a
    destroyed HDD (validated too), one monitor without drive."""
    donor = make_donor(name="Banque du Nord", siret="99912345800021")
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
    shredded = wipe(hdd, technique="shred", outcome="destroy", verification="none",
                    verification_passed=None, passes=None, tool="broyeur", tool_version="BR-200",
                    operator_id=operator.id)
    records.validate_record(shredded, actor_id=validator.id, now=NOW)
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
        "Atelier FERIS", "1 place de la Mairie", "99912345800013",         # organisation
        "atelier@feris.example",
        "Banque du Nord", "99912345800021",                                # customer = donor
        "Samsung", "Samsung SSD 860 EVO 250GB", "S3Z9NB0K123", "250 Go",  # maker, model, serial
        "Certificat d'effacement des données",                             # a certificate
        "tous validés par une seconde personne",
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
        f"http://refurb.test/verify/{document.verify_token}",              # verification URL
    ):
        assert expected in text, expected
    assert "provisoire" not in text and "attente de validation" not in text


def test_collection_certificate_covers_every_drive(scene, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    assert document.summary == {"donor_name": "Banque du Nord", "drive_count": 2}
    text = pdf_text(document.content)
    for expected in ("COL-2026-0007", "S3Z9NB0K123", "Z3TA8K2M", "Seagate", "Destruction",
                     "Broyage", "broyeur BR-200", "Support détruit", "Dominique Valideur"):
        assert expected in text, expected
    # Every drive states who validated it: none reads as awaiting validation.
    assert "validation attendue" not in text and "non validé" not in text


def test_reissue_keeps_the_number_and_versions_only_on_change(scene, db):
    laptop = scene["laptop"]
    first, _ = certificates.issue_device_certificate(laptop, issuer=ISSUER, actor_id=None,
                                                     now=NOW)
    same, created = certificates.issue_device_certificate(laptop, issuer=ISSUER, actor_id=None,
                                                          now=NOW)
    assert not created and same.id == first.id
    newer = wipe(scene["ssd"], operator_id=scene["operator"].id)  # a newer erasure: new facts
    records.validate_record(newer, actor_id=scene["validator"].id, now=NOW)
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
    save_identity()
    login_as("technician")
    laptop = scene["laptop"]
    response = client.post(f"/wiping/devices/{laptop.id}/certificate", data={"confirm": "1"},
                           follow_redirects=True)
    assert "Certificat CERT-" in response.get_data(as_text=True)
    document = db.session.scalar(select(IssuedDocument))
    pdf = client.get(f"/documents/{document.id}/{document.filename}")
    assert pdf.status_code == 200 and pdf.data == document.content
    page = client.get(f"/wiping/collections/{scene['collection'].id}").get_data(as_text=True)
    assert "Émettre le certificat" in page


def documents(db) -> list[tuple[str, int]]:
    return [(d.number, d.version) for d in db.session.scalars(select(IssuedDocument))]


def test_the_device_certificate_shows_its_figures_before_it_is_issued(scene, client, login_as,
                                                                      db):
    save_identity()
    login_as("technician")
    url = f"/wiping/devices/{scene['desktop'].id}/certificate"
    device_page = client.get(f"/devices/{scene['desktop'].id}").get_data(as_text=True)
    assert f'href="{url}"' in device_page  # a link to the figures, not a one-click button

    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for fact in ("Supports de stockage couverts", "Broyage (Destruction) × 1", "Dominique Valideur",
                 "Effacements en attente de validation", 'name="confirm"'):
        assert fact in text, fact
    # Neither looking nor a POST without the confirmation issues anything.
    assert client.post(url).status_code == 200
    assert documents(db) == []

    response = client.post(url, data={"confirm": "1"}, follow_redirects=True)
    assert "Certificat CERT-" in response.get_data(as_text=True)
    [(number, version)] = documents(db)
    assert version == 1 and number.startswith("CERT-")


def test_a_double_submit_issues_one_certificate(scene, client, login_as, db):
    save_identity()
    login_as("technician")
    url = f"/wiping/devices/{scene['laptop'].id}/certificate"
    form = client.get(url).get_data(as_text=True)
    key = re.search(r'name="request_key"[^>]*value="([0-9a-f]+)"', form).group(1)
    for _twice in range(2):
        assert client.post(url, data={"confirm": "1", "request_key": key}).status_code == 302
    assert len(documents(db)) == 1


def test_the_confirmation_lists_what_is_missing(scene, client, login_as, db):
    save_identity()
    tech = login_as("technician")
    waiting = make_device()
    wipe(make_drive(waiting, serial="WAIT-1"), operator_id=tech.id)
    blocked = make_device()
    make_drive(blocked, serial="NEVER-WIPED")
    db.session.commit()

    text = client.get(f"/wiping/devices/{waiting.id}/certificate").get_data(as_text=True)
    assert "WAIT-1" in text and "à valider par une autre personne" in text
    assert "Émettre le relevé provisoire" in text and "Émettre le certificat<" not in text
    text = client.get(f"/wiping/devices/{blocked.id}/certificate").get_data(as_text=True)
    assert "Certificat impossible" in text and "NEVER-WIPED" in text
    assert 'name="confirm"' not in text
    client.post(f"/wiping/devices/{blocked.id}/certificate", data={"confirm": "1"})
    assert documents(db) == []


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


# ------------------------------------------------------------- validation, identity, QR


@pytest.fixture
def issued(scene, db):
    document, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    db.session.commit()
    return document


def test_an_unvalidated_record_yields_a_provisional_statement_never_a_certificate(scene, db):
    scanner = make_device(collection=scene["collection"])
    pending = wipe(make_drive(scanner, serial="WD-PENDING-1"), operator_id=scene["operator"].id)
    statement, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    assert statement.kind == "erasure_statement" and statement.number.startswith("REL-2026-")
    assert "certificat" not in statement.filename
    text = pdf_text(statement.content)
    assert "Relevé provisoire d'effacement des données" in text
    assert "CE RELEVÉ N'EST PAS UN CERTIFICAT" in text
    assert "dont 1 en attente de validation" in text and "WD-PENDING-1" in text
    assert "Certificat d'effacement des données" not in text
    assert db.session.scalar(select(IssuedDocument.id).where(
        IssuedDocument.kind == "erasure_certificate")) is None
    # The operator cannot validate their own erasure; someone else can.
    with pytest.raises(InvalidInput):
        records.validate_record(pending, actor_id=scene["operator"].id, now=NOW)
    records.validate_record(pending, actor_id=scene["validator"].id, now=NOW)
    certificate, _ = certificates.issue_collection_certificate(
        scene["collection"], issuer=ISSUER, actor_id=None, now=NOW)
    assert certificate.kind == "erasure_certificate" and certificate.number.startswith("CERT-")
    text = pdf_text(certificate.content)
    assert "Certificat d'effacement des données" in text and "provisoire" not in text
    assert "Dominique Valideur — Administrateur, le 02/03/2026 10:30" in text


def test_collection_page_shows_what_each_drive_lacks_and_who_can_validate(scene, client,
                                                                         login_as, db):
    save_identity()
    tech = login_as("technician", display_name="Sacha Technicien")
    scanner = make_device(collection=scene["collection"])
    pending = wipe(make_drive(scanner, serial="WD-PENDING-2"), operator_id=tech.id)
    blocked = make_drive(scanner, serial="WD-BLOCKED-3")
    db.session.commit()
    html = client.get(f"/wiping/collections/{scene['collection'].id}").get_data(as_text=True)
    assert "Certificat impossible : 1 support(s) sans effacement valable." in html
    assert "WD-BLOCKED-3" in html and "aucun effacement enregistré" in html
    row = html[html.index("WD-PENDING-2"):]
    row = row[:row.index("</tr>")]
    assert f"Effacement n° {pending.id} à valider" in row and "Sacha Technicien" in row
    assert "Dominique Valideur" in row and "Camille Opérateur" in row
    assert row.count("Sacha Technicien") == 1  # named as the operator, not as a validator
    records.record_wipe(blocked, records.WipeInput(technique="shred", outcome="destroy"),
                        actor_id=tech.id, now=NOW)
    db.session.commit()
    html = client.get(f"/wiping/collections/{scene['collection'].id}").get_data(as_text=True)
    assert "Émettre un relevé provisoire (ce n’est pas un certificat)" in html
    assert "Émettre le certificat" not in html


def test_identity_is_checked_before_anything_is_issued(scene, db):
    bare = certificates.Issuer(WorkshopIdentity(name="Atelier Refurb"))
    with pytest.raises(IdentityIncomplete) as refused:
        certificates.issue_device_certificate(scene["laptop"], issuer=bare, actor_id=None,
                                              now=NOW)
    reasons = " ".join(str(r) for r in refused.value.reasons)
    assert "SIRET" in reasons and "Adresse" in reasons and "Contact" in reasons
    assert "WORKSHOP_" not in str(refused.value) + reasons
    assert db.session.scalar(select(IssuedDocument.id)) is None


def test_collection_page_links_the_missing_identity_to_its_setting(scene, client, login_as):
    login_as("admin")
    html = client.get(f"/wiping/collections/{scene['collection'].id}").get_data(as_text=True)
    assert "L’identité de l’atelier est incomplète" in html
    assert 'href="/admin/settings/workshop#siret"' in html
    assert "WORKSHOP_" not in html and "Émettre le certificat" not in html


def test_qr_code_on_the_certificate_points_to_the_verification_page(issued):
    import pypdfium2
    import zxingcpp

    page = pypdfium2.PdfDocument(issued.content)[0]
    image = page.render(scale=2).to_pil()
    texts = [result.text for result in zxingcpp.read_barcodes(image)]
    assert f"http://refurb.test/verify/{issued.verify_token}" in texts


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


def test_the_collection_certificate_is_previewed_then_issued_by_a_job(scene, client, login_as,
                                                                      db):
    save_identity()
    login_as("technician")
    url = f"/wiping/collections/{scene['collection'].id}/certificate"
    preview = client.post(url).get_data(as_text=True)
    assert db.session.scalar(select(IssuedDocument.id)) is None  # nothing issued yet
    assert "À vérifier avant d’émettre le certificat d’effacement" in preview
    assert "<dt>Supports de stockage couverts</dt><dd>2</dd>" in preview
    assert "<dt>Effacements en attente de validation</dt><dd>0</dd>" in preview
    done = client.post(url, data={"confirm": "1", "request_key": "once"}, follow_redirects=True)
    [document] = db.session.scalars(select(IssuedDocument)).all()
    page = done.get_data(as_text=True)
    assert f"Certificat {document.number} émis (version 1)." in page
    assert f"/documents/{document.id}/{document.filename}" in page
    assert f"/wiping/collections/{scene['collection'].id}" in page  # the way back
    client.post(url, data={"confirm": "1", "request_key": "once"})  # a double click
    assert len(db.session.scalars(select(IssuedDocument)).all()) == 1
