"""A social worker's week in a real browser: the home queue, a file approved by a second
validator, a 5-session programme created in one form, a cohort of ten enrolled at once, the
attendance of every session, the cohort's packs handed over on one distribution day by
scanning machines, the loan reminders reaching an SMTP server (aiosmtpd), a support request
opening a work order, and the annual report with the fees and the cost per household.

The scene (ten approved families, ready machines, a cohort with its pack) is built with the
factories: a week's preparation is not the point; every step the issue names is clicked."""

from __future__ import annotations

import io
import socket
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.allocations import cohorts
from refurb.allocations.models import Allocation, Cohort
from refurb.beneficiaries.models import Beneficiary
from refurb.clock import local_date, utcnow
from refurb.documents.models import IssuedDocument
from refurb.notifications import preferences
from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession
from refurb.workshop.models import WorkOrder
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import make_file, set_policy, submit
from tests.conftest import make_app
from tests.e2e.conftest import serving, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e
FAMILIES = 10


class Inbox:
    def __init__(self) -> None:
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "subject": str(message["subject"]),
                              "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def mailing_server(db, _db_location, smtp_inbox):
    """The app served on a free port, sending its e-mail to the test SMTP server."""
    port, _inbox = smtp_inbox
    app = make_app(_db_location, WTF_CSRF_ENABLED=True, MAIL_BACKEND="smtp",
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                   MAIL_USE_SSL=False, MAIL_TIMEOUT=5)
    with serving(app) as base:
        yield base


def _login(page, base, email):
    page.context.clear_cookies()  # the previous person signs out by leaving
    sign_in(page, base, email)


def _scene(db):
    """Ten approved families who agreed to e-mail reminders, ten ready laptops, a cohort lending
    its pack until a month from now for 10 € each, and a colleague's file to approve."""
    now = utcnow().replace(microsecond=0)
    today = local_date(now)
    set_policy(min_training_sessions=0, four_eyes=False, now=now - timedelta(days=45))
    families = []
    for n in range(FAMILIES):
        family = approved_file(now=now - timedelta(days=40), last_name=f"Famille{n:02d}",
                               email=f"famille{n:02d}@example.org")
        preferences.set_beneficiary_preferences(family, channel="email", language="fr",
                                                consent=True, actor_id=None,
                                                now=now - timedelta(days=40))
        families.append(family)
    laptops = [ready_device("laptop", now=now - timedelta(days=10)) for _ in range(FAMILIES)]
    pack = cohorts.create_pack(cohorts.PackValues("Pack famille", {"laptop": 1},
                                                  "1 Souris\n1 Sacoche"),
                               actor_id=None, now=now - timedelta(days=40))
    cohort = cohorts.create_cohort(cohorts.CohortValues(
        kind="season", name="Distribution d'automne", starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=30), pack_template_id=pack.id, mode="loan",
        fee_amount=Decimal("10"), fee_method="cash"), actor_id=None, now=now - timedelta(days=40))
    cohorts.add_members(cohort, " ".join(f.pseudonym for f in families),
                        now=now - timedelta(days=40))
    # FERIS's rule from here on: two validators, five sessions before a handover.
    set_policy(min_training_sessions=5, four_eyes=True, now=now - timedelta(days=39))
    worker, colleague, admin = (make_user("social_worker"), make_user("social_worker"),
                                make_user("admin"))
    theirs = make_file(actor_id=colleague.id, now=now - timedelta(days=2),
                       last_name="Deuxièmeregard")
    submit(theirs, actor_id=colleague.id, now=now - timedelta(days=2))
    db.session.commit()
    scene = {"today": today, "families": [(f.id, f.pseudonym, f.email) for f in families],
             "tags": [d.asset_tag for d in laptops], "cohort": cohort.id,
             "worker": worker.email, "admin": admin.email, "theirs": (theirs.id, theirs.pseudonym)}
    db.session.close()  # SQLite: leave the write lock to the server
    return scene


def _read(db, statement):
    value = db.session.scalar(statement)
    db.session.close()
    return value


def test_a_social_workers_week(page, mailing_server, smtp_inbox, db):
    base = mailing_server
    _port, inbox = smtp_inbox
    scene = _scene(db)
    today = scene["today"]

    # Monday: the queue. A colleague's file waits for a second validator.
    _login(page, base, scene["worker"])
    queue = page.locator('[data-queue="files_to_decide"]')
    assert queue.locator("[data-count]").inner_text() == "1"
    queue.get_by_role("link").first.click()
    file_id, pseudonym = scene["theirs"]
    page.get_by_role("link", name=pseudonym).click()
    page.wait_for_url(f"{base}/beneficiaries/{file_id}")
    page.locator("form:has(input[name=target][value=approved]) button[type=submit]").click()
    page.wait_for_url(f"{base}/beneficiaries/{file_id}")
    assert _read(db, select(Beneficiary.status).where(Beneficiary.id == file_id)) == "approved"
    page.goto(f"{base}/")
    assert page.locator('[data-queue="files_to_decide"] [data-count]').inner_text() == "0"

    # A programme, then its five weekly sessions in one form (they started five weeks ago:
    # the enrolment was taken on paper).
    first = today - timedelta(days=35)
    page.goto(f"{base}/training/programmes/new")
    page.locator("#title").fill("Prise en main — 5 séances de 2 h")
    page.locator("#planned_sessions").fill("5")
    page.locator("#hours_per_session").fill("2")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Créer toutes les séances").click()
    page.locator("#first_date").fill(first.isoformat())
    page.locator("#weekday").select_option(str(first.weekday()))
    page.locator("#start_time").fill("14:00")
    page.locator("#place").fill("Médiathèque")
    page.get_by_role("button", name="Créer les séances").click()
    page.get_by_text("5 séance(s) créée(s)").wait_for()
    programme_id = _read(db, select(Programme.id))
    sessions = db.session.scalars(select(TrainingSession.id).where(
        TrainingSession.programme_id == programme_id).order_by(TrainingSession.session_date)
    ).all()
    db.session.close()
    assert len(sessions) == 5

    # The cohort of ten enrolled at once.
    page.goto(f"{base}/training/programmes/{programme_id}/enrol-many")
    for family_id, _p, _e in scene["families"]:
        page.locator(f"#b-{family_id}").check()
    page.locator("#enrolled_on").fill((first - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Inscrire les dossiers cochés").click()
    page.get_by_text(f"{FAMILIES} inscription(s) enregistrée(s).").wait_for()
    assert _read(db, select(func.count()).select_from(Enrolment)) == FAMILIES

    # Attendance, session after session: everybody came.
    for session_id in sessions:
        page.goto(f"{base}/training/sessions/{session_id}")
        selects = page.locator("form[action$='/attendance'] select")
        assert selects.count() == FAMILIES
        for index in range(FAMILIES):
            selects.nth(index).select_option("present")
        page.get_by_role("button", name="Enregistrer les présences").click()
        page.get_by_text(f"Présences enregistrées : {FAMILIES} présent(s).").wait_for()
    assert _read(db, select(func.count()).select_from(Attendance)) == 5 * FAMILIES

    # Distribution day: the machines scanned in turn, one agreement each.
    page.goto(f"{base}/allocations/cohorts/{scene['cohort']}/distribution")
    assert "Machines : 0 / 10" in page.locator("#distribution-progress").inner_text()
    for tag in scene["tags"]:
        page.locator("#tag").fill(tag)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert tag in page.locator(".flash").first.inner_text()
    page.get_by_text("Toute la cohorte est servie.").wait_for()
    assert "Membres servis : 10 / 10" in page.locator("#distribution-progress").inner_text()
    allocations = db.session.execute(select(Allocation.number, Allocation.due_on,
                                            Allocation.pack)).all()
    db.session.close()
    assert len(allocations) == FAMILIES
    assert {due for _n, due, _p in allocations} == {today + timedelta(days=30)}
    assert all(pack["accessories"] == [["Souris", 1], ["Sacoche", 1]]
               for _n, _d, pack in allocations)

    # The morning reminders (an admin runs them now): each family hears its loan is due back.
    _login(page, base, scene["admin"])
    page.goto(f"{base}/notifications/")
    page.locator("form[action$='/notifications/run'] button").click()
    page.wait_for_url(f"{base}/jobs/*")
    loan_mail = [m for m in inbox.messages if any(a.startswith("famille") for a in m["to"])]
    assert sorted(a for m in loan_mail for a in m["to"]) == sorted(
        email for _i, _p, email in scene["families"])
    numbers = {number for number, _d, _p in allocations}
    assert all(any(n in m["body"] for n in numbers) for m in loan_mail)

    # A family calls: the laptop does not start. The request opens a work order.
    _login(page, base, scene["worker"])
    number = sorted(numbers)[0]
    page.goto(f"{base}/aftercare/new")
    page.locator("#q").fill(number)
    page.get_by_role("button", name="Chercher").click()
    page.get_by_text("sous garantie").first.wait_for()
    page.locator("input[name=device_id]").first.check()
    page.locator("#problem").fill("L'ordinateur ne démarre plus.")
    page.get_by_role("button", name="Ouvrir la demande").click()
    page.wait_for_url(f"{base}/aftercare/requests/*")
    page.locator("select[name=decision]").select_option("warranty_repair")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_url(f"{base}/aftercare/requests/*")
    order = db.session.scalar(select(WorkOrder).order_by(WorkOrder.id.desc()))
    assert order is not None and "L'ordinateur ne démarre plus." in order.actions
    db.session.close()

    # End of the year: the programme's cost is typed in, the annual report shows the fees and
    # the cost per household equipped.
    _login(page, base, scene["admin"])
    page.goto(f"{base}/reports/funding")
    page.locator("#programme").fill("Distribution d'automne")
    page.locator("#label").fill("Animation et pièces")
    page.locator("#kind").select_option("cost")
    page.locator("#amount").fill("5 000")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Ligne enregistrée.").wait_for()
    page.goto(f"{base}/reports/annual")
    page.get_by_role("button", name="Voir les chiffres avant d’émettre").click()
    page.get_by_role("button", name=f"Émettre le rapport RAPPORT-{today.year}").click(
        timeout=60_000)
    page.wait_for_url(f"{base}/jobs/*", timeout=60_000)
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == "annual_report"))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(document.content)).pages).replace("\u202f", " ").replace("\u00a0", " ")
        .split())
    db.session.close()
    assert "Participations encaissées 100,00 €" in text
    assert "Foyers équipés 10" in text
    assert "Coût par foyer équipé 500,00 €" in text
    assert _read(db, select(Cohort.name)) == "Distribution d'automne"
