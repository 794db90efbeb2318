"""A keyboard-wedge scanner on the batch scan page: tags typed fast, each followed by Enter;
every scan answers in place, a refused tag does not stop the next, a location label switches
the target, and undo reverses the last scan."""

from refurb.devices.models import Device
from refurb.workshop import locations as workshop
from tests.e2e.conftest import sign_in
from tests.factories import NOW, make_device, make_user


def test_wedge_scanner_moves_devices_and_undoes_the_last(page, live_server, db):
    tech = make_user("technician")
    shelf_a = workshop.create_location("Étagère A", "shelf", now=NOW)
    shelf_b = workshop.create_location("Étagère B", "shelf", now=NOW)
    devices = [make_device(actor_id=tech.id) for _ in range(3)]
    email = tech.email
    tags = [d.asset_tag for d in devices]
    ids = [d.id for d in devices]
    codes = (shelf_a.code, shelf_b.code)
    shelf_ids = (shelf_a.id, shelf_b.id)
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    sign_in(page, live_server, email)
    page.goto(f"{live_server}/workshop/batch")
    form = page.locator("form.batch-action").filter(has_text="Ranger")
    form.locator("select").select_option(label=f"{codes[0]} — Étagère A")
    form.get_by_role("button", name="Commencer").click()
    scan = page.locator("#code")
    scan.wait_for()
    assert scan.evaluate("el => el === document.activeElement")

    # A scanner types fast and presses Enter after each code, without waiting for answers.
    for code in (tags[0], "RF-2026-999999", codes[1], tags[1], tags[2]):
        page.keyboard.type(code, delay=5)
        page.keyboard.press("Enter")
    results = page.locator("#batch-results > li")
    # A locator wait, not wait_for_function: the page's content policy forbids eval.
    results.nth(4).wait_for()
    text = page.locator("#batch-results").inner_text()
    assert "RF-2026-999999" in text  # refused, and the scans after it went through
    assert page.locator("#batch-target").inner_text().startswith(codes[1])

    db.session.expire_all()
    placed = {d.asset_tag: d.location_id for d in db.session.query(Device).filter(
        Device.id.in_(ids))}
    db.session.close()
    assert placed == {tags[0]: shelf_ids[0], tags[1]: shelf_ids[1], tags[2]: shelf_ids[1]}

    page.get_by_role("button", name="Annuler le dernier scan").click()
    page.wait_for_selector("#batch-results > li.is-undone")
    db.session.expire_all()
    assert db.session.get(Device, ids[2]).location_id is None
    assert db.session.get(Device, ids[1]).location_id == shelf_ids[1]
    db.session.close()
    assert results.count() >= 4
