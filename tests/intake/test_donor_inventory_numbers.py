"""The donor's own inventory number: entered at the bench, imported from its list, printed on
its receipt and erasure certificate, shown in its portal and CSV, found by the scan box."""

import csv
import html
import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from refurb.devices.models import Device
from refurb.intake import receipts
from refurb.wiping import certificates, records
from tests.factories import NOW, make_device, make_donor, make_user
from tests.intake.helpers import csv_bytes, open_collection, upload
from tests.wiping.helpers import WORKSHOP as IDENTITY
from tests.wiping.helpers import make_drive, wipe

WORKSHOP = {"name": "Atelier FERIS", "address": "1 place de la Mairie, 59970 Fresnes-sur-Escaut",
            "siret": "21590252700018", "contact": "atelier@feris.example"}
ISSUER = certificates.Issuer(IDENTITY)


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def test_entered_at_the_bench(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    form = {"device_type": "laptop", "make": "HP", "model": "840 G4", "serial": "5CG1",
            "donor_inventory_number": " IMMO-2019-0042 ", "legal_status": "reuse"}
    client.post(f"/collections/{collection.id}/intake", data=form)
    device = db.session.scalar(select(Device))
    assert device.donor_inventory_number == "IMMO-2019-0042"
    page = html.unescape(client.get(f"/devices/{device.id}").get_data(as_text=True))
    assert "N° d'inventaire du donateur</dt><dd><code>IMMO-2019-0042<" in page
    too_long = dict(form, serial="5CG2", donor_inventory_number="X" * 61)
    refused = client.post(f"/collections/{collection.id}/intake", data=too_long)
    assert refused.status_code == 200 and "X" * 61 in refused.get_data(as_text=True)
    assert db.session.scalar(select(Device).where(Device.serial == "5CG2")) is None


def test_imported_from_the_donors_list(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    header = ["Type", "N° de série", "N° d'immobilisation"]
    rows = [["Portable", "S1", "IMMO-0001"], ["Écran", "S2", ""], ["Portable", "S3", "Z" * 61]]
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload("parc.csv", csv_bytes([header, *rows]))})
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(r'<option value="2" selected>N° d&#39;immobilisation</option>', page)
    assert "n° d&#39;inventaire du donateur : plus de 60 caractères" in page
    done = client.post(response.location, data={"map-type": "0", "map-serial": "1",
                                                "map-inventory": "2", "action": "import"},
                       follow_redirects=True)
    assert "Ligne 4 : n° d&#39;inventaire du donateur : plus de 60 caractères" in \
        done.get_data(as_text=True)
    assert db.session.scalar(select(Device)) is None
    fixed = csv_bytes([header, *rows[:2]])
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload("parc.csv", fixed)})
    client.post(response.location, data={"map-type": "0", "map-serial": "1",
                                         "map-inventory": "2", "action": "import"})
    numbers = dict(db.session.execute(select(Device.serial, Device.donor_inventory_number)).all())
    assert numbers == {"S1": "IMMO-0001", "S2": None}


def test_on_the_collection_receipt_beside_our_tag(db):
    collection = open_collection(donor=make_donor(name="Banque du Nord"))
    numbered = make_device("laptop", collection=collection, serial="S1",
                           donor_inventory_number="BDN-PC-0042")
    plain = make_device("monitor", collection=collection, serial="S2")
    document, _ = receipts.issue_receipt(collection, workshop=WORKSHOP, actor_id=None, now=NOW)
    text = pdf_text(document.content)
    assert "N° donateur" in text
    assert re.search(rf"{numbered.asset_tag} BDN-PC-0042 Ordinateur portable", text)
    assert re.search(rf"{plain.asset_tag} Écran plat", text)
    without = open_collection(number="COL-2026-0502")
    make_device("laptop", collection=without, serial="S3")
    other, _ = receipts.issue_receipt(without, workshop=WORKSHOP, actor_id=None, now=NOW)
    assert "N° donateur" not in pdf_text(other.content)  # no empty column


def test_on_the_erasure_certificate_table(db):
    collection = open_collection(donor=make_donor(name="Banque du Nord"))
    laptop = make_device("laptop", collection=collection, donor_inventory_number="BDN-PC-0042")
    record = wipe(make_drive(laptop, kind="ssd", serial="S3Z9NB0K123"))
    records.validate_record(record, actor_id=make_user("admin").id, now=NOW)
    document, _ = certificates.issue_collection_certificate(collection, issuer=ISSUER,
                                                            actor_id=None, now=NOW)
    text = pdf_text(document.content)
    assert re.search(rf"{laptop.asset_tag} .{{0,80}}BDN-PC-0042", text)


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def test_in_the_donor_portal_and_its_csv(client, db):
    collection = open_collection(donor=make_donor(name="Banque du Nord"))
    device = make_device("laptop", collection=collection, serial="S1",
                         donor_inventory_number="BDN-PC-0042")
    make_device("monitor", collection=collection, serial="S2")
    _sign_in(client, make_user("donor", donor_organisation_id=collection.donor_id))
    db.session.commit()
    page = client.get(f"/portal/collections/{collection.id}").get_data(as_text=True)
    assert re.search(rf"{device.asset_tag}</code></a></td>\s*<td>S1</td>\s*<td>BDN-PC-0042</td>",
                     page)
    assert "BDN-PC-0042" in client.get(f"/portal/devices/{device.id}").get_data(as_text=True)
    response = client.get(f"/portal/collections/{collection.id}/devices.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8")[1:]), delimiter=";"))
    assert rows[0][-1] == "N° d'inventaire du donateur"
    assert {row[1]: row[-1] for row in rows[1:]} == {"S1": "BDN-PC-0042", "S2": ""}


def test_found_by_the_scan_box_exactly(client, db, login_as):
    login_as("technician")
    first = open_collection(donor=make_donor(name="Banque du Nord"))
    second = open_collection(donor=make_donor(name="Mutuelle"), number="COL-2026-0502")
    device = make_device("laptop", collection=first, donor_inventory_number="BDN-PC-0042")
    twins = [make_device("laptop", collection=c, donor_inventory_number="PC-7") for c in
             (first, second)]
    db.session.commit()
    found = client.get("/scan", query_string={"q": " BDN-PC-0042 "})
    assert found.status_code == 302 and found.location.endswith(f"/devices/{device.id}")
    assert client.get("/scan", query_string={"q": "BDN-PC-0042", "format": "json"}).json == {
        "found": True, "url": f"/devices/{device.id}"}
    # The same number at two donors: both listed, the technician picks.
    listed = client.get("/scan", query_string={"q": "PC-7"}).get_data(as_text=True)
    assert all(twin.asset_tag in listed for twin in twins) and device.asset_tag not in listed
    # Exact only: a part of the number is not the number.
    partial = client.get("/scan", query_string={"q": "BDN-PC-004"})
    assert partial.status_code == 200 and device.asset_tag not in partial.get_data(as_text=True)


def test_the_lookup_uses_an_index(db):
    from sqlalchemy import inspect

    indexes = inspect(db.engine).get_indexes("devices")
    assert any(ix["column_names"] == ["donor_inventory_number"] for ix in indexes)
