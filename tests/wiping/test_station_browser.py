"""The wiping station in a real browser: a keyboard-wedge scanner types tag + Enter, again
and again; each answer appears on the page, which never reloads."""

import pytest

from tests.e2e.conftest import browser, live_server, page, sign_in  # noqa: F401  (fixtures)
from tests.factories import make_device, make_user
from tests.wiping.helpers import make_drive

pytestmark = pytest.mark.e2e


def test_scan_after_scan_without_leaving_the_page(page, live_server, db):  # noqa: F811
    tech = make_user("technician")
    first, second = make_device(), make_device()
    make_drive(first, serial="WD-E2E-1")
    make_drive(second, serial="WD-E2E-2")
    email, tags = tech.email, (first.asset_tag, second.asset_tag)
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    sign_in(page, live_server, email)
    page.goto(f"{live_server}/wiping/station")
    page.locator("#technique").select_option("overwrite")
    page.locator("#outcome").select_option("clear")
    tag_input = page.locator("#tag")
    tag_input.focus()
    for tag in (*tags, "RF-2026-999999"):
        page.keyboard.type(tag)
        page.keyboard.press("Enter")
    log = page.locator("[data-station-log] > li")
    log.nth(2).wait_for()
    lines = log.all_inner_texts()
    assert page.url == f"{live_server}/wiping/station"
    assert any(tags[0] in line and "supports en règle" in line for line in lines)
    assert any(tags[1] in line and "supports en règle" in line for line in lines)
    assert any("inconnu" in line for line in lines)
    assert tag_input.input_value() == ""
    assert tag_input.evaluate("el => el === document.activeElement")
