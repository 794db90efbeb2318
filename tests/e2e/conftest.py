"""A real browser (Debian's chromium through Playwright, never a downloaded one) against the
app served on a free localhost port, on the test database."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("REFURB_CHROMIUM") or shutil.which("chromium")


@contextmanager
def serving(app):
    """The app served on a free port for the length of the block: yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def sign_in(page, base: str, email: str) -> None:
    """Signs in through the login form, as a person would, and waits for the home page."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def live_server(db, _db_location):
    with serving(make_app(_db_location, WTF_CSRF_ENABLED=True)) as base:
        yield base


@pytest.fixture
def browser():
    path = chromium_path()
    if not path:
        pytest.skip("chromium not installed: end-to-end browser test SKIPPED (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
