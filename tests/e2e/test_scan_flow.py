from datetime import datetime

from refurb.devices import services
from tests.e2e.conftest import sign_in
from tests.factories import make_device, make_user


def test_login_scan_a_tag_and_land_on_the_device_page(page, live_server, db):
    tech = make_user("technician")
    device = make_device(actor_id=tech.id, serial="5CG0001ABC")
    services.transition(device, "diagnosis", actor_id=tech.id, now=datetime(2026, 3, 2, 10))
    email, tag, device_id = tech.email, device.asset_tag, device.id
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    sign_in(page, live_server, email)

    # The scan box has the focus on workshop pages: a scanner types the tag, then Enter.
    scan = page.locator("#scan-input")
    assert scan.evaluate("el => el === document.activeElement")
    page.keyboard.type(tag)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/devices/{device_id}")
    assert tag in page.locator("h1").inner_text()
    history = page.locator("ol.timeline").inner_text()
    assert "En diagnostic" in history and "Réceptionné" in history


def test_unknown_tag_keeps_the_page_and_the_focus(page, live_server, db):
    tech = make_user("technician")
    email = tech.email
    db.session.commit()
    db.session.close()
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/devices")
    page.locator("#f-state").select_option("ready")  # something typed on the page
    scan = page.locator("#scan-input")
    scan.fill("RF-2026-999999")
    scan.press("Enter")
    message = page.locator("#scan-message")
    message.wait_for(state="visible")
    page.wait_for_function("document.querySelector('#scan-message').textContent.length > 0")
    assert "Numéro d'inventaire inconnu : RF-2026-999999" in message.inner_text()
    assert page.url == f"{live_server}/devices"
    assert page.locator("#f-state").input_value() == "ready"  # nothing else lost
    assert scan.evaluate("el => el === document.activeElement")


def test_a_scan_link_answers_the_page_under_its_own_address(page, live_server, db):
    # /scan?q=TAG without the box's script (a link, a form sent before the script ran): the
    # device page in one round trip, its own address in the bar, the box empty for the next
    # scan and still focused.
    tech = make_user("technician")
    device = make_device(actor_id=tech.id)
    email, tag, device_id = tech.email, device.asset_tag, device.id
    db.session.commit()
    db.session.close()

    sign_in(page, live_server, email)

    page.goto(f"{live_server}/scan?q={tag}")
    page.wait_for_url(f"{live_server}/devices/{device_id}")
    assert tag in page.locator("h1").inner_text()
    scan = page.locator("#scan-input")
    assert scan.input_value() == ""
    assert scan.evaluate("el => el === document.activeElement")
    page.reload()  # the address is the page's own
    assert tag in page.locator("h1").inner_text()
    assert page.url == f"{live_server}/devices/{device_id}"
