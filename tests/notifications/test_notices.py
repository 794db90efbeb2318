"""Notices beyond reminders: a donor's receipt or certificate is ready, files wait for a social
worker's decision, a reservation is about to expire; consent is recorded on the file."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from refurb.allocations import reservations
from refurb.clock import local_date, utcnow
from refurb.intake import receipts
from refurb.notifications import preferences, reminders, services
from refurb.notifications.models import Notification
from tests.access import assert_only
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import make_file, submit
from tests.factories import make_device, make_donor, make_user
from tests.intake.helpers import open_collection


def test_a_donor_hears_when_its_collection_receipt_is_issued(db, inbox):
    donor = make_donor(name="Banque du Nord")
    donor.contact_email = "dons@banque-du-nord.example"
    preferences.set_donor_preferences(donor, channel="email", language="en", consent=True,
                                      now=utcnow())
    collection = open_collection(donor=donor)
    make_device("laptop", collection=collection)
    workshop = {"name": "Atelier FERIS", "address": "1 place de la Mairie, 59970 Fresnes",
                "siret": "21590001500011", "contact": "atelier@feris.example"}
    document, _ = receipts.issue_receipt(collection, workshop=workshop, actor_id=None,
                                         now=utcnow())
    now = utcnow()
    assert reminders.document_notices(now) == 1
    assert reminders.document_notices(now) == 0
    services.deliver_due(now=now)
    [message] = inbox.to("dons@banque-du-nord.example")
    assert message["subject"] == f"Collection receipt {document.number} available"
    assert "http://refurb.test/portal/" in message["body"]


def test_social_workers_get_one_digest_a_day_of_files_awaiting(db, inbox):
    worker = make_user("social_worker", email="as@atelier.example")
    make_user("technician", email="tech@atelier.example")
    waiting = make_file()
    submit(waiting)
    now = utcnow()
    assert reminders.files_awaiting_digest(local_date(now), now) == 1
    assert reminders.files_awaiting_digest(local_date(now), now) == 0
    services.deliver_due(now=now)
    [message] = inbox.to(worker.email)
    assert message["subject"] == "1 dossier(s) en attente de validation"
    assert waiting.pseudonym in message["body"] and waiting.last_name not in message["body"]
    assert inbox.to("tech@atelier.example") == []


def test_reservation_expiring_reminder(db, inbox):
    now = utcnow()
    family = approved_file(now=now - timedelta(days=1), email="resa@example.org")
    preferences.set_beneficiary_preferences(family, channel="email", language="fr",
                                            consent=True, actor_id=None, now=now)
    reservation = reservations.reserve(family, [ready_device()], actor_id=None, now=now)
    reservation.expires_on = local_date(now) + timedelta(days=1)
    db.session.flush()
    assert reminders.reservation_reminders(local_date(now), now) == 1
    services.deliver_due(now=now)
    [message] = inbox.to("resa@example.org")
    day = reservation.expires_on.strftime("%d/%m/%Y")
    assert message["subject"] == f"Votre matériel réservé vous attend jusqu'au {day}"


def test_consent_is_required_and_recorded_through_the_page(db, client, login_as):
    family = make_file(email="consent@example.org")
    db.session.commit()
    login_as("social_worker")
    url = f"/notifications/beneficiaries/{family.id}"
    refused = client.post(url, data={"channel": "email", "language": "en"})
    assert "Sans accord de la personne" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert family.notify_channel == "none" and family.notify_consent_at is None

    response = client.post(url, data={"channel": "email", "language": "en", "consent": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (family.notify_channel, family.notify_language) == ("email", "en")
    assert family.notify_consent_at is not None
    page = client.get(f"/beneficiaries/{family.id}").get_data(as_text=True)
    assert "Rappels et avis" in page and "Courriel" in page


def test_sms_needs_a_phone_number(db):
    import pytest

    from refurb.core.errors import InvalidInput

    family = make_file(phone="")
    with pytest.raises(InvalidInput, match="téléphone"):
        preferences.set_beneficiary_preferences(family, channel="sms", language="fr",
                                                consent=True, actor_id=None, now=utcnow())


def test_the_anonymised_file_gets_nothing_more(db):
    from refurb.beneficiaries import gdpr

    family = make_file(email="oubli@example.org")
    preferences.set_beneficiary_preferences(family, channel="email", language="fr",
                                            consent=True, actor_id=None, now=utcnow())
    gdpr.anonymise(family, actor_id=None, now=utcnow())
    assert family.notify_channel == "none" and family.notify_consent_at is None
    assert services.beneficiary_recipient(family) is None


def test_who_sees_the_log_and_the_preferences(app, db):
    assert_only(app, "/notifications/", {"admin"})
    family = make_file()
    donor = make_donor()
    db.session.commit()
    assert_only(app, f"/notifications/beneficiaries/{family.id}", {"admin", "social_worker"})
    assert_only(app, f"/notifications/donors/{donor.id}", {"admin", "technician"})
    assert db.session.scalar(select(Notification.id)) is None
