"""Camera scanning: a phone or a webcam reads the printed label and the page goes on as if a USB
scanner had typed it. Chromium films a fake video of the label Refurb renders (a Y4M file made
from the label PNG); Linux Chromium has no BarcodeDetector, so the bundled ZXing decoder reads
it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from refurb.printing import load_stock, render_png, services
from tests.e2e.conftest import CHROMIUM_FLAGS, chromium_path, sign_in
from tests.factories import make_device, make_user

pytestmark = pytest.mark.e2e
ZEBRA = "zebra-57x32-203dpi"
FRAME = (1280, 720)


def write_y4m(label_png: bytes, path: Path) -> None:
    """One still frame (Chromium loops it): the label on a white table, filmed from above."""
    label = Image.open(io.BytesIO(label_png)).convert("L")
    label = label.resize((label.width * 2, label.height * 2), Image.NEAREST)
    frame = Image.new("L", FRAME, 255)
    frame.paste(label, ((FRAME[0] - label.width) // 2, (FRAME[1] - label.height) // 2))
    width, height = FRAME
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture
def camera_browser(tmp_path):
    path = chromium_path()
    if not path:
        pytest.skip("chromium not installed: end-to-end browser test SKIPPED")
    from playwright.sync_api import sync_playwright

    video = tmp_path / "label.y4m"

    def launch():
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=path, headless=True,
            args=[*CHROMIUM_FLAGS, "--use-fake-ui-for-media-stream",
                  "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-video-capture={video}"])
        opened.append((playwright, browser))
        return browser

    opened: list = []
    yield video, launch
    for playwright, browser in opened:
        browser.close()
        playwright.stop()


def test_the_camera_reads_a_printed_label_and_opens_the_device_page(camera_browser, live_server,
                                                                    db):
    video, launch = camera_browser
    tech = make_user("technician")
    device = make_device(actor_id=tech.id)
    label = services.device_label(device, None, lambda i: f"{live_server}/devices/{i}")
    write_y4m(render_png(load_stock(ZEBRA), [label]), video)
    email, tag, device_id = tech.email, device.asset_tag, device.id
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    browser = launch()
    context = browser.new_context(locale="fr-FR", permissions=["camera"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, live_server, email)

    camera = page.get_by_role("button", name="Scanner avec la caméra").first
    camera.click()
    # Only the camera's reading of the label leads from the home page to the device: its
    # dialog may already be gone (label read, page opened) before a locator would see it.
    page.wait_for_url(f"{live_server}/devices/{device_id}")
    assert tag in page.locator("h1").inner_text()
    assert page.locator("dialog.camera-dialog").count() == 0  # the camera is let go
    context.close()


def test_without_a_camera_there_is_no_camera_button(page, live_server, db):
    tech = make_user("technician")
    email = tech.email
    db.session.commit()
    db.session.close()
    sign_in(page, live_server, email)
    page.wait_for_load_state("networkidle")
    assert page.locator("#scan-input").is_visible()
    assert page.locator("button.camera-scan").count() == 0
