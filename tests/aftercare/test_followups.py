"""The follow-up call a month after the handover: listed until the family was reached."""

from __future__ import annotations

from datetime import date, timedelta

from refurb.aftercare.followups import followups_due
from refurb.clock import local_date, utcnow
from tests.access import assert_only
from tests.aftercare.helpers import handed_over


def test_a_handover_is_due_for_a_call_one_month_later(db):
    recent, _ = handed_over(10)
    old, _ = handed_over(40)
    today = local_date(utcnow())
    due = followups_due(today)
    assert [d.number for d in due] == [old.number]
    assert due[0].due_on <= today < due[0].due_on + timedelta(days=31)
    later = followups_due(today + timedelta(days=25))
    assert [d.number for d in later] == [old.number, recent.number]


def test_calls_are_recorded_and_end_the_follow_up_once_reached(db, client, login_as):
    allocation, _ = handed_over(35, last_name="Coquelicoq")
    login_as("social_worker")
    page = client.get("/aftercare/followups").get_data(as_text=True)
    assert allocation.number in page and "COQUELICOQ" in page

    client.post(f"/aftercare/followups/{allocation.id}",
                data={"outcome": "unreachable", "notes": "Messagerie"})
    [due] = followups_due(local_date(utcnow()))
    assert due.attempts == 1 and due.last_call_at is not None

    client.post(f"/aftercare/followups/{allocation.id}",
                data={"outcome": "reached", "notes": "Tout fonctionne, souhaite un atelier"})
    assert followups_due(local_date(utcnow())) == []
    page = client.get("/aftercare/followups").get_data(as_text=True)
    assert "Aucun appel de suivi à faire." in page


def test_followups_are_for_social_workers_and_admins(app, db):
    assert_only(app, "/aftercare/followups", {"admin", "social_worker"})


def test_support_pages_are_for_staff(app, db):
    assert_only(app, "/aftercare/", {"admin", "technician", "social_worker"})


def test_core_dates():
    from refurb.core.aftercare import add_months, in_warranty, warranty_end

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert warranty_end(date(2026, 3, 15), 6) == date(2026, 9, 14)
    assert in_warranty(date(2026, 3, 15), 6, date(2026, 9, 14))
    assert not in_warranty(date(2026, 3, 15), 6, date(2026, 9, 15))
    assert not in_warranty(date(2026, 3, 15), 0, date(2026, 3, 15))
