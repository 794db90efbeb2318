"""Every page of every role in a real browser: on a 390 px wide phone nothing scrolls sideways
(tables scroll in their own box), and axe-core finds no serious or critical accessibility
violation. One browser, one context per role; each (role, page kind) is visited once —
REFURB_GATES_EVERY_PAGE=1 visits every page the walk found instead (to measure)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.access import ROLES
from tests.factories import PASSWORD
from tests.pages.walk import build_scene, one_per_endpoint, walk

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}
# Swagger UI, vendored as it is published: its own markup is not ours to fix.
NOT_AXED = {"api_docs.docs"}
# The outermost elements sticking out on the right, outside any box that scrolls or clips:
# what a failure message names.
CULPRITS = """() => Array.from(document.querySelectorAll("body *")).filter(el => {
  const right = el.getBoundingClientRect().right, parent = el.parentElement;
  for (let up = parent; up && up !== document.body; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== "visible") return false;
  }
  return right > innerWidth + 1 && parent.getBoundingClientRect().right <= innerWidth + 1;
}).slice(0, 3).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
  (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "")
  + " " + Math.round(el.getBoundingClientRect().right))"""


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def _sign_in(context, live_server: str, email: str):
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _check(page, axe: str | None) -> list[str]:
    faults = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        faults.append(f"{width} px wide: {', '.join(page.evaluate(CULPRITS))}")
    if axe is None:
        return faults
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    for violation in result["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            faults.append(f"axe {violation['impact']} {violation['id']}: {targets}")
    return faults


def test_every_page_fits_a_phone_and_passes_axe(db, _db_location, live_server, browser,
                                                monkeypatch, shared_rows):
    from tests.conftest import make_app
    from tests.security import crawl

    every_page = bool(os.environ.get("REFURB_GATES_EVERY_PAGE"))
    if not every_page:  # one instance of each page kind is all the browser will open
        monkeypatch.setattr(crawl, "PER_ENDPOINT", 1)
    app = make_app(_db_location, WTF_CSRF_ENABLED=True)
    users, visits = walk(app, shared_rows("pages.scene", build_scene))
    chosen = visits if every_page else one_per_endpoint(visits)
    if os.environ.get("REFURB_GATES_ONLY"):  # a regular expression on the URL, to debug
        chosen = [v for v in chosen if re.search(os.environ["REFURB_GATES_ONLY"], v.url)]
    axe = _axe_source()
    failures, seen, started = [], 0, time.monotonic()
    axed: set[str] = set()  # each page kind once, whatever the role: the header is on all
    for role in (*ROLES, "anonymous"):
        context = browser.new_context(locale="fr-FR", viewport=PHONE)
        try:
            if role == "anonymous":
                page = context.new_page()
            else:
                page = _sign_in(context, live_server, users[role])
            for visit in (v for v in chosen if v.role == role):
                response = page.goto(f"{live_server}{visit.url}")
                if response is None or response.status != 200:
                    continue  # a page the walk changed since (a one-time view)
                seen += 1
                run_axe = visit.endpoint not in axed and visit.endpoint not in NOT_AXED
                axed.add(visit.endpoint)
                failures += [f"{role} {visit.url}: {fault}"
                             for fault in _check(page, axe if run_axe else None)]
        finally:
            context.close()
    print(f"{seen} pages checked in {time.monotonic() - started:.0f} s, {len(failures)} faults")
    if not os.environ.get("REFURB_GATES_ONLY"):
        assert seen > 100
    assert failures == [], f"{len(failures)} faults:\n" + "\n".join(failures)
