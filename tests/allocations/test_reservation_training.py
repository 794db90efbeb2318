"""A reservation holds while the beneficiary's training goes on (expiry job and CLI), shows the
progress, can be extended with a reason kept in its history; the handover button waits for the
training; attendance is refused for sessions held before the enrolment."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from refurb.allocations import cli, reservations
from refurb.allocations.models import ReservationExtension
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.jobs import builtin
from refurb.settings import services as settings
from refurb.training import attendance, enrolments, programmes
from refurb.training import sessions as training_sessions
from tests.access import status_for_roles
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import NOW, set_policy
from tests.factories import make_user

FIRST_SESSION = date(2026, 3, 3)
PAST_LAST_DAY = NOW + timedelta(days=20)  # the reservation of NOW ends on 16/03


def training(family, *, attended: int, planned: int = 5, withdrawn: bool = False):
    """``family`` enrolled on NOW in a weekly programme, present at ``attended`` sessions."""
    programme = programmes.create_programme(programmes.ProgrammeValues(
        title=f"Prise en main {family.id}", planned_sessions=planned,
        hours_per_session=Decimal(2)), actor_id=None, now=NOW)
    enrolment = enrolments.enrol(programme, family, actor_id=None, now=NOW)
    for n in range(attended):
        session = training_sessions.create_session(training_sessions.SessionValues(
            programme_id=programme.id, session_date=FIRST_SESSION + timedelta(weeks=n),
            start_time=time(14), end_time=time(16), trainer_name="Formateur"),
            actor_id=None, now=NOW)
        attendance.record_attendance(session, [attendance.ParticipantMarks(
            family.id, marks={"afternoon": "present"})], actor_id=None,
            now=datetime.combine(session.session_date, time(17)))
    if withdrawn:
        enrolments.withdraw(enrolment, actor_id=None, now=NOW + timedelta(days=3))
    return programme


def reserved_family():
    family = approved_file()
    device = ready_device()
    reservation = reservations.reserve(family, [device], actor_id=None, now=NOW)
    return family, device, reservation


def test_the_expiry_job_keeps_a_reservation_while_training_goes_on(db):
    family, device, reservation = reserved_family()
    training(family, attended=2)
    db.session.commit()
    report = reservations.expire_reservations(now=PAST_LAST_DAY)
    db.session.commit()
    assert (report.expired, report.held) == ([], [reservation.id])
    assert reservation.status == "active" and device.state == "reserved"
    # Held from today for another reservation length, so the machine waits after training.
    assert reservation.expires_on == PAST_LAST_DAY.date() + timedelta(days=14)
    row = db.session.scalars(select(ReservationExtension)).one()
    assert (row.previous_expires_on, row.new_expires_on, row.actor_id, row.occurred_at) == (
        date(2026, 3, 16), reservation.expires_on, None, PAST_LAST_DAY)
    assert row.reason == f"formation en cours : Prise en main {family.id} 2/5 séances"
    # A second run the same day changes nothing more.
    assert reservations.expire_reservations(now=PAST_LAST_DAY).held == []
    assert db.session.scalars(select(ReservationExtension)).all() == [row]


@pytest.mark.parametrize("how", ["complete", "withdrawn", "setting_off", "not_enrolled"])
def test_reservations_expire_when_no_training_holds_them(db, how):
    family, device, reservation = reserved_family()
    if how == "complete":
        training(family, attended=2, planned=2)
    elif how == "withdrawn":
        training(family, attended=1, withdrawn=True)
    elif how == "setting_off":
        training(family, attended=1)
        settings.set_value(reservations.HOLD_DURING_TRAINING, "non", actor_id=None, now=NOW)
    db.session.commit()
    report = reservations.expire_reservations(now=PAST_LAST_DAY)
    assert (report.expired, report.held) == ([reservation.id], [])
    assert reservation.status == "expired" and device.state == "ready"


def test_scheduled_job_and_cli_say_which_reservations_training_keeps(app, db, monkeypatch):
    family, _device, reservation = reserved_family()
    other, _other_device, other_reservation = reserved_family()
    training(family, attended=1)
    db.session.commit()
    with app.test_request_context():
        result = builtin.expire_reservations({}, lambda *a: None, actor_id=None,
                                             now=PAST_LAST_DAY)
    assert result["summary"] == ["1 réservation(s) expirée(s).",
                                 "1 réservation(s) gardée(s) : formation en cours."]
    assert other_reservation.status == "expired" and reservation.status == "active"
    db.session.commit()
    later = datetime.combine(reservation.expires_on + timedelta(days=1), time(12))
    monkeypatch.setattr(cli, "utcnow", lambda: later)
    output = app.test_cli_runner().invoke(args=["allocations", "expire-reservations"]).output
    assert f"1 réservation(s) gardée(s), formation en cours : n° {reservation.id}." in output
    assert len(db.session.scalars(select(ReservationExtension)).all()) == 2


def test_extending_keeps_who_when_and_why(db):
    worker = make_user("social_worker")
    _family, _device, reservation = reserved_family()
    when = NOW + timedelta(days=3)
    reservations.extend_reservation(reservation, date(2026, 4, 10), "Dernière séance le 7 avril",
                                    actor_id=worker.id, now=when)
    row = db.session.scalars(select(ReservationExtension)).one()
    assert (row.actor_id, row.occurred_at, row.reason) == (worker.id, when,
                                                          "Dernière séance le 7 avril")
    assert (row.previous_expires_on, reservation.expires_on) == (date(2026, 3, 16),
                                                                 date(2026, 4, 10))
    with pytest.raises(InvalidInput, match="pourquoi"):
        reservations.extend_reservation(reservation, date(2026, 5, 1), "  ", actor_id=None,
                                        now=when)
    with pytest.raises(InvalidInput, match="après le 10/04/2026"):
        reservations.extend_reservation(reservation, date(2026, 4, 1), "Plus tôt",
                                        actor_id=None, now=when)
    reservations.cancel_reservation(reservation, reason="Déménagement", actor_id=None, now=when)
    with pytest.raises(IllegalTransition, match="n'est plus en cours"):
        reservations.extend_reservation(reservation, date(2026, 6, 1), "Trop tard",
                                        actor_id=None, now=when)


@pytest.mark.usefixtures("clock")
def test_reservation_page_shows_progress_and_waits_for_the_training(db, client, login_as):
    set_policy(min_training_sessions=5)
    worker = login_as("social_worker")
    family, _device, reservation = reserved_family()
    training(family, attended=2)
    db.session.commit()
    url = f"/allocations/reservations/{reservation.id}"
    html = client.get(url).get_data(as_text=True)
    assert f"Prise en main {family.id} : 2 séance(s) suivie(s) sur 5" in html
    assert "Formation : 2 séance(s) suivie(s) sur 5 exigée(s), il en manque 3." in html
    assert 'disabled aria-describedby="handover-why"' in html
    assert "Remise impossible tant que la formation n’est pas terminée." in html
    assert "2 / 5 séances" in client.get("/allocations/reservations").get_data(as_text=True)

    response = client.post(f"{url}/extend", data={"new_expires_on": "2026-04-14",
                                                  "reason": "Formation jusqu'au 31 mars"})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Formation jusqu&#39;au 31 mars" in html and worker.display_name in html
    assert reservation.expires_on == date(2026, 4, 14)

    refused = client.post(f"{url}/extend", data={"new_expires_on": "2026-04-01", "reason": "x"})
    assert refused.status_code == 400
    assert "La nouvelle date de fin doit être après le 14/04/2026" in refused.get_data(
        as_text=True)


@pytest.mark.usefixtures("no_training", "clock")
def test_handover_button_is_active_without_training_requirement(db, client, login_as):
    login_as("social_worker")
    _family, _device, reservation = reserved_family()
    db.session.commit()
    html = client.get(f"/allocations/reservations/{reservation.id}").get_data(as_text=True)
    assert "handover-why" not in html


@pytest.mark.usefixtures("clock")
def test_only_social_workers_and_admins_extend(app, db):
    _family, _device, reservation = reserved_family()
    db.session.commit()
    results = status_for_roles(app, f"/allocations/reservations/{reservation.id}/extend",
                               method="POST",
                               data={"new_expires_on": "2026-04-14", "reason": "Formation"})
    # The admin extends; the social worker reaches the service, which refuses the same date.
    assert results == {"admin": 302, "social_worker": 400, "technician": 403, "donor": 403,
                       "anonymous": 302}
