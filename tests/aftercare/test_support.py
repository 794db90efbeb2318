"""Support requests after a handover: found by agreement number or scan, decided under the
warranty, repaired through a work order, exchanged under a new version of the agreement."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from refurb.aftercare import support
from refurb.aftercare.models import SupportRequest
from refurb.allocations.handover import agreement_versions
from refurb.allocations.models import ReservationItem
from refurb.core.errors import IllegalTransition
from refurb.devices.models import DeviceEvent
from refurb.settings import services as settings
from refurb.workshop.models import WorkOrder
from tests.aftercare.helpers import handed_over, make_ready_again
from tests.allocations.helpers import ready_device
from tests.training.helpers import pdf_text


def _held(device_id: int) -> bool:
    return bool(support_item(device_id))


def support_item(device_id: int):
    from refurb.extensions import db

    return db.session.scalar(select(ReservationItem).where(
        ReservationItem.device_id == device_id, ReservationItem.active.is_(True)))


def test_warranty_repair_through_the_pages(db, client, login_as):
    allocation, [laptop] = handed_over(20)
    login_as("technician")
    page = client.get(f"/aftercare/new?q={allocation.number.lower()}").get_data(as_text=True)
    assert laptop.asset_tag in page and "sous garantie" in page

    response = client.post("/aftercare/new", data={
        "q": allocation.number, "device_id": laptop.id, "source": "call",
        "problem": "L'écran reste noir au démarrage."})
    assert response.status_code == 302
    request = db.session.scalar(select(SupportRequest))
    assert request.in_warranty and request.source == "call"

    response = client.post(f"/aftercare/requests/{request.id}/decide",
                           data={"decision": "warranty_repair"})
    assert response.status_code == 302
    db.session.expire_all()
    assert laptop.state == "returned" and not _held(laptop.id)
    order = db.session.get(WorkOrder, request.work_order_id)
    assert order.device_id == laptop.id and "L'écran reste noir" in order.actions
    kinds = [e.kind for e in db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == laptop.id).order_by(DeviceEvent.id))]
    assert kinds[-3:] == ["support_request", "transition", "work_order"]

    make_ready_again(laptop)
    db.session.commit()
    assert client.post(f"/aftercare/requests/{request.id}/hand-back").status_code == 302
    db.session.expire_all()
    assert laptop.state == "allocated" and _held(laptop.id)
    assert db.session.get(SupportRequest, request.id).status == "closed"
    page = client.get(f"/aftercare/requests/{request.id}").get_data(as_text=True)
    assert "Réparation sous garantie" in page and "Close" in page


def test_out_of_warranty_is_paid_repair_or_a_refusal_with_its_reason(db, client, login_as):
    allocation, [laptop] = handed_over(200)  # past the 6 months of the default setting
    login_as("social_worker")
    client.post("/aftercare/new", data={"q": laptop.asset_tag, "device_id": laptop.id,
                                        "source": "scan", "problem": "Clavier cassé"})
    request = db.session.scalar(select(SupportRequest))
    assert not request.in_warranty

    refused = client.post(f"/aftercare/requests/{request.id}/decide",
                          data={"decision": "warranty_repair"})
    assert refused.status_code == 422
    assert "Hors garantie" in refused.get_data(as_text=True)
    no_reason = client.post(f"/aftercare/requests/{request.id}/decide",
                            data={"decision": "refused"})
    assert "Indiquez le motif" in no_reason.get_data(as_text=True)
    db.session.expire_all()
    assert laptop.state == "allocated"

    client.post(f"/aftercare/requests/{request.id}/decide",
                data={"decision": "refused", "reason": "Casse due à une chute"})
    db.session.expire_all()
    request = db.session.get(SupportRequest, request.id)
    assert (request.status, request.decision) == ("closed", "refused")
    assert request.decision_reason == "Casse due à une chute"
    assert laptop.state == "allocated"  # nothing moved


def test_the_warranty_follows_the_setting(db):
    from refurb.clock import utcnow

    allocation, [laptop] = handed_over(200)
    first = support.open_request(allocation, laptop, source="call", problem="Lent",
                                 actor_id=None, now=utcnow())
    assert not first.in_warranty
    settings.set_value("aftercare.warranty_months", "12", actor_id=None, now=utcnow())
    second = support.open_request(allocation, laptop, source="call", problem="Lent",
                                  actor_id=None, now=utcnow())
    assert second.in_warranty
    with pytest.raises(IllegalTransition, match="Décision impossible"):
        support.decide(first, "exchange", replacement_tag="", actor_id=None, now=utcnow())


def test_exchange_hands_a_new_machine_under_a_new_version_of_the_agreement(db):
    allocation, [old] = handed_over(10)
    assert len(agreement_versions(allocation)) == 1
    new = ready_device("laptop", make="Lenovo", model="ThinkPad T480")
    db.session.commit()
    request = support.open_request(allocation, old, source="agreement",
                                   problem="Carte mère morte", actor_id=None,
                                   now=allocation.handed_over_at)
    db.session.commit()
    with pytest.raises(IllegalTransition, match="prêt à être remis"):  # must be ready
        support.decide(request, "exchange", replacement_tag=old.asset_tag, actor_id=None,
                       now=allocation.handed_over_at)
    db.session.rollback()
    request = db.session.scalar(select(SupportRequest))
    support.decide(request, "exchange", replacement_tag=new.asset_tag, actor_id=None,
                   now=allocation.handed_over_at)
    db.session.commit()
    assert old.state == "returned" and not _held(old.id)
    assert new.state == "allocated" and _held(new.id)
    versions = agreement_versions(allocation)
    assert sorted(v.version for v in versions) == [1, 2]
    latest = max(versions, key=lambda v: v.version)
    text = pdf_text(latest.content)
    assert new.asset_tag in text and old.asset_tag not in text
    assert latest.number == allocation.number


def test_the_agreement_prints_the_warranty(db):
    allocation, _ = handed_over(0)
    [document] = agreement_versions(allocation)
    text = " ".join(pdf_text(document.content).split())
    assert "Garantie de l'atelier : 6 mois, jusqu'au" in text


def test_the_device_page_shows_the_warranty_and_opens_a_request(db, client, login_as):
    allocation, [laptop] = handed_over(5)
    login_as("technician")
    page = client.get(f"/devices/{laptop.id}").get_data(as_text=True)
    assert "Après la remise" in page and allocation.number in page
    assert "garantie jusqu" in page
    form = client.get(f"/aftercare/new?q={laptop.asset_tag}&source=scan").get_data(as_text=True)
    assert '<option selected value="scan">' in form
    assert (f'<input checked id="device_id-0" name="device_id" required type="radio" '
            f'value="{laptop.id}">') in form


def test_a_device_not_handed_over_cannot_get_a_request(db, client, login_as):
    device = ready_device()
    db.session.commit()
    login_as("technician")
    page = client.get(f"/aftercare/new?q={device.asset_tag}").get_data(as_text=True)
    assert f"{device.asset_tag} n&#39;est pas chez un bénéficiaire." in page
