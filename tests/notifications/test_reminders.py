"""Reminders reach people through a real SMTP server, in their language, once; failures are
logged and retried; the log names beneficiaries by pseudonym only."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from refurb.allocations import handover, reservations
from refurb.clock import local_date, utcnow
from refurb.notifications import preferences, services
from refurb.notifications.models import Notification
from tests.allocations.helpers import approved_file, loan_values, ready_device
from tests.beneficiaries.helpers import set_policy
from tests.training.helpers import enrol, make_programme, make_session


def _consenting_file(email: str, language: str, channel: str = "email", **changes):
    now = utcnow()
    changes.setdefault("phone", "0600000001")
    family = approved_file(now=now - timedelta(days=1), email=email, **changes)
    preferences.set_beneficiary_preferences(family, channel=channel, language=language,
                                            consent=True, actor_id=None, now=now)
    return family


def _loan_due_in(days: int, family):
    now = utcnow()
    set_policy(min_training_sessions=0, now=now - timedelta(days=2))
    device = ready_device(now=now - timedelta(days=2))
    reservation = reservations.reserve(family, [device], actor_id=None, now=now)
    allocation, _doc = handover.hand_over(
        reservation, loan_values(local_date(now) + timedelta(days=days)), actor_id=None,
        now=now)
    return allocation


def _run_reminders(client, login_as):
    login_as("admin")
    response = client.post("/notifications/run")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]


def test_loan_and_session_reminders_arrive_in_each_persons_language(db, client, login_as,
                                                                    inbox):
    english = _consenting_file("famille.en@example.org", "en", last_name="Ornithorynque")
    allocation = _loan_due_in(7, english)
    french = _consenting_file("famille.fr@example.org", "fr", last_name="Mirabellier")
    programme = make_programme("Prise en main")
    session = make_session(programme, on=local_date(utcnow()) + timedelta(days=2),
                           start="14:00", end="16:00", place="Salle du CCAS")
    enrol(programme, french)
    db.session.commit()

    _run_reminders(client, login_as)

    [loan] = inbox.to("famille.en@example.org")
    due = allocation.due_on.strftime("%d %B %Y")
    assert loan["subject"] == f"Your loan {allocation.number} ends on {due}"
    assert f"must be brought back by {due}, in 7 days" in loan["body"]
    [reminder] = inbox.to("famille.fr@example.org")
    day = session.session_date.strftime("%d/%m/%Y")
    assert reminder["subject"] == f"Rappel : séance de formation le {day}"
    assert (f"votre séance de formation « Prise en main » le {day} de 14:00 à 16:00, "
            "Salle du CCAS") in reminder["body"]

    # The same day again: nothing is sent twice.
    _run_reminders(client, login_as)
    assert len(inbox.messages) == 2

    page = client.get("/notifications/").get_data(as_text=True)
    assert english.pseudonym in page and french.pseudonym in page
    assert "Ornithorynque" not in page and "famille.en@example.org" not in page
    assert page.count("Envoyé") >= 2


def test_nobody_is_written_to_without_consent(db, client, login_as, inbox):
    family = approved_file(now=utcnow() - timedelta(days=1), email="sans.accord@example.org")
    _loan_due_in(7, family)
    db.session.commit()
    _run_reminders(client, login_as)
    assert inbox.messages == []
    assert db.session.scalar(select(Notification.id)) is None


def test_j30_then_j7_are_two_reminders(db, inbox):
    family = _consenting_file("deux.rappels@example.org", "fr")
    allocation = _loan_due_in(30, family)
    now = utcnow()
    from refurb.notifications import reminders

    assert reminders.loan_reminders(local_date(now), now) == 1
    assert reminders.loan_reminders(local_date(now), now) == 0  # same reminder: once
    later = now + timedelta(days=23)
    assert reminders.loan_reminders(local_date(later), later) == 1
    services.deliver_due(now=later)
    subjects = [m["subject"] for m in inbox.to("deux.rappels@example.org")]
    assert len(subjects) == 2
    templates = set(db.session.scalars(select(Notification.template)))
    assert templates == {"loan_due_30", "loan_due_7"}
    assert allocation.number in subjects[0]


def test_a_failed_message_is_retried_with_back_off(db, app, inbox, monkeypatch):
    family = _consenting_file("panne@example.org", "fr")
    _loan_due_in(7, family)
    now = utcnow()
    from refurb.notifications import reminders

    reminders.loan_reminders(local_date(now), now)
    working_port = app.extensions["mailman"].port
    monkeypatch.setattr(app.extensions["mailman"], "port", 9)  # nothing listens there
    assert services.deliver_due(now=now) == (0, 1)
    row = db.session.scalar(select(Notification))
    assert row.status == "pending" and row.attempts == 1 and row.error
    assert row.next_attempt_at == now + timedelta(minutes=5)
    assert services.deliver_due(now=now + timedelta(minutes=1)) == (0, 0)  # not yet
    monkeypatch.setattr(app.extensions["mailman"], "port", working_port)
    assert services.deliver_due(now=now + timedelta(minutes=6)) == (1, 0)
    assert row.status == "sent" and row.attempts == 2 and row.error == ""
    assert len(inbox.to("panne@example.org")) == 1


def test_back_off_grows_then_gives_up():
    from datetime import datetime

    from refurb.core.notifications import MAX_ATTEMPTS, next_attempt

    start = datetime(2026, 5, 4, 8, 0)
    delays = [next_attempt(n, start) - start for n in range(1, MAX_ATTEMPTS)]
    assert delays == [timedelta(minutes=5 * 3 ** i) for i in range(MAX_ATTEMPTS - 1)]
    assert next_attempt(MAX_ATTEMPTS, start) is None


def test_sms_goes_through_the_configured_gateway(db, app, monkeypatch, tmp_path):
    outbox = tmp_path / "sms.jsonl"
    monkeypatch.setitem(app.config, "SMS_BACKEND", "file")
    monkeypatch.setitem(app.config, "SMS_FILE", str(outbox))
    family = _consenting_file("sms@example.org", "en", channel="sms", phone="0611223344")
    allocation = _loan_due_in(7, family)
    now = utcnow()
    from refurb.notifications import reminders

    reminders.loan_reminders(local_date(now), now)
    assert services.deliver_due(now=now) == (1, 0)
    [line] = [json.loads(x) for x in Path(outbox).read_text().splitlines()]
    assert line["to"] == "0611223344"
    assert f"(agreement {allocation.number}) must be brought back by" in line["text"]
