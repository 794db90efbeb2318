"""A programme's sessions created in one form, one session moved (marks kept, people to tell),
several files enrolled at once (all or none, who was already enrolled said)."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.training import series_dates
from refurb.training import enrolments, series
from refurb.training.models import Attendance, Enrolment, TrainingSession
from tests.access import status_for_roles
from tests.beneficiaries.helpers import make_file, submit
from tests.training.helpers import (
    NOW,
    PAST,
    TODAY,
    enrol,
    make_participant,
    make_programme,
    make_session,
    mark,
)

TUESDAY = 1


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


# --- the series -----------------------------------------------------------------------------


def test_series_dates_are_weekly_and_skip_the_given_days():
    # 02/12/2026 is a Wednesday: the series starts the next Tuesday.
    days = series_dates(date(2026, 12, 2), TUESDAY, 5, [date(2026, 12, 22), date(2026, 12, 29)])
    assert days == [date(2026, 12, 8), date(2026, 12, 15), date(2027, 1, 5), date(2027, 1, 12),
                    date(2027, 1, 19)]
    with pytest.raises(InvalidInput, match="Date à sauter 23/12/2026 : ce n'est pas un des jours"):
        series_dates(date(2026, 12, 2), TUESDAY, 5, [date(2026, 12, 23)])
    with pytest.raises(InvalidInput, match="entre 1 et 100"):
        series_dates(date(2026, 12, 2), TUESDAY, 0)


def values(**changes) -> series.SeriesValues:
    base = {"first_date": date(2026, 12, 1), "weekday": TUESDAY, "start_time": time(14),
            "hours": Decimal("2"), "count": 5, "place": "Salle du CCAS",
            "trainer_name": "Claire Formatrice", "skip": frozenset({date(2026, 12, 22)})}
    base.update(changes)
    return series.SeriesValues(**base)


def test_one_call_creates_the_whole_series(db):
    programme = make_programme(codes=("1.1", "4.1"))
    created = series.create_series(programme, values(), actor_id=None, now=NOW)
    assert [s.session_date for s in created] == [date(2026, 12, 1), date(2026, 12, 8),
                                                 date(2026, 12, 15), date(2026, 12, 29),
                                                 date(2027, 1, 5)]
    assert {(s.start_time, s.end_time, s.place, s.trainer_name) for s in created} == {
        (time(14), time(16), "Salle du CCAS", "Claire Formatrice")}
    assert all(s.competence_codes == ["1.1", "4.1"] for s in created)


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"trainer_name": ""}, "Indiquez le formateur"),
    ({"start_time": time(23), "hours": Decimal("2")}, "finir le jour même"),
    ({"skip": frozenset({date(2026, 12, 2)})}, "Date à sauter 02/12/2026"),
])
def test_a_refused_series_creates_nothing(db, changes, fragment):
    programme = make_programme()
    with pytest.raises(InvalidInput, match=fragment):
        series.create_series(programme, values(**changes), actor_id=None, now=NOW)
    assert count(db, TrainingSession) == 0


def test_a_series_on_days_already_taken_is_refused(db):
    programme = make_programme()
    make_session(programme, on=date(2026, 12, 15))
    with pytest.raises(InvalidInput, match="déjà une séance le 15/12/2026"):
        series.create_series(programme, values(), actor_id=None, now=NOW)
    assert count(db, TrainingSession) == 1


def test_the_series_page_creates_the_sessions_in_one_form(db, client, login_as):
    login_as("social_worker")
    programme = make_programme()
    db.session.commit()
    url = f"/training/programmes/{programme.id}/series"
    page = client.get(url).get_data(as_text=True)
    assert 'value="5"' in page  # the programme's number of sessions, proposed
    form = {"first_date": "2026-12-01", "weekday": "1", "start_time": "09:30", "hours": "2",
            "count": "5", "skip": "22/12/2026", "place": "Médiathèque", "trainer_id": "",
            "trainer_name": "Intervenant Pix", "group_name": ""}
    refused = client.post(url, data={**form, "skip": "22/13/2026"})
    assert refused.status_code == 400
    assert "Date à sauter invalide : « 22/13/2026 »" in refused.get_data(as_text=True)
    assert "Médiathèque" in refused.get_data(as_text=True)  # what was typed stays
    response = client.post(url, data=form)
    assert response.status_code == 302
    dates = db.session.scalars(select(TrainingSession.session_date)
                               .order_by(TrainingSession.session_date)).all()
    assert dates == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15),
                     date(2026, 12, 29), date(2027, 1, 5)]
    html = client.get(f"/training/programmes/{programme.id}").get_data(as_text=True)
    assert "5 séance(s) créée(s), du 01/12/2026 au 05/01/2027." in html


# --- moving one session ---------------------------------------------------------------------


def test_moving_keeps_the_marks_and_lists_the_people_to_tell(db):
    programme = make_programme()
    session = make_session(programme, on=PAST)
    came, other, gone = make_participant(), make_participant(), make_participant()
    for person in (came, other, gone):
        enrol(programme, person)
    enrolments.withdraw(db.session.scalars(select(Enrolment).where(
        Enrolment.beneficiary_id == gone.id)).one(), actor_id=None, now=NOW)
    mark(session, came, afternoon="present")
    people = series.move_session(session, PAST - timedelta(days=1), time(14, 30), time(16, 30),
                                 actor_id=None, now=NOW)
    assert sorted(e.beneficiary_id for e in people) == sorted([came.id, other.id])
    assert (session.session_date, session.start_time) == (PAST - timedelta(days=1), time(14, 30))
    assert [(a.beneficiary_id, a.presence) for a in db.session.scalars(select(Attendance))] == [
        (came.id, "present")]
    # Marks taken cannot be carried into the future.
    with pytest.raises(IllegalTransition, match="déplacée dans le futur"):
        series.move_session(session, TODAY + timedelta(days=7), time(14), time(16),
                            actor_id=None, now=NOW)


def test_the_move_page_shows_who_to_tell(db, client, login_as):
    login_as("social_worker")
    programme = make_programme()
    session = make_session(programme, on=TODAY + timedelta(days=7))
    person = make_participant(phone="06 11 22 33 44")
    enrol(programme, person)
    db.session.commit()
    response = client.post(f"/training/sessions/{session.id}/move", data={
        "session_date": (TODAY + timedelta(days=9)).isoformat(), "start_time": "10:00",
        "end_time": "12:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 personne(s) à prévenir" in html
    assert person.display_name in html and "06 11 22 33 44" in html
    assert db.session.get(TrainingSession, session.id).start_time == time(10)
    same = client.post(f"/training/sessions/{session.id}/move", data={
        "session_date": (TODAY + timedelta(days=9)).isoformat(), "start_time": "10:00",
        "end_time": "12:00"})
    assert same.status_code == 400
    assert "La séance a déjà lieu à cette date et à ces horaires." in same.get_data(as_text=True)


# --- enrolling many -------------------------------------------------------------------------


def test_enrol_many_reports_who_was_already_enrolled(db):
    programme = make_programme()
    first, second, third = (make_participant() for _ in range(3))
    enrol(programme, second, group="mardi")
    report = enrolments.enrol_many(programme, [first.id, second.id, third.id, first.id],
                                   None, NOW, group_name=" jeudi ")
    assert [e.beneficiary_id for e in report.enrolled] == [first.id, third.id]
    assert report.already == [second]
    groups = dict(db.session.execute(select(Enrolment.beneficiary_id, Enrolment.group_name)).all())
    assert groups == {first.id: "jeudi", second.id: "mardi", third.id: "jeudi"}
    assert all(e.enrolled_on == TODAY for e in report.enrolled)


def test_enrol_many_is_all_or_nothing(db):
    programme = make_programme()
    fine, closed = make_participant(), make_participant()
    closed.status = "closed"
    db.session.commit()
    with pytest.raises(IllegalTransition) as refused:
        enrolments.enrol_many(programme, [fine.id, closed.id, 999999], None, NOW)
    assert refused.value.message == ("Aucune inscription enregistrée : 2 dossier(s) ne peuvent "
                                     "pas être inscrits.")
    assert [str(r) for r in refused.value.reasons] == [
        "1 dossier(s) introuvable(s).", f"Le dossier {closed.pseudonym} est clos."]
    db.session.rollback()
    assert count(db, Enrolment) == 0
    with pytest.raises(InvalidInput, match="Cochez au moins"):
        enrolments.enrol_many(programme, [], None, NOW)


def test_the_enrol_many_page_lists_waiting_and_approved_files(db, client, login_as):
    worker = login_as("social_worker")
    programme = make_programme()
    waiting = make_file(last_name="Attentiste", actor_id=worker.id)
    submit(waiting)
    from refurb.beneficiaries import workflow

    workflow.decide(waiting, "waiting", actor_id=worker.id, now=NOW)
    approved = make_file(last_name="Validée")
    submit(approved)
    workflow.decide(approved, "approved", actor_id=worker.id, now=NOW)
    draft = make_file(last_name="Brouillonne")
    enrol(programme, approved)
    db.session.commit()
    url = f"/training/programmes/{programme.id}/enrol-many"
    html = client.get(url).get_data(as_text=True)
    assert waiting.pseudonym in html and approved.pseudonym in html
    assert draft.pseudonym not in html
    assert "déjà inscrit(e)" in html
    response = client.post(url, data={"beneficiary_ids": [waiting.id, approved.id],
                                      "group_name": "samedi"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 inscription(s) enregistrée(s)." in html
    assert f"Déjà inscrit(s), laissé(s) tel(s) quel(s) : {approved.display_name}" in html
    assert count(db, Enrolment) == 2


def test_only_social_workers_and_admins_open_the_new_pages(app, db):
    programme = make_programme()
    session = make_session(programme, on=TODAY + timedelta(days=3))
    db.session.commit()
    for url in (f"/training/programmes/{programme.id}/series",
                f"/training/programmes/{programme.id}/enrol-many",
                f"/training/sessions/{session.id}/move"):
        results = status_for_roles(app, url)
        assert results == {"admin": 200, "social_worker": 200, "technician": 403,
                           "donor": 403, "anonymous": 302}, url
