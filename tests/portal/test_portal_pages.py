"""Donor portal pages: impact figures computed by hand, the fate of each machine, the CSV,
the mécénat gift receipt (Cerfa 16216 fields, numbered, versioned, append-only values) and
bounded query counts."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from refurb.append_only import AppendOnlyViolation
from refurb.clock import utcnow
from refurb.documents.models import IssuedDocument
from refurb.portal import services
from refurb.portal.models import GiftValuation
from refurb.reports.queries import recipients_of
from refurb.settings import services as settings
from refurb.training.progress import hours_delivered_for_beneficiaries
from tests.factories import make_collection, make_device, make_donor, make_user
from tests.querycount import count_queries
from tests.reports import report_scene
from tests.reports.report_scene import build

ADDRESS = "2 rue de la Mairie, 59970 Fresnes-sur-Escaut"


@pytest.fixture
def scene(db, app, monkeypatch, shared_rows):
    monkeypatch.setitem(app.config, "WORKSHOP_ADDRESS", ADDRESS)
    monkeypatch.setitem(app.config, "WORKSHOP_NAME", "CCAS de Fresnes-sur-Escaut")
    return shared_rows("portal.pages", lambda: _scene(db))


def _scene(db):
    scene = build()
    scene.users = {"a": make_user("donor", donor_organisation_id=scene.donor_a.id),
                   "b": make_user("donor", donor_organisation_id=scene.donor_b.id)}
    db.session.commit()
    return scene


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _pdf(document) -> str:
    reader = PdfReader(io.BytesIO(document.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _signatory() -> None:
    now = utcnow()
    settings.set_value(services.SIGNATORY, "Marie Dupont", actor_id=None, now=now)
    settings.set_value(services.SIGNATORY_ROLE, "Vice-présidente du CCAS", actor_id=None,
                       now=now)


@pytest.mark.parametrize(("donor", "figures"), [("a", report_scene.EXPECTED_A),
                                                ("b", report_scene.EXPECTED_B)])
def test_impact_figures(scene, client, donor, figures):
    organisation = scene.donor_a if donor == "a" else scene.donor_b
    impact = services.impact_for_donor(organisation.id)
    assert (impact.devices, impact.reused, impact.fates["parts"], impact.fates["recycled"],
            impact.fates["in_progress"]) == (figures["devices"], figures["reused"],
                                             figures["parts"], figures["recycled"],
                                             figures["in_progress"])
    assert impact.equipped == figures["equipped"]
    assert impact.kg_kept_from_waste == figures["kg_kept"]
    assert impact.kg_recycled == figures["kg_recycled"]
    assert impact.co2e_kg == figures["co2e"]
    assert impact.training_hours == figures["hours"]
    # Same hours as the training domain's own arithmetic.
    recipients = [row[0] for row in scene_db_rows(recipients_of, organisation.id)]
    assert hours_delivered_for_beneficiaries(recipients) == figures["hours"]

    _sign_in(client, scene.users[donor])
    page = _text(client.get("/portal/"))
    for label, value in (
        ("Machines données", figures["devices"]), ("Machines réemployées", figures["reused"]),
        ("Machines recyclées (DEEE)", figures["recycled"]),
        ("Foyers équipés", figures["equipped"].get("household", 0)),
        ("Écoles équipées", figures["equipped"].get("school", 0)),
        ("Poids évité en déchet (machines réemployées)",
         f"{str(figures['kg_kept']).replace('.', ',')} kg"),
        ("CO2e évité (estimation)", f"{figures['co2e']} kg"),
        ("Heures de formation suivies par les personnes équipées",
         f"{figures['hours']:.1f} h".replace(".", ",")),
    ):
        assert f"{label} {value}" in page, label
    assert "ADEME (2022)" in page and "27,0 kg CO2e par année d’usage" in page


def scene_db_rows(query_for, donor_id):
    from refurb.extensions import db
    from refurb.portal.queries import donor_device_ids

    return db.session.execute(query_for(donor_device_ids(donor_id))).all()


def test_fate_of_each_machine_and_csv(scene, client):
    _sign_in(client, scene.users["a"])
    page = _text(client.get(f"/portal/collections/{scene.collection_a.id}"))
    d = scene.devices
    for key, fate in (("L1", "Réemployé"), ("L2", "Réemployé"), ("D1", "Recyclé (DEEE)"),
                      ("M1", "Pièces détachées")):
        assert re.search(rf"{d[key].asset_tag} {d[key].serial} .*? {re.escape(fate)}", page), key
    response = client.get(f"/portal/collections/{scene.collection_a.id}/devices.csv")
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff") and "\r\n" in body
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0] == ["N° d’inventaire", "N° de série", "Type", "Marque", "Modèle", "Devenir",
                       "N° d'inventaire du donateur"]
    fates = {row[1]: row[5] for row in rows[1:]}
    assert fates == {"SN-L1": "Réemployé", "SN-L2": "Réemployé", "SN-D1": "Recyclé (DEEE)",
                     "SN-M1": "Pièces détachées"}


def test_gift_receipt_with_cerfa_16216_fields(scene, client, db):
    _signatory()
    db.session.commit()
    _sign_in(client, scene.users["a"])
    url = f"/portal/collections/{scene.collection_a.id}/valuation"
    response = client.post(url, data={"amount": "1 234,50"})
    assert response.status_code == 302
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "gift_receipt"))
    year = utcnow().year
    assert document.number == f"RF-MEC-{year}-0001" and document.version == 1
    assert document.donor_id == scene.donor_a.id and not document.personal
    assert document.subject == f"collection:{scene.collection_a.id}"
    text = _pdf(document)
    for expected in (
        "CCAS de Fresnes-sur-Escaut", ADDRESS, "Réemploi solidaire",            # beneficiary org
        "Organisme d'intérêt général",
        "Banque du Nord", "SA coopérative", "487741969",                        # donor, SIREN
        "1 place du Marché, 59300 Valenciennes",
        "10/01/2025",                                                           # date of gift
        "Unité centrale 1", "Ordinateur portable 2", "Écran plat 1", "Total 4",  # goods
        "1 234,50 €", "mille deux cent trente-quatre euros et cinquante centimes",
        "prix de revient", "Acte sous seing privé", "Don en nature",
        "Marie Dupont, Vice-présidente du CCAS", "article 238 bis",
    ):
        assert expected.replace("\u202f", " ") in text.replace("\u202f", " ").replace(
            "\u00a0", " "), expected
    page = client.get(f"/portal/collections/{scene.collection_a.id}").get_data(as_text=True)
    assert f"/documents/{document.id}/{document.filename}" in page
    assert client.get(f"/documents/{document.id}/{document.filename}").status_code == 200

    # A new value: a new row and a new version of the same receipt.
    assert client.post(url, data={"amount": "2000"}).status_code == 302
    versions = db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.kind == "gift_receipt").order_by(IssuedDocument.version)).all()
    assert [(v.number, v.version) for v in versions] == [(document.number, 1),
                                                          (document.number, 2)]
    assert "deux mille euros" in _pdf(versions[1])
    values = db.session.scalars(select(GiftValuation).order_by(GiftValuation.id)).all()
    assert [str(v.amount) for v in values] == ["1234.50", "2000.00"]
    assert values[1].document_id == versions[1].id
    # The same value again: refused, nothing added.
    response = client.post(url, data={"amount": "2 000,00"})
    assert response.status_code == 400 and "déjà déclarée" in response.get_data(as_text=True)
    assert db.session.scalar(select(GiftValuation.id).order_by(GiftValuation.id.desc())) == \
        values[1].id


@pytest.mark.parametrize(("amount", "message"), [
    ("", "Sans valeur déclarée, pas de reçu"),
    ("0", "supérieure à zéro"),
    ("-5", "supérieure à zéro"),
    ("douze", "illisible"),
    ("12,345", "deux décimales"),
])
def test_no_value_no_receipt(scene, client, db, amount, message):
    _signatory()
    db.session.commit()
    _sign_in(client, scene.users["a"])
    response = client.post(f"/portal/collections/{scene.collection_a.id}/valuation",
                           data={"amount": amount})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(IssuedDocument.id).where(
        IssuedDocument.kind == "gift_receipt")) is None


def test_receipt_refused_until_the_workshop_fills_what_cerfa_needs(scene, client, db):
    _sign_in(client, scene.users["b"])  # donor B has no address; no signatory configured
    response = client.post(f"/portal/collections/{scene.collection_b.id}/valuation",
                           data={"amount": "500"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "adresse de l&#39;entreprise donatrice" in page.lower()
    assert "signataire" in page
    assert db.session.scalar(select(GiftValuation.id)) is None


def test_an_admin_declares_for_the_donor(scene, client, db, login_as):
    _signatory()
    scene.donor_b.address = "5 rue des Mineurs"
    db.session.commit()
    login_as("admin")
    listing = client.get("/portal/mecenat").get_data(as_text=True)
    assert scene.collection_b.number in listing
    response = client.post(f"/portal/collections/{scene.collection_b.id}/valuation",
                           data={"amount": "750"})
    assert response.status_code == 302
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "gift_receipt"))
    assert document.donor_id == scene.donor_b.id
    assert "sept cent cinquante euros" in _pdf(document)
    assert "750,00" in client.get("/portal/mecenat").get_data(as_text=True)


def test_declared_values_are_append_only(scene, db, engine_name):
    _signatory()
    valuation, _document = services.declare_gift_value(
        scene.collection_a, "100", workshop=_letterhead(), actor_id=None, now=utcnow())
    db.session.commit()
    valuation.amount = 1
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    for statement in ("UPDATE gift_valuations SET amount = 1", "DELETE FROM gift_valuations"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement))
        db.session.rollback()


def _letterhead():
    from refurb.documents.pdf import Letterhead

    return Letterhead("CCAS", ADDRESS, "21590001500011", "")


# --- query counts -------------------------------------------------------------------------


def _donor_with(collections: int, devices_each: int):
    donor = make_donor(siret=None)
    user = make_user("donor", donor_organisation_id=donor.id)
    made = []
    for _ in range(collections):
        collection = make_collection(donor)
        collection.collected_on = date(2026, 3, 1)
        made.append(collection)
        for _ in range(devices_each):
            make_device("laptop", collection=collection)
    return user, made


def _queries(client, url: str) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_portal_pages_do_a_bounded_number_of_queries(db, client):
    small_user, small = _donor_with(2, 2)
    big_user, big = _donor_with(12, 6)
    db.session.commit()
    counts = {}
    for label, user, collections in (("small", small_user, small), ("big", big_user, big)):
        _sign_in(client, user)
        pages = ("/portal/", f"/portal/collections/{collections[0].id}")
        for url in pages:  # the first pages of a process also read the configuration
            client.get(url)
        counts[label] = tuple(_queries(client, url) for url in pages)
    assert counts["small"] == counts["big"], counts
    assert counts["big"][0] <= 12 and counts["big"][1] <= 15, counts


def test_the_portal_home_reads_the_donors_tallies_once(db, client):
    # Its figures (machines by fate, reused by type, weights) all come from the same few rows.
    user, collections = _donor_with(2, 3)
    db.session.commit()
    _sign_in(client, user)
    client.get("/portal/")
    with count_queries() as statements:
        page = client.get("/portal/").get_data(as_text=True)
    tallies = [s for s in statements if "FROM device_tallies" in s]
    # The donor's own rows, and those of the collections listed on the page.
    assert len(tallies) == 2, tallies
    assert "Machines données" in page and collections[0].number in page


def test_mecenat_list_does_a_bounded_number_of_queries(db, client, login_as):
    _donor_with(3, 1)
    login_as("admin")
    few = _queries(client, "/portal/mecenat")
    _donor_with(20, 1)
    db.session.commit()
    assert _queries(client, "/portal/mecenat") == few
