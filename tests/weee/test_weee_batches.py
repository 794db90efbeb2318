import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from refurb.core.errors import InvalidInput
from refurb.devices.models import DeviceEvent
from refurb.documents.models import IssuedDocument
from refurb.weee import batches, closing, loose_parts
from refurb.weee.models import BatchCarrier, WasteItem, WasteRegisterLine
from tests.factories import make_device, make_user
from tests.weee.helpers import (
    NOW,
    TODAY,
    closed_batch,
    configure_site,
    handover,
    make_carrier,
    make_disposable,
    make_operator,
)


def test_batches_are_numbered_per_year_without_reuse(db):
    first = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    second = batches.open_batch(container="box", label="Étagère B", actor_id=None, now=NOW)
    assert (first.number, second.number) == ("DEEE-2026-0001", "DEEE-2026-0002")
    next_year = batches.open_batch(container="pallet", actor_id=None,
                                    now=NOW.replace(year=2027))
    assert next_year.number == "DEEE-2027-0001"


def test_only_devices_waiting_for_disposal_enter_a_batch_and_only_once(db):
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    other = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    fresh = make_device()
    with pytest.raises(InvalidInput, match="seuls les appareils « À recycler"):
        batches.add_device(batch, fresh, actor_id=None, now=NOW)
    device = make_disposable("monitor")
    item = batches.add_device(batch, device, actor_id=None, now=NOW)
    assert (item.category, item.waste_code, item.weight_kg, item.weight_estimated) == (
        2, "16 02 14", Decimal("5.00"), True)
    with pytest.raises(InvalidInput, match=batch.number):
        batches.add_device(other, device, actor_id=None, now=NOW)


def test_a_measured_weight_and_a_chosen_code_are_kept(db):
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    crt = make_disposable("crt_monitor")
    item = batches.add_device(batch, crt, actor_id=None, now=NOW, weight_kg="14,2")
    assert (item.weight_kg, item.weight_estimated, item.waste_code) == (
        Decimal("14.20"), False, "16 02 13*")
    tower = make_disposable("desktop")
    item = batches.add_device(batch, tower, actor_id=None, now=NOW, waste_code="160213*",
                               contains_pops=True)
    assert (item.category, item.waste_code, item.contains_pops) == (6, "16 02 13*", True)


def test_loose_parts_are_counted_and_weighed(db):
    batch = batches.open_batch(container="box", actor_id=None, now=NOW)
    item = loose_parts.add_part(batch, loose_parts.PartValues(
        kind="battery", description="Batteries Li-ion de portables", quantity="12",
        weight_kg="3,6", weight_measured=True, category="6", waste_code="16 02 15*"),
        actor_id=None, now=NOW)
    assert (item.quantity, item.weight_kg, item.weight_estimated, item.waste_code) == (
        12, Decimal("3.60"), False, "16 02 15*")
    for bad, message in (
        ({"quantity": "0"}, "Quantité"),
        ({"weight_kg": "lourd"}, "Poids"),
        ({"category": "9"}, "Catégorie"),
        ({"waste_code": "17 05 04"}, "Code déchet"),
        ({"kind": "device"}, "Nature"),
        ({"kind": "drive"}, "identifié"),
    ):
        values = {"kind": "cable", "quantity": "1", "weight_kg": "2", "category": "6",
                  "waste_code": "16 02 16", **bad}
        with pytest.raises(InvalidInput, match=message):
            loose_parts.add_part(batch, loose_parts.PartValues(**values), actor_id=None, now=NOW)


def test_items_of_an_open_batch_can_be_corrected_and_removed_with_history(db):
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    device = make_disposable()
    item = batches.add_device(batch, device, actor_id=None, now=NOW)
    batches.update_item(item, waste_code="16 02 13*", contains_pops=False, weight_kg="2,4",
                         actor_id=None, now=NOW)
    assert (item.waste_code, item.weight_kg, item.weight_estimated) == (
        "16 02 13*", Decimal("2.40"), False)
    batches.remove_item(item, actor_id=None, now=NOW)
    assert db.session.scalar(select(WasteItem)) is None
    kinds = [e.kind for e in db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id).order_by(DeviceEvent.id))]
    assert kinds[-2:] == ["weee_batch_added", "weee_batch_removed"]


def test_closing_disposes_of_every_device_with_an_event_and_freezes_the_batch(db):
    configure_site()
    admin = make_user("admin")
    laptop, tower = make_disposable("laptop"), make_disposable("desktop")
    operator, carriers = make_operator(), [make_carrier(), make_carrier("53210987600013")]
    batch = batches.open_batch(container="pallet", actor_id=admin.id, now=NOW)
    batches.add_device(batch, laptop, actor_id=admin.id, now=NOW)
    batches.add_device(batch, tower, actor_id=admin.id, now=NOW)
    loose_parts.add_part(batch, loose_parts.PartValues(
        kind="cable", description="Câbles d'alimentation", quantity=30, weight_kg="6",
        category=6, waste_code="16 02 16"), actor_id=admin.id, now=NOW)
    batch, document = closing.close_batch(
        batch, handover(operator, carriers), actor_id=admin.id, now=NOW)
    db.session.commit()

    assert batch.state == "closed" and batch.total_weight_kg == Decimal("19.00")
    assert (batch.operator_id, batch.operation_code, batch.operation_mode) == (
        operator.id, "R4", "RECYCLAGE")
    assert (batch.handover_date, batch.signed_on, batch.signed_by_name) == (
        TODAY, TODAY, "Camille Martin")
    links = db.session.scalars(select(BatchCarrier).order_by(BatchCarrier.position)).all()
    assert [(link.position, link.carrier_id) for link in links] == [
        (1, carriers[0].id), (2, carriers[1].id)]
    for device in (laptop, tower):
        assert device.state == "disposed"
        event = db.session.scalars(select(DeviceEvent).where(
            DeviceEvent.device_id == device.id).order_by(DeviceEvent.id.desc())).first()
        assert (event.from_state, event.to_state, event.actor_id) == (
            "to_dispose", "disposed", admin.id)
        assert event.details["lot"] == batch.number and batch.number in event.reason
    # One register line per waste code; the handover document is issued with its hash.
    lines = db.session.scalars(select(WasteRegisterLine).order_by(WasteRegisterLine.id)).all()
    assert sorted(line.waste_code for line in lines) == ["16 02 14", "16 02 16"]
    assert document.kind == "weee_handover" and document.number == batch.number
    assert document.content.startswith(b"%PDF") and len(document.sha256) == 64


def test_a_closed_batch_refuses_every_change_in_services(db):
    configure_site()
    device = make_disposable()
    batch = closed_batch([device])
    db.session.commit()
    [item] = db.session.scalars(select(WasteItem)).all()
    late = make_disposable()
    attempts = [
        lambda: batches.add_device(batch, late, actor_id=None, now=NOW),
        lambda: loose_parts.add_part(batch, loose_parts.PartValues(
            kind="cable", weight_kg="1", category=6, waste_code="16 02 16"),
            actor_id=None, now=NOW),
        lambda: batches.remove_item(item, actor_id=None, now=NOW),
        lambda: batches.update_item(item, waste_code="16 02 13*", contains_pops=False,
                                     actor_id=None, now=NOW),
        lambda: closing.close_batch(batch, handover(make_operator("77711122200017"),
                                                     [make_carrier("53210987600013")]),
                                     actor_id=None, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(batches.BatchClosed, match="clôturé"):
            attempt()
        db.session.rollback()
    assert db.session.scalar(select(WasteItem.batch_id)) == batch.id
    assert late.state == "to_dispose"


@pytest.mark.parametrize("statement", [
    "UPDATE weee_batches SET label = 'changé'",
    "DELETE FROM weee_batches",
    "UPDATE waste_items SET weight_kg = 1",
    "DELETE FROM waste_items",
    "INSERT INTO waste_items (batch_id, kind, description, quantity, weight_kg, "
    "weight_estimated, category, waste_code, contains_pops, created_at) "
    "VALUES (:batch, 'cable', 'ajout tardif', 1, 1, true, 6, '16 02 16', false, :now)",
    "DELETE FROM weee_batch_carriers",
    "INSERT INTO weee_batch_carriers (batch_id, carrier_id, position) "
    "VALUES (:batch, :carrier, 2)",
])
def test_the_database_refuses_changes_to_a_closed_batch(db, statement):
    configure_site()
    batch = closed_batch([make_disposable()])
    other_carrier = make_carrier("77711122200017")
    db.session.commit()
    with pytest.raises(DatabaseError, match="closed"):
        db.session.execute(text(statement), {"batch": batch.id, "now": NOW,
                                             "carrier": other_carrier.id})
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM waste_items")) == 1
    assert db.session.scalar(text("SELECT state FROM weee_batches")) == "closed"


def test_closing_checks_the_handover_facts(db):
    configure_site()
    operator, carrier = make_operator(), make_carrier()
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="vide"):
        closing.close_batch(batch, handover(operator, [carrier]), actor_id=None, now=NOW)
    loose_parts.add_part(batch, loose_parts.PartValues(
        kind="battery", weight_kg="2", category=6, waste_code="16 02 15*"),
        actor_id=None, now=NOW)
    db.session.commit()
    refusals = [
        ({"operator_id": None}, "Prestataire"),
        ({"carrier_ids": []}, "Transporteur"),
        ({"carrier_ids": [carrier.id, carrier.id]}, "une seule fois"),
        ({"operation_code": "R4", "operation_mode": "ELIMINATION"}, "Mode de traitement"),
        ({"operation_code": "R12", "operation_mode": "RECYCLAGE"}, "regroupement"),
        ({"handover_date": TODAY + timedelta(days=1)}, "futur"),
        ({"signature_confirmed": False}, "Signature"),
        ({"signed_by_name": " "}, "Signature"),
        ({}, "bordereau"),  # hazardous batteries need a tracking form number
    ]
    for changes, message in refusals:
        with pytest.raises(InvalidInput, match=message):
            closing.close_batch(batch, handover(operator, [carrier], **changes),
                                 actor_id=None, now=NOW)
        db.session.rollback()
    closing.close_batch(batch, handover(operator, [carrier], operation_code="R12",
                                         operation_mode=None, tracking_reference="BSD-1234"),
                         actor_id=None, now=NOW)
    assert batch.state == "closed" and batch.operation_mode is None


def test_closing_needs_the_workshop_siret_for_the_register(db):
    device = make_disposable()
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    batches.add_device(batch, device, actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="Identité de l'atelier incomplète") as refused:
        closing.close_batch(batch, handover(make_operator(), [make_carrier()]),
                             actor_id=None, now=NOW)
    assert "À renseigner : SIRET" in [str(r) for r in refused.value.reasons]
    db.session.rollback()
    assert device.state == "to_dispose"


def test_the_handover_document_is_issued_once_per_batch(db):
    configure_site()
    batch = closed_batch([make_disposable(), make_disposable("monitor")])
    documents = db.session.scalars(select(IssuedDocument)).all()
    assert [(d.number, d.version, d.subject) for d in documents] == [
        (batch.number, 1, f"weee_batch:{batch.id}")]


def test_operators_and_carriers_are_checked(db):
    operator = make_operator()
    assert (operator.eco_organism_siret, operator.eco_organism_name) == (
        "48774196900033", "Ecologic")
    other = make_operator("77711122200017", eco_organism="other", eco_other_name="Soren",
                          eco_other_siret="532 109 876 00013")
    assert (other.eco_organism_siret, other.eco_organism_name) == ("53210987600013", "Soren")
    with pytest.raises(InvalidInput, match="SIRET"):
        make_operator("12345678901234")
    with pytest.raises(InvalidInput, match="déjà"):
        make_operator()
    with pytest.raises(InvalidInput, match="éco-organisme"):
        make_operator("44012345600012", eco_organism="other", eco_other_name="")
    with pytest.raises(InvalidInput, match="récépissé"):
        make_carrier(receipt_number="")
    exempt = make_carrier(receipt_number="", receipt_exempted=True)
    assert exempt.receipt_exempted
    with pytest.raises(InvalidInput, match="transport"):
        make_carrier("53210987600013", transport_mode="TELEPORT")


def test_the_batch_scan_action_adds_and_undoes(db):
    from refurb.extension_points import batch_actions as BATCH_ACTIONS

    action = BATCH_ACTIONS["weee.add_to_batch"]
    assert action.label == "Ajouter à un lot DEEE" and action.parameter_label == "Lot DEEE"
    batch = batches.open_batch(container="pallet", label="A1", actor_id=None, now=NOW)
    assert action.parameter_choices() == [(str(batch.id), f"{batch.number} A1")]
    device = make_disposable()
    token, message = action.apply(device, str(batch.id), None, NOW)
    assert batch.number in message and db.session.get(WasteItem, token["item_id"])
    assert device.asset_tag in action.undo(device, token, None, NOW)
    assert db.session.get(WasteItem, token["item_id"]) is None
    with pytest.raises(InvalidInput):
        action.apply(device, "abc", None, NOW)
    with pytest.raises(InvalidInput):
        action.undo(device, token, None, NOW)



def test_the_handover_document_reads_like_the_batch(db):
    pypdf = pytest.importorskip("pypdf")
    configure_site()
    devices_ = [make_disposable("laptop") for _ in range(40)]  # long enough for two pages
    batch = closed_batch(devices_, tracking_reference="TD-26-XYZ")
    document = db.session.scalars(select(IssuedDocument)).one()
    reader = pypdf.PdfReader(io.BytesIO(document.content))
    content = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    for expected in (batch.number, "Recyclage du Nord", "39123456700017", "Transports Escaut",
                     "REC-59-2024-001", devices_[0].asset_tag, devices_[-1].asset_tag,
                     "16 02 14", "120,0 kg", "estimé", "TD-26-XYZ", "Camille Martin",
                     "Le transporteur", "Le prestataire de traitement", "Ecologic"):
        assert expected in content, expected


def test_the_repair_batch_scan_can_fill_a_weee_batch(db):
    from refurb.workshop import batch as scan

    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    device = make_disposable()
    session = scan.start_batch("weee.add_to_batch", str(batch.id), role="technician",
                               actor_id=None, now=NOW)
    item = scan.apply_scan(session, device.asset_tag, actor_id=None, now=NOW)
    assert item.ok and batch.number in item.message
    assert db.session.scalar(select(WasteItem.device_id)) == device.id
    scan.undo_last(session, actor_id=None, now=NOW)
    assert db.session.scalar(select(WasteItem)) is None
