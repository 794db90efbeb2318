"""Issue 15 in a real browser: the content policy blocks nothing the pages need (charts,
checklists, scan pages), and a stored payload does not run."""

from __future__ import annotations

from sqlalchemy import text

from refurb.extensions import db as database
from tests.e2e.conftest import sign_in
from tests.factories import make_user
from tests.reports import report_scene

PAYLOAD = "\"'><img src=x onerror=alert(1)><script>alert(2)</script>"
PAGES = ("/", "/devices", "/reports/", "/reports/activity", "/reports/reuse",
         "/workshop/qa/checklist", "/workshop/stock", "/workshop/batch", "/wiping/station",
         "/admin/sign-ins", "/weee/rates", "/beneficiaries/")


def test_pages_break_no_policy_and_payloads_stay_text(page, live_server, db, shared_rows):
    shared_rows("reports.scene", report_scene.build)
    from tests.workshop.helpers import make_location

    make_location(PAYLOAD[:100])
    admin = make_user("admin")
    email = admin.email
    db.session.commit()
    database.session.execute(text("UPDATE donor_organisations SET name = :p"), {"p": PAYLOAD})
    db.session.commit()
    db.session.close()  # SQLite: leave the write lock to the server

    violations, dialogs = [], []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective))")
    sign_in(page, live_server, email)
    for path in PAGES:
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
    assert violations == []
    assert dialogs == []
    # The stock location of issue 15 is on the batch page, as text.
    page.goto(f"{live_server}/workshop/batch")
    assert any("<img src=x onerror=alert(1)>" in option
               for option in page.locator("option").all_inner_texts())
