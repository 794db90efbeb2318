"""The header on a phone: the scan box shows its whole hint, the menus open and close with the
keyboard (disclosure buttons), and the bench-side pages have finger-sized controls."""

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e

# The hint's width in the input's own font, against the room the input leaves for text.
PLACEHOLDER_FITS = """(el) => {
  const style = getComputedStyle(el), canvas = document.createElement("canvas");
  const context = canvas.getContext("2d");
  context.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [context.measureText(el.placeholder).width, room];
}"""


def test_scan_box_menus_and_touch_targets_on_a_phone(browser, live_server, db):
    admin = make_user("admin")
    email = admin.email
    db.session.commit()
    db.session.close()
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, email)
        text_width, room = page.locator("#scan-input").evaluate(PLACEHOLDER_FITS)
        assert text_width <= room, f"hint {text_width:.0f} px in {room:.0f} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # Menus start closed; Enter on a menu button opens it, Escape closes it and gives the
        # focus back to the button.
        button = page.get_by_role("button", name="Administration")
        settings_link = page.get_by_role("link", name="Réglages", exact=True)
        assert button.get_attribute("aria-expanded") == "false"
        assert not settings_link.is_visible()
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true" and settings_link.is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Utilisateurs"
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "menu-admin"
        # Opening another menu closes the first.
        button.click()
        page.get_by_role("button", name="Stock").click()
        assert button.get_attribute("aria-expanded") == "false"
        page.get_by_role("link", name="Emplacements").click()
        page.wait_for_url(f"{live_server}/workshop/locations")

        page.goto(f"{live_server}/workshop/batch")
        heights = page.locator("main button, main select, main input:not([type=hidden])") \
            .evaluate_all("els => els.map(el => el.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44
    finally:
        context.close()
