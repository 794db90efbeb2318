"""The collection receipt (bon de prise en charge): content, numbering, versions."""

import hashlib
import html
import io
import re
from datetime import datetime
from decimal import Decimal

from pypdf import PdfReader
from sqlalchemy import select

from refurb.documents.models import IssuedDocument
from refurb.intake import receipts
from tests.factories import make_device, make_donor
from tests.intake.helpers import open_collection

WORKSHOP = {"name": "Atelier FERIS", "address": "1 place de la Mairie, 59970 Fresnes-sur-Escaut",
            "siret": "21590252700018", "contact": "atelier@feris.example"}
NOW = datetime(2026, 3, 5, 16, 0)


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\u00a0\u202f]", " ", text)


def stocked_collection(db):
    donor = make_donor(name="Banque du Nord", siret="48774196900033")
    donor.legal_form, donor.city, donor.contact_name = "SA", "Lille", "M. Durand"
    collection = open_collection(donor=donor)
    devices = [
        make_device("laptop", collection=collection, serial="PF1K7ZQ3", make="Lenovo",
                    model="ThinkPad T480", weight_kg=Decimal("1.58")),
        make_device("laptop", collection=collection, serial="5CG7281XYZ", make="HP",
                    model="EliteBook 840 G4"),
        make_device("desktop", collection=collection, serial="CZC4321XYZ", make="HP",
                    model="EliteDesk 800 G1", legal_status="waste"),
        make_device("monitor", collection=collection, serial=None, make="Dell", model="P2217H"),
    ]
    return collection, devices


def issue(collection):
    return receipts.issue_receipt(collection, workshop=WORKSHOP, actor_id=None, now=NOW)


def test_receipt_lists_every_device_and_the_totals(db):
    collection, devices = stocked_collection(db)
    document, created = issue(collection)
    assert created and document.version == 1 and document.number == "COL-2026-0501-BPC"
    assert document.kind == "collection_receipt" and document.donor_id == collection.donor_id
    assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    text = pdf_text(document.content)
    for device in devices:
        assert device.asset_tag in text
        if device.serial:
            assert device.serial in text
    for fact in ("Atelier FERIS", "Banque du Nord", "48774196900033", "COL-2026-0501",
                 "Bon de prise en charge", "01/03/2026", "Pour le donateur", "Pour l'atelier",
                 "reconnaît avoir pris en charge"):
        assert fact in text, fact
    # 1.58 weighed + 3 (laptop) + 10 (desktop) + 5 (monitor) estimated = 19.58 kg
    assert "Nombre d'appareils 4" in text
    assert "Ordinateur portable 2" in text and "Unité centrale 1" in text and "Écran plat 1" in text
    assert "Poids total 19,6 kg" in text
    assert "dont pesé / estimé 1,6 kg / 18,0 kg" in text
    assert "Réemploi / déchet 3 / 1" in text
    assert document.summary == {"devices": 4, "kg": "19.58"}


def test_same_content_same_version_new_device_new_version_old_one_kept(client, db, login_as):
    collection, _ = stocked_collection(db)
    first, created = issue(collection)
    again, created_again = issue(collection)
    assert created and not created_again and again.id == first.id and again.version == 1
    old_bytes, old_hash = first.content, first.sha256
    added = make_device("tablet", collection=collection, serial="TAB-1", make="Apple", model="iPad")
    second, created = issue(collection)
    assert created and second.version == 2 and second.sha256 != old_hash
    assert added.asset_tag in pdf_text(second.content)
    assert added.asset_tag not in pdf_text(old_bytes)
    db.session.commit()
    login_as("technician")
    page = client.get(f"/collections/{collection.id}").get_data(as_text=True)
    links = re.findall(r'href="(/documents/\d+/[^"]+)"', page)
    assert len(links) == 2 and "-v1.pdf" in " ".join(links) and "-v2.pdf" in " ".join(links)
    v1 = client.get(next(link for link in links if link.endswith("-v1.pdf")))
    assert v1.status_code == 200 and v1.data == old_bytes
    assert hashlib.sha256(v1.data).hexdigest() == old_hash
    assert db.session.scalar(select(IssuedDocument).where(IssuedDocument.version == 1)).content \
        == old_bytes


def test_issuing_through_the_page(client, db, login_as):
    login_as("technician")
    collection, _ = stocked_collection(db)
    db.session.commit()
    url = f"/collections/{collection.id}/receipt"
    preview = client.post(url).get_data(as_text=True)  # its figures first, nothing issued
    assert "À vérifier avant d’émettre" in preview and "<dt>Appareils</dt><dd>" in preview
    assert db.session.scalar(select(IssuedDocument)) is None
    first = client.post(url, data={"confirm": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "émis : version 1" in first
    second = client.post(url, data={"confirm": "1"}, follow_redirects=True).get_data(
        as_text=True)
    assert "pas de nouvelle version" in second
    assert len(list(db.session.scalars(select(IssuedDocument)))) == 1


def test_no_receipt_for_an_empty_or_planned_collection(client, db, login_as):
    login_as("technician")
    empty = open_collection()
    planned = open_collection(number="COL-2026-0502", state="planned")
    make_device(collection=planned)
    db.session.commit()
    for collection, reason in ((empty, "Aucun appareil"), (planned, "suit l'enlèvement")):
        page = client.post(f"/collections/{collection.id}/receipt", follow_redirects=True)
        assert reason in html.unescape(page.get_data(as_text=True))
    assert db.session.scalar(select(IssuedDocument)) is None


def test_the_donor_downloads_its_own_receipt_only(app, db, client):
    from tests.factories import make_user

    collection, _ = stocked_collection(db)
    document, _ = issue(collection)
    own = make_user("donor", donor_organisation_id=collection.donor_id)
    stranger = make_user("donor")
    db.session.commit()
    url = f"/documents/{document.id}/{document.filename}"
    for user, status in ((own, 200), (stranger, 404)):
        c = app.test_client()
        with c.session_transaction() as session:
            session["_user_id"] = str(user.id)
        assert c.get(url).status_code == status
