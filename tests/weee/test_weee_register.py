"""The waste register: stored when a batch closes, append-only, exported with the
Trackdéchets field names (CSV for French Excel, JSON lines ready to submit)."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from refurb.append_only import AppendOnlyViolation
from refurb.core.errors import InvalidInput
from refurb.weee import batches, closing, loose_parts, register, trackdechets
from refurb.weee.models import Carrier, WasteRegisterLine
from tests.factories import make_collection, make_device, make_donor
from tests.weee.helpers import (
    CARRIER2_SIRET,
    CARRIER_SIRET,
    ECOLOGIC,
    NOW,
    OPERATOR_SIRET,
    TODAY,
    WORKSHOP_SIRET,
    closed_batch,
    configure_site,
    export_register,
    handover,
    make_carrier,
    make_disposable,
    make_operator,
)

# DOMAIN.md §4, "Its outgoing-register line (OutgoingWasteLineInput) holds: …", field by field,
# with what our closed batch must put there.
EXPECTED = {
    # reporting company SIRET
    "reportForCompanySiret": WORKSHOP_SIRET,
    # pickup site (name, address, postal code, city, country)
    "reportForPickupSiteName": "Atelier FERIS",
    "reportForPickupSiteAddress": "2 rue de la Mairie",
    "reportForPickupSitePostalCode": "59970",
    "reportForPickupSiteCity": "Fresnes-sur-Escaut",
    "reportForPickupSiteCountryCode": "FR",
    "wasteCode": "16 02 14",
    "wastePop": False,
    "wasteIsDangerous": False,
    "dispatchDate": "2026-03-10",
    "weightValue": 0.008,  # a laptop (3 kg) and a monitor (5 kg), in tonnes
    "weightIsEstimate": True,
    # destination company (type, SIRET, name, address)
    "destinationCompanyType": "ETABLISSEMENT_FR",
    "destinationCompanyOrgId": OPERATOR_SIRET,
    "destinationCompanyName": "Recyclage du Nord",
    "destinationCompanyAddress": "ZI des Ateliers",
    "destinationCompanyPostalCode": "59300",
    "destinationCompanyCity": "Valenciennes",
    "destinationCompanyCountryCode": "FR",
    "operationCode": "R4",
    "operationMode": "RECYCLAGE",
    # eco-organism SIRET and name
    "ecoOrganismeSiret": ECOLOGIC,
    "ecoOrganismeName": "Ecologic",
    # up to five carriers (SIRET, name, receipt number, transport mode)
    "transporter1CompanyOrgId": CARRIER_SIRET,
    "transporter1CompanyName": "Transports Escaut",
    "transporter1RecepisseNumber": "REC-59-2024-001",
    "transporter1TransportMode": "ROAD",
    "transporter2CompanyOrgId": CARRIER2_SIRET,
    "transporter2CompanyName": "Fer du Hainaut",
    "transporter2RecepisseNumber": "REC-59-2025-077",
    "transporter2TransportMode": "RAIL",
    "reason": None,
}


@pytest.fixture
def closed(db):
    configure_site()
    operator = make_operator()
    carriers = [make_carrier(), make_carrier(CARRIER2_SIRET, name="Fer du Hainaut",
                                             receipt_number="REC-59-2025-077",
                                             transport_mode="RAIL")]
    batch = closed_batch([make_disposable("laptop"), make_disposable("monitor")],
                         operator=operator, carriers=carriers)
    db.session.commit()
    return batch


def _jsonl(client, **params) -> list[dict]:
    response = export_register(client, "jsonl", **params)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def _csv(client, **params) -> list[dict]:
    response = export_register(client, "csv", **params)
    assert response.status_code == 200 and ".csv" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def test_jsonl_holds_every_required_field_typed(client, login_as, closed):
    login_as("admin")
    [line] = _jsonl(client, start="2026-01-01", end="2026-12-31")
    assert list(line) == list(trackdechets.OUTGOING_FIELDS)  # every field, Trackdéchets order
    for field, value in EXPECTED.items():
        assert line[field] == value, field
        assert type(line[field]) is type(value), field
    assert line["publicId"] == f"{closed.number}-160214"
    assert line["wasteDescription"] == (
        f"DEEE lot {closed.number} : 1 × Ordinateur portable, 1 × Écran plat")
    assert line["transporter3CompanyOrgId"] is None  # unused carrier slots stay empty
    assert line["isDirectSupply"] is False


def test_csv_holds_the_same_fields_for_french_excel(client, login_as, closed):
    login_as("technician")
    [row] = _csv(client, start="2026-03-01", end="2026-03-31")
    assert list(row) == list(trackdechets.OUTGOING_FIELDS)
    assert row["reportForCompanySiret"] == WORKSHOP_SIRET
    assert row["dispatchDate"] == "10/03/2026"
    assert row["weightValue"] == "0,008"
    assert (row["wastePop"], row["weightIsEstimate"]) == ("non", "oui")
    for field in ("destinationCompanyOrgId", "operationCode", "operationMode",
                  "ecoOrganismeSiret", "ecoOrganismeName", "transporter2CompanyOrgId",
                  "transporter2RecepisseNumber", "transporter2TransportMode"):
        assert row[field] == str(EXPECTED[field]), field


def test_exports_filter_by_period(client, login_as, db, closed):
    login_as("admin")
    carrier = db.session.scalar(select(Carrier).where(Carrier.siret == CARRIER_SIRET))
    closed_batch([make_disposable("desktop")], operator=make_operator("77711122200017"),
                 carriers=[carrier], when=date(2025, 11, 3))
    db.session.commit()
    assert [line["dispatchDate"] for line in _jsonl(client, start="2025-01-01",
                                                     end="2025-12-31")] == ["2025-11-03"]
    assert len(_jsonl(client, start="2025-01-01", end="2026-12-31")) == 2
    assert _csv(client, start="2024-01-01", end="2024-12-31") == []


def test_unreadable_periods_fall_back_to_the_current_year(client, login_as, closed):
    login_as("admin")
    response = client.get("/weee/register.jsonl?start=hier&end=2026-13-45")
    assert response.status_code == 200
    assert f"du 01/01/{date.today().year} au" in response.get_data(as_text=True)


def test_one_line_per_batch_and_waste_code_with_hazard_and_pops(db):
    configure_site()
    crt, laptop = make_disposable("crt_monitor"), make_disposable("laptop")
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    batches.add_device(batch, crt, actor_id=None, now=NOW, weight_kg="13")
    batches.add_device(batch, laptop, actor_id=None, now=NOW)
    loose_parts.add_part(batch, loose_parts.PartValues(
        kind="cable", quantity=10, weight_kg="2,5", weight_measured=True, category=6,
        waste_code="16 02 16", contains_pops=True), actor_id=None, now=NOW)
    closing.close_batch(batch, handover(make_operator(), [make_carrier()],
                                         tracking_reference="TD-26-AAA111"),
                         actor_id=None, now=NOW)
    lines = {line.waste_code: line.fields for line in db.session.scalars(
        select(WasteRegisterLine))}
    assert set(lines) == {"16 02 13*", "16 02 14", "16 02 16"}
    assert (lines["16 02 13*"]["wasteIsDangerous"], lines["16 02 13*"]["weightIsEstimate"],
            lines["16 02 13*"]["weightValue"]) == (True, False, 0.013)
    assert (lines["16 02 16"]["wastePop"], lines["16 02 16"]["wasteIsDangerous"]) == (True, True)
    assert lines["16 02 14"]["wasteIsDangerous"] is False


def test_a_correction_is_a_new_edit_line_with_the_same_public_id(db, closed):
    [original] = db.session.scalars(select(WasteRegisterLine)).all()
    before = dict(original.fields)
    edit = register.correct_line(original, {"weightValue": 0.0095, "weightIsEstimate": False},
                                 note="Pesée du transporteur : 9,5 kg", actor_id=None, now=NOW)
    db.session.commit()
    assert (edit.public_id, edit.revision, edit.reason, edit.corrects_id) == (
        original.public_id, 2, "EDIT", original.id)
    assert edit.fields["reason"] == "EDIT" and edit.fields["weightValue"] == 0.01
    assert edit.weight_kg == Decimal("10.00") and edit.fields["weightIsEstimate"] is False
    db.session.refresh(original)
    assert original.fields == before and original.reason is None
    with pytest.raises(InvalidInput, match="dernière version"):
        register.correct_line(original, {"weightValue": 1.0}, note="x", actor_id=None, now=NOW)
    for changes, message in (({"weightValue": 0}, "tonnes"), ({"wasteCode": "99"}, "Code"),
                             ({"operationMode": "ELIMINATION"}, "Mode"),
                             ({"publicId": "autre"}, "non modifiables"),
                             ({"dispatchDate": TODAY + timedelta(days=3)}, "futur")):
        with pytest.raises(InvalidInput, match=message):
            register.correct_line(edit, changes, note="essai", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="Motif"):
        register.correct_line(edit, {"weightValue": 1.0}, note=" ", actor_id=None, now=NOW)


def test_corrections_follow_the_line_they_correct_in_exports(client, login_as, db, closed):
    login_as("admin")
    [original] = db.session.scalars(select(WasteRegisterLine)).all()
    register.correct_line(original, {"wasteDescription": "Écrans et portables"},
                          note="Dénomination", actor_id=None, now=NOW)
    db.session.commit()
    lines = _jsonl(client, start="2026-01-01", end="2026-12-31")
    assert [(line["publicId"], line["reason"]) for line in lines] == [
        (original.public_id, None), (original.public_id, "EDIT")]
    assert lines[1]["wasteDescription"] == "Écrans et portables"


@pytest.mark.parametrize("statement", [
    "UPDATE waste_register_lines SET weight_kg = 0",
    "DELETE FROM waste_register_lines",
    "UPDATE waste_register_incoming_devices SET line_id = line_id",
    "DELETE FROM waste_register_incoming_devices",
])
def test_the_database_refuses_to_change_or_delete_register_lines(db, statement):
    configure_site()
    closed_batch([make_disposable()])
    make_device(legal_status="waste")
    register.record_incoming_lines(actor_id=None, now=NOW)
    db.session.commit()
    counts = db.session.scalar(text("SELECT count(*) FROM waste_register_lines"))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM waste_register_lines")) == counts == 2


def test_the_orm_refuses_to_change_or_delete_register_lines(db, closed):
    line = db.session.scalars(select(WasteRegisterLine)).first()
    line.note = "réécrit"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(WasteRegisterLine)).first())
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


def test_devices_received_as_waste_go_to_the_incoming_register_once(client, login_as, db):
    configure_site()
    donor = make_donor("Banque du Nord", siret="48774196900033")
    collection = make_collection(donor, number="COL-2026-0007")
    collection.received_on = date(2026, 3, 4)
    collection.pickup_site = "Agence de Condé"
    for device_type in ("laptop", "laptop", "crt_monitor"):
        make_device(device_type, legal_status="waste", collection=collection)
    make_device("desktop")  # received for reuse: not waste
    lines = register.record_incoming_lines(actor_id=None, now=NOW)
    assert register.record_incoming_lines(actor_id=None, now=NOW) == []
    db.session.commit()
    by_code = {line.waste_code: line.fields for line in lines}
    assert set(by_code) == {"16 02 14", "16 02 13*"}
    laptops = by_code["16 02 14"]
    assert (laptops["receptionDate"], laptops["weightValue"], laptops["wasteIsDangerous"]) == (
        "2026-03-04", 0.006, False)
    assert (laptops["emitterCompanyOrgId"], laptops["emitterCompanyName"],
            laptops["emitterPickupSiteName"], laptops["initialEmitterCompanyType"]) == (
        "48774196900033", "Banque du Nord", "Agence de Condé", "ETABLISSEMENT_FR")
    assert (laptops["operationCode"], laptops["operationMode"]) == ("R13", None)
    login_as("admin")
    exported = _jsonl(client, direction="incoming", start="2026-01-01", end="2026-12-31")
    assert len(exported) == 2 and list(exported[0]) == list(trackdechets.INCOMING_FIELDS)
    assert "2 appareil" not in client.get("/weee/register?direction=incoming").get_data(
        as_text=True)


def test_an_export_is_an_issued_document_with_its_hash(client, login_as, db, closed):
    import hashlib

    from refurb.documents.models import IssuedDocument

    login_as("admin")
    year = {"start": "2026-01-01", "end": "2026-12-31"}
    first = export_register(client, "jsonl", **year)
    again = export_register(client, "jsonl", **year)
    assert first.data == again.data
    [document] = db.session.scalars(select(IssuedDocument).where(
        IssuedDocument.kind == "waste_register_export")).all()  # same lines, same version
    assert document.sha256 == hashlib.sha256(first.data).hexdigest()
    assert document.version == 1 and document.filename.endswith("-v1.jsonl")
    [original] = db.session.scalars(select(WasteRegisterLine)).all()
    register.correct_line(original, {"wasteDescription": "Écrans et portables"},
                          note="Dénomination", actor_id=None, now=NOW)
    db.session.commit()
    newer = export_register(client, "jsonl", **year)
    assert "registre-dechets-sortant-2026-01-01_2026-12-31-v2.jsonl" in (
        newer.headers["Content-Disposition"])
    assert client.get("/weee/register.xlsx").status_code == 404
