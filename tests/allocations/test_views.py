"""Allocation pages: who may open them, forms that keep what was typed, no name where a
technician looks (invariant 4), bounded queries on lists, the beneficiary panel."""

import re
from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from refurb.allocations import handover, reservations, schools
from refurb.allocations.models import Allocation, Reservation
from refurb.allocations.views.panel import beneficiary_panel
from refurb.documents.models import IssuedDocument
from tests.access import assert_only, status_for_roles
from tests.allocations.helpers import (
    WORKSHOP,
    approved_file,
    gift_values,
    loan_values,
    ready_device,
)
from tests.beneficiaries.helpers import FIRST_NAME, LAST_NAME, NOW
from tests.factories import make_user
from tests.querycount import count_queries

SOCIAL = {"admin", "social_worker"}
HANDOVER_FORM = {"mode": "gift", "fee_status": "paid", "fee_amount": "10,00",
                 "fee_method": "cash", "receipt_number": "R-77"}


def reservation_for(family=None, *types):
    family = family or approved_file()
    devices = [ready_device(t) for t in (types or ("laptop",))]
    return reservations.reserve(family, devices, actor_id=None, now=NOW)


def handed(values=None, family=None, device_type="laptop"):
    reservation = reservation_for(family, device_type)
    allocation, document = handover.hand_over(reservation, values or gift_values(),
                                              actor_id=None, now=NOW, workshop=WORKSHOP)
    return reservation, allocation, document


# --- access ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_training", "clock")
def test_only_social_workers_and_admins_open_allocation_pages(app, db):
    reservation = reservation_for()
    _r, allocation, _d = handed(loan_values(date(2027, 3, 1)))
    clic = schools.create_programme(schools.ProgrammeValues("Clic", "CE2", 2026),
                                     actor_id=None, now=NOW)
    db.session.commit()
    for url in ("/allocations/", "/allocations/reserve", "/allocations/reservations",
                f"/allocations/reservations/{reservation.id}",
                f"/allocations/handovers/{allocation.id}", "/allocations/loans",
                "/allocations/programmes", "/allocations/programmes/new",
                f"/allocations/programmes/{clic.id}"):
        assert_only(app, url, SOCIAL)
    for url in (f"/allocations/reservations/{reservation.id}/handover",
                f"/allocations/reservations/{reservation.id}/cancel",
                f"/allocations/handovers/{allocation.id}/return",
                f"/allocations/handovers/{allocation.id}/keep",
                "/allocations/reserve", "/allocations/programmes/new",
                f"/allocations/programmes/{clic.id}"):
        results = status_for_roles(app, url, method="POST")
        assert results["technician"] == 403 and results["donor"] == 403, url
        assert results["anonymous"] == 302, url
    db.session.expire_all()
    assert reservation.status == "active" and allocation.status == "active"


@pytest.mark.usefixtures("no_training", "clock")
def test_unknown_ids_are_404(db, client, login_as):
    login_as("social_worker")
    for url in ("/allocations/reservations/999", "/allocations/handovers/999",
                "/allocations/programmes/999"):
        assert client.get(url).status_code == 404
    assert client.post("/allocations/handovers/999/keep").status_code == 404


@pytest.mark.usefixtures("no_training", "clock")
def test_the_device_page_shows_the_pseudonym_never_the_name(db, client, login_as):
    # A desktop: a laptop's QA event ("85 %") trips devices/show.html (reported, not ours).
    reservation, allocation, _document = handed(device_type="desktop")
    device = reservation.items[0].device
    db.session.commit()
    for role in ("technician", "social_worker", "admin"):
        login_as(role)
        html = client.get(f"/devices/{device.id}").get_data(as_text=True)
        assert "BEN-0001" in html and allocation.number in html
        assert LAST_NAME not in html and FIRST_NAME not in html
        assert "Bénéficiaire" in html and "Mode de remise" in html


@pytest.mark.usefixtures("no_training", "clock")
def test_the_agreement_downloads_for_social_workers_only(db, client, login_as):
    _r, _a, document = handed()
    db.session.commit()
    url = f"/documents/{document.id}/{document.filename}"
    login_as("social_worker")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    for role in ("technician", "donor"):
        login_as(role)
        assert client.get(url).status_code in (403, 404)


# --- reserving ------------------------------------------------------------------------------


@pytest.mark.usefixtures("clock")
def test_reserving_from_the_stock_page(db, client, login_as):
    login_as("social_worker")
    family = approved_file()
    laptop, monitor = ready_device(), ready_device("monitor")
    db.session.commit()
    stock = client.get("/allocations/").get_data(as_text=True)
    assert laptop.asset_tag in stock and "Intel Core i5-5300U" in stock and "Linux Mint" in stock
    assert f'href="/allocations/reserve?device={laptop.id}"' in stock
    assert f"<td>{laptop.grade}</td>" in stock
    form = client.get(f"/allocations/reserve?device={laptop.id}&device={monitor.id}"
                      f"&beneficiary={family.id}").get_data(as_text=True)
    assert f"{laptop.asset_tag}\n{monitor.asset_tag}" in form
    assert re.search(rf'<option selected value="{family.id}">|<option value="{family.id}" '
                     r'selected>', form)
    response = client.post("/allocations/reserve", data={
        "beneficiary_id": family.id, "tags": f"{laptop.asset_tag} {monitor.asset_tag}"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert LAST_NAME.upper() in page and laptop.asset_tag in page
    assert "jusqu’au 17/03/2026 inclus" in page  # reserved on 3 March, 14 days
    db.session.expire_all()
    assert (laptop.state, monitor.state) == ("reserved", "reserved")


@pytest.mark.usefixtures("clock")
def test_a_refused_reservation_keeps_what_was_typed(db, client, login_as):
    login_as("social_worker")
    family = approved_file()
    db.session.commit()
    typed = "RF-2026-999999\nRF-2026-999998"
    response = client.post("/allocations/reserve",
                           data={"beneficiary_id": family.id, "tags": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Numéro(s) d&#39;inventaire inconnu(s) : RF-2026-999999, RF-2026-999998." in html
    assert typed in html
    assert db.session.scalar(select(Reservation.id)) is None


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("data", [
    {"beneficiary_id": "abc", "tags": "RF-2026-000001"},
    {"beneficiary_id": "999", "tags": "RF-2026-000001"},
    {"tags": ""},
    {},
])
def test_bad_reservation_input_is_a_form_error_never_a_500(db, client, login_as, data):
    login_as("social_worker")
    response = client.post("/allocations/reserve", data=data)
    assert response.status_code == 400


@pytest.mark.usefixtures("clock")
def test_pages_load_lazily_expire_stale_reservations(db, client, login_as, clock):
    login_as("social_worker")
    reservation = reservation_for()
    device = reservation.items[0].device
    db.session.commit()
    assert device.asset_tag not in client.get("/allocations/").get_data(as_text=True)
    clock["now"] = datetime(2026, 3, 17, 8)
    assert device.asset_tag in client.get("/allocations/").get_data(as_text=True)
    db.session.expire_all()
    assert (reservation.status, device.state) == ("expired", "ready")
    page = client.get(f"/allocations/reservations/{reservation.id}").get_data(as_text=True)
    assert "redevenues disponibles" in page


# --- handing over ---------------------------------------------------------------------------


@pytest.mark.usefixtures("no_training", "clock")
def test_handing_over_through_the_form(db, client, login_as):
    login_as("social_worker", display_name="Camille Travailleuse")
    reservation = reservation_for()
    db.session.commit()
    page = client.get(f"/allocations/reservations/{reservation.id}").get_data(as_text=True)
    assert 'value="10,00"' in page  # the fee setting
    response = client.post(f"/allocations/reservations/{reservation.id}/handover",
                           data=HANDOVER_FORM)
    assert response.status_code == 302
    allocation = db.session.scalar(select(Allocation))
    assert response.headers["Location"].endswith(f"/allocations/handovers/{allocation.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    document = db.session.scalar(select(IssuedDocument))
    assert f"/documents/{document.id}/{document.filename}" in page
    assert "reçu n° R-77" in page and LAST_NAME.upper() in page


@pytest.mark.usefixtures("clock")
def test_a_missing_training_is_shown_and_refused_keeping_what_was_typed(db, client, login_as):
    login_as("social_worker")
    reservation = reservation_for()  # DEFAULT_POLICY: five sessions
    db.session.commit()
    page = client.get(f"/allocations/reservations/{reservation.id}").get_data(as_text=True)
    assert "il en manque 5" in page
    response = client.post(f"/allocations/reservations/{reservation.id}/handover",
                           data={**HANDOVER_FORM, "receipt_number": "R-TAPÉ"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Remise impossible." in html and "il en manque 5" in html
    assert 'value="R-TAPÉ"' in html
    db.session.expire_all()
    assert reservation.status == "active"


@pytest.mark.usefixtures("no_training", "clock")
@pytest.mark.parametrize(("changes", "message"), [
    ({"fee_amount": "dix"}, "Montant invalide"),
    ({"due_on": "2026-02-31", "mode": "loan"}, None),
    ({"mode": "swap"}, None),
    ({"programme_id": "x"}, None),
    ({"fee_status": ""}, "payée ou exonérée"),
])
def test_bad_handover_input_is_a_form_error_never_a_500(db, client, login_as, changes,
                                                        message):
    login_as("social_worker")
    reservation = reservation_for()
    db.session.commit()
    response = client.post(f"/allocations/reservations/{reservation.id}/handover",
                           data={**HANDOVER_FORM, **changes})
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)


@pytest.mark.usefixtures("no_training", "clock")
def test_ending_a_loan_through_the_forms(db, client, login_as):
    login_as("social_worker")
    _r, loan, _d = handed(loan_values(date(2027, 3, 1)))
    _r2, other, _d2 = handed(loan_values(date(2027, 3, 1)))
    db.session.commit()
    url = f"/allocations/handovers/{loan.id}"
    assert client.post(f"{url}/return", data={}).status_code == 400
    device_id = loan.reservation.items[0].device_id
    response = client.post(f"{url}/return", data={"device_ids": [str(device_id)],
                                                  "note": "rayure"})
    assert response.status_code == 302
    response = client.post(f"/allocations/handovers/{other.id}/keep")
    assert response.status_code == 302
    db.session.expire_all()
    assert loan.status == "returned" and other.mode == "gift"
    assert "version 2 du" in client.get(f"/allocations/handovers/{other.id}").get_data(as_text=True)


@pytest.mark.usefixtures("clock")
def test_cancelling_through_the_form(db, client, login_as):
    login_as("social_worker")
    reservation = reservation_for()
    db.session.commit()
    url = f"/allocations/reservations/{reservation.id}/cancel"
    assert client.post(url, data={"reason": ""}).status_code == 400
    assert client.post(url, data={"reason": "Rendez-vous manqué"}).status_code == 302
    db.session.expire_all()
    assert reservation.status == "cancelled"


@pytest.mark.usefixtures("clock")
def test_programmes_through_the_forms(db, client, login_as):
    login_as("social_worker")
    response = client.post("/allocations/programmes/new", data={
        "name": "Besançon-Clic 2026", "start_level": "CE2", "cohort_year": "26"})
    assert response.status_code == 400 and 'value="Besançon-Clic 2026"' in response.get_data(
        as_text=True)
    response = client.post("/allocations/programmes/new", data={
        "name": "Besançon-Clic 2026", "start_level": "CE2", "cohort_year": "2026"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "01/09/2029" in page
    url = response.headers["Location"]
    refused = client.post(url, data={"uai": "0250001A", "name": "École Jean Macé"})
    assert refused.status_code == 400 and 'value="École Jean Macé"' in refused.get_data(
        as_text=True)
    assert client.post(url, data={"uai": "0250001R", "name": "École Jean Macé"}).status_code == 302
    assert "0250001R" in client.get(url).get_data(as_text=True)


# --- bounded lists --------------------------------------------------------------------------


def _queries(client, url) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.usefixtures("no_training", "clock")
def test_list_pages_do_a_bounded_number_of_queries(db, client, login_as):
    login_as("social_worker")

    def add_rows():
        ready_device()
        reservation_for(None, "laptop", "monitor")
        handed(loan_values(date(2026, 3, 20)))
        schools.create_programme(schools.ProgrammeValues(
            f"Clic {ready_device().id}", "CE2", 2026), actor_id=None, now=NOW)
        db.session.commit()

    urls = ("/allocations/", "/allocations/reservations", "/allocations/loans?scope=all",
            "/allocations/programmes")
    add_rows()
    few = {url: _queries(client, url) for url in urls}
    for _ in range(4):
        add_rows()
    many = {url: _queries(client, url) for url in urls}
    assert many == few
    assert all(n <= 12 for n in many.values()), many


# --- the beneficiary page panel -------------------------------------------------------------


@pytest.mark.usefixtures("no_training", "clock")
def test_the_beneficiary_panel(app, db):
    worker = make_user("social_worker")
    waiting = approved_file()
    holder = approved_file()
    reservation = reservation_for(holder)
    borrower = approved_file()
    _r, loan, _d = handed(loan_values(date(2026, 3, 20)), family=borrower)
    db.session.commit()
    template = '{% include "allocations/_beneficiary_panel.html" %}'

    def page(beneficiary):
        return render_template_string(template, beneficiary=beneficiary,
                                      panel=beneficiary_panel(beneficiary))

    with app.test_request_context():
        login_user(worker)
        fresh, held, lent = page(waiting), page(holder), page(borrower)
        login_user(make_user("technician"))
        hidden = page(borrower)
    assert f"/allocations/reserve?beneficiary={waiting.id}" in fresh
    assert f"Réservation n° {reservation.id}" in held and "reserve?beneficiary" not in held
    assert loan.number in lent and "à rendre le 20/03/2026" in lent
    assert hidden.strip() == ""


@pytest.mark.usefixtures("no_training", "clock")
def test_the_beneficiary_page_shows_equipment_then_training(db, client, login_as):
    """Both panels reach the real page through their slots, in their declared order."""
    from tests.training.helpers import enrol, make_programme

    login_as("social_worker")
    family = approved_file()
    reservation = reservation_for(family)
    enrol(make_programme("Ateliers du mardi"), family)
    db.session.commit()
    html = client.get(f"/beneficiaries/{family.id}").get_data(as_text=True)
    equipment, training = html.index('class="allocations-panel"'), html.index(
        'class="training-panel"')
    assert equipment < training
    assert f"Réservation n° {reservation.id}" in html[equipment:training]
    assert "Ateliers du mardi" in html[training:]
