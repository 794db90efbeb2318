"""Collections: planning, the state steps, totals, and who may open which page."""

import html as htmllib
from decimal import Decimal

import pytest
from sqlalchemy import select

from refurb.clock import utcnow
from refurb.core.errors import IllegalTransition
from refurb.devices.models import Drive
from refurb.intake import asset_lists, collections
from refurb.intake.models import Collection
from tests.access import assert_only
from tests.factories import NOW, make_device, make_donor
from tests.intake.helpers import open_collection
from tests.querycount import count_queries


def text(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def test_planning_numbers_collections_per_year(db):
    donor = make_donor()
    first = collections.plan_collection(donor.id, collections.CollectionValues(pickup_site="Siège"), now=NOW)
    second = collections.plan_collection(donor.id, collections.CollectionValues(), now=NOW)
    assert (first.number, second.number) == ("COL-2026-0001", "COL-2026-0002")
    assert first.state == "planned" and first.pickup_site == "Siège"
    later = collections.plan_collection(donor.id, collections.CollectionValues(),
                                   now=NOW.replace(year=2027))
    assert later.number == "COL-2027-0001"


def test_states_step_forward_and_stamp_their_dates(db):
    collection = open_collection(state="planned")
    collections.advance_collection(collection, "collected", now=NOW)
    collections.advance_collection(collection, "received", now=NOW)
    assert (collection.state, collection.collected_on, collection.received_on) == (
        "received", NOW.date(), NOW.date())
    with pytest.raises(IllegalTransition) as refused:
        collections.advance_collection(collection, "closed", now=NOW)
    assert "Aucun appareil" in refused.value.reasons[0]
    make_device(collection=collection)
    collections.advance_collection(collection, "closed", now=NOW)
    assert collection.closed_on == NOW.date()
    with pytest.raises(IllegalTransition):
        collections.advance_collection(collection, "planned", now=NOW)


def test_plan_then_edit_through_the_pages(client, db, login_as):
    login_as("technician")
    donor = make_donor(name="Mairie de Condé")
    db.session.commit()
    form = client.get(f"/collections/new?donor_id={donor.id}").get_data(as_text=True)
    assert f'<option selected value="{donor.id}">' in form
    response = client.post("/collections/new", data={
        "donor_id": donor.id, "pickup_site": "Services techniques", "planned_on": "2026-04-02",
        "pickup_contact": "M. Leroy", "transport_notes": "quai n°2"}, follow_redirects=True)
    page = text(response)
    number = f"COL-{utcnow().year}-0001"
    assert f"Collecte {number} planifiée" in page and "Mairie de Condé" in page
    collection = db.session.scalar(select(Collection))
    refused = client.post(f"/collections/{collection.id}/edit", data={
        "donor_id": donor.id, "pickup_site": "Services techniques",
        "measured_weight_kg": "beaucoup"})
    assert refused.status_code == 200 and 'value="beaucoup"' in refused.get_data(as_text=True)
    client.post(f"/collections/{collection.id}/edit", data={
        "donor_id": donor.id, "pickup_site": "Services techniques", "measured_weight_kg": "412,5",
        "planned_on": ""})
    db.session.refresh(collection)
    assert collection.measured_weight_kg == Decimal("412.50")
    assert collection.planned_on is None  # cleared in the second edit: the browser sends it empty


def test_state_buttons_and_refusals_on_the_page(client, db, login_as):
    login_as("technician")
    collection = open_collection(state="planned")
    db.session.commit()
    url = f"/collections/{collection.id}"
    assert "Marquer comme enlevée" in text(client.get(url))
    client.post(f"{url}/state", data={"target": "collected"})
    client.post(f"{url}/state", data={"target": "received"})
    page = text(client.get(url))
    assert "Réceptionnée" in page and "Aucun appareil enregistré : rien à clôturer." in page
    jump = client.post(f"{url}/state", data={"target": "planned"}, follow_redirects=True)
    assert "Passage impossible" in text(jump)
    assert client.post(f"{url}/state", data={}).status_code == 302  # no target: nothing done
    db.session.refresh(collection)
    assert collection.state == "received"


def test_collection_page_totals_measured_and_estimated(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    collection.measured_weight_kg = Decimal("30.00")
    make_device("laptop", collection=collection, weight_kg=Decimal("2.5"))
    make_device("desktop", collection=collection, legal_status="waste")
    make_device("desktop", collection=collection)
    db.session.commit()
    page = text(client.get(f"/collections/{collection.id}"))
    totals = page.split('id="totals"')[1].split("</dl>")[0]
    assert "3 (réemploi 2, déchet 1)" in totals
    assert "Unité centrale</dt><dd>2" in totals and "Ordinateur portable</dt><dd>1" in totals
    assert "22,50 kg" in totals and "2,50 kg (1 appareil(s))" in totals and "20,00 kg" in totals
    assert "30,00 kg" in totals  # weighed at the scale


def test_list_pages_do_not_grow_queries_with_rows(client, db, login_as):
    login_as("admin")
    donor = make_donor()
    collection = open_collection(donor=donor)
    for n in range(3):
        make_device(collection=collection)
        open_collection(donor=make_donor(), number=f"COL-2026-07{n:02d}")
    db.session.commit()
    urls = ("/donors/", "/collections/", f"/collections/{collection.id}",
            f"/collections/{collection.id}/intake")
    few = {}
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        few[url] = len(statements)
    for n in range(30):
        device = make_device(collection=collection)
        db.session.add(Drive(device=device, model="SSD", kind="ssd", created_at=NOW))
        open_collection(donor=make_donor(), number=f"COL-2026-08{n:02d}")
    db.session.commit()
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) == few[url], url


@pytest.mark.parametrize(("path", "method"), [
    ("/collections/", "GET"), ("/collections/new", "GET"), ("/collections/{id}", "GET"),
    ("/collections/{id}/edit", "GET"), ("/collections/{id}/intake", "GET"),
    ("/collections/{id}/intake/report", "GET"), ("/collections/{id}/intake/csv", "GET"),
    ("/collections/{id}/intake/csv/{imp}", "GET"), ("/collections/{id}/state", "POST"),
    ("/collections/{id}/receipt", "POST"), ("/collections/{id}/intake/report/confirm", "POST"),
])
def test_only_the_workshop_reaches_intake_pages(app, db, path, method):
    collection = open_collection()
    record = asset_lists.store_upload(collection, filename="a.csv", content=b"Type\r\n",
                                   actor_id=None, now=NOW)
    db.session.commit()
    url = path.format(id=collection.id, imp=record.id)
    assert_only(app, url, {"admin", "technician"}, method=method)
