"""Training services: programmes, sessions, enrolments, attendance, and the API other
domains use (sessions_attended, training_summary, hours_delivered_for_beneficiaries)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from refurb.beneficiaries import services as beneficiaries
from refurb.core.errors import DomainError, IllegalTransition, InvalidInput
from refurb.training import enrolments, programmes, progress, queries, sessions
from refurb.training.models import Attendance, Validation
from tests.training.helpers import (
    FUTURE,
    NOW,
    PAST,
    enrol,
    make_participant,
    make_programme,
    make_session,
    mark,
)


def test_programme_titles_are_unique_whatever_the_case(db):
    make_programme("Ateliers parents — 6 séances", planned=6)
    with pytest.raises(InvalidInput, match="s'appelle déjà"):
        make_programme("ateliers PARENTS — 6 séances")


@pytest.mark.parametrize(("planned", "hours", "message"), [
    (0, "2", "entre 1 et 100"), (101, "2", "entre 1 et 100"), (5, "0", "entre 0 et 12"),
    (5, "13", "entre 0 et 12")])
def test_programme_figures_are_checked(db, planned, hours, message):
    with pytest.raises(InvalidInput, match=message):
        make_programme(planned=planned, hours=hours)


def test_unknown_pix_code_is_refused(db):
    with pytest.raises(InvalidInput, match="Compétence Pix inconnue"):
        make_programme(codes=("1.1", "9.9"))


def test_session_needs_a_trainer_and_sane_times(db):
    programme = make_programme()
    with pytest.raises(InvalidInput, match="Indiquez le formateur"):
        make_session(programme, trainer_name="  ")
    with pytest.raises(InvalidInput, match="fin doit être après"):
        make_session(programme, start="16:00", end="14:00")


def test_a_donor_account_cannot_be_named_trainer(db, make_user):
    programme = make_programme()
    donor = make_user("donor")
    with pytest.raises(InvalidInput, match="membre actif"):
        make_session(programme, trainer_id=donor.id)
    technician = make_user("technician", display_name="Marc Technicien")
    session = make_session(programme, trainer_id=technician.id)
    assert sessions.trainer_label(session) == "Marc Technicien"


def test_enrolment_rules(db):
    programme = make_programme()
    person = make_participant()
    enrolment = enrol(programme, person, group="mardi")
    with pytest.raises(InvalidInput, match="déjà inscrit"):
        enrol(programme, person)
    enrolments.withdraw(enrolment, actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="déjà arrêtée"):
        enrolments.withdraw(enrolment, actor_id=None, now=NOW)
    again = enrol(programme, person, group="jeudi")
    assert again.id == enrolment.id and again.withdrawn_on is None and again.group_name == "jeudi"


def test_no_enrolment_in_an_archived_programme_or_for_an_anonymised_file(db):
    archived = make_programme(active=False)
    with pytest.raises(IllegalTransition, match="n'est plus proposée"):
        enrol(archived, make_participant())
    person = make_participant()
    beneficiaries.anonymise(person, actor_id=None, now=NOW)
    with pytest.raises(IllegalTransition, match="anonymisé"):
        enrol(make_programme(), person)


def test_unknown_pseudonym_is_a_french_error(db):
    programme = make_programme()
    with pytest.raises(InvalidInput, match="Aucun dossier"):
        enrolments.enrol_by_pseudonym(programme.id, "BEN-9999", actor_id=None, now=NOW)


def test_attendance_is_refused_before_the_session(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)
    session = make_session(programme, on=FUTURE)
    with pytest.raises(IllegalTransition, match="n'a pas encore eu lieu"):
        mark(session, person, afternoon="present")


def test_a_half_day_the_session_does_not_cover_cannot_be_marked(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)
    session = make_session(programme, start="14:00", end="16:00")
    with pytest.raises(InvalidInput, match="pas de demi-journée « Matin »"):
        mark(session, person, morning="present")


def test_validation_needs_presence_and_a_competence_of_the_session(db):
    programme = make_programme(codes=("4.1", "5.1"))
    person = make_participant()
    enrol(programme, person)
    session = make_session(programme, codes=("4.1",))
    with pytest.raises(InvalidInput, match="qu'en étant présent"):
        mark(session, person, afternoon="absent", levels={"4.1": 2})
    with pytest.raises(InvalidInput, match="5.1 n'est pas travaillée"):
        mark(session, person, afternoon="present", levels={"5.1": 2})
    with pytest.raises(InvalidInput, match="Niveau Pix invalide"):
        mark(session, person, afternoon="present", levels={"4.1": 9})


def test_only_participants_of_the_session_can_be_marked(db):
    programme = make_programme()
    outsider = make_participant()
    session = make_session(programme)
    with pytest.raises(InvalidInput, match="aucun participant inscrit"):
        mark(session, outsider, afternoon="present")


def test_group_sessions_list_only_their_group(db):
    programme = make_programme()
    tuesday, thursday = make_participant(), make_participant()
    enrol(programme, tuesday, group="mardi")
    enrol(programme, thursday, group="jeudi")
    session = make_session(programme, group="mardi")
    assert [e.beneficiary_id for e in queries.participants(session)] == [tuesday.id]
    with pytest.raises(InvalidInput):
        mark(session, thursday, afternoon="present")


def test_marks_are_updated_and_blanks_clear_them(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)
    session = make_session(programme)
    mark(session, person, afternoon="present", levels={"4.1": 2})
    mark(session, person, afternoon="excused", levels={"4.1": None})
    rows = db.session.scalars(select(Attendance)).all()
    assert [(r.half_day, r.presence) for r in rows] == [("afternoon", "excused")]
    assert db.session.scalars(select(Validation)).all() == []
    mark(session, person, afternoon=None)
    assert db.session.scalars(select(Attendance)).all() == []


def test_attending_restarts_the_retention_period(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)  # a contact too
    assert person.last_contact_at == NOW
    person.last_contact_at = datetime(2025, 1, 1)  # as if enrolled long ago
    session = make_session(programme, on=PAST, start="14:00", end="16:00")
    mark(session, person, afternoon="absent")
    assert person.last_contact_at == datetime(2025, 1, 1)
    mark(session, person, afternoon="present")
    # The contact is the end of the session, not the moment the sheet was typed.
    assert person.last_contact_at == datetime.combine(PAST, time(16, 0))


def test_changing_times_under_recorded_marks_is_refused(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)
    session = make_session(programme, start="09:00", end="17:00", pause=60)
    mark(session, person, morning="present", afternoon="present")
    values = sessions.SessionValues(
        programme_id=programme.id, session_date=PAST, start_time=session.start_time,
        end_time=session.end_time.replace(hour=11), trainer_name="Claire Formatrice",
        competences=frozenset(programme.competence_codes))
    with pytest.raises(IllegalTransition, match="ne couvrent plus"):
        sessions.update_session(session, values, actor_id=None, now=NOW)


def test_feris_scenario_summary_and_api(db):
    """Five 2-hour sessions; one full day; partial presence and an excused absence."""
    programme = make_programme(planned=5, codes=("1.1", "4.1", "5.1"))
    anna, bruno = make_participant(), make_participant()
    for person in (anna, bruno):
        enrol(programme, person)
    sessions = [make_session(programme, on=PAST - timedelta(days=7 * i), codes=("4.1",))
                for i in range(4)]
    full_day = make_session(programme, on=PAST + timedelta(days=1), start="09:00",
                            end="17:00", pause=60, codes=("1.1", "5.1"))
    for s in sessions[:3]:
        mark(s, anna, afternoon="present")
    mark(sessions[3], anna, afternoon="excused")
    mark(full_day, anna, morning="present", afternoon="absent", levels={"5.1": 3})
    mark(sessions[0], bruno, afternoon="present", levels={"4.1": 1})
    mark(sessions[1], bruno, afternoon="present", levels={"4.1": 2})

    assert progress.sessions_attended(anna.id) == 4
    assert progress.sessions_attended(bruno.id) == 2
    # Anna: 3 × 2 h + the morning of the full day (3 h) = 9 h; Bruno: 4 h.
    assert progress.hours_delivered_for_beneficiaries([anna.id]) == Decimal("9.00")
    assert progress.hours_delivered_for_beneficiaries([anna.id, bruno.id]) == Decimal("13.00")
    assert progress.hours_delivered_for_beneficiaries([]) == Decimal("0.00")

    summary = progress.training_summary(anna.id)
    (line,) = summary.programmes
    assert (line.attended, line.excused, line.absent, line.missing) == (4, 1, 0, 1)
    assert line.hours == Decimal("9.00") and line.planned_hours == Decimal("10.00")
    assert not line.complete and not summary.complete
    assert summary.sessions_attended == 4 and summary.sessions_planned == 5
    assert summary.hours_attended == Decimal("9.00")
    assert summary.last_session_on == PAST + timedelta(days=1)
    assert [c.code for c in summary.competences_worked] == ["1.1", "4.1", "5.1"]
    assert [(c.code, c.level) for c in summary.competences_validated] == [("5.1", 3)]
    bruno_summary = progress.training_summary(bruno.id)
    assert [(c.code, c.level) for c in bruno_summary.competences_validated] == [("4.1", 2)]

    extra = make_session(programme, on=PAST + timedelta(days=2))
    mark(extra, anna, afternoon="present")
    assert progress.training_summary(anna.id).complete


def test_summary_of_someone_never_enrolled(db):
    summary = progress.training_summary(make_participant().id)
    assert not summary.enrolled and not summary.complete
    assert summary.sessions_attended == 0 and summary.hours_attended == Decimal("0.00")


def test_hours_delivered_handles_more_ids_than_one_query_takes(db):
    programme = make_programme()
    person = make_participant()
    enrol(programme, person)
    mark(make_session(programme), person, afternoon="present")
    ids = [*range(100000, 101200), person.id]
    assert progress.hours_delivered_for_beneficiaries(ids) == Decimal("2.00")


def test_domain_errors_are_french(db):
    with pytest.raises(DomainError) as caught:
        programmes.create_programme(
            programmes.ProgrammeValues(title=" ", planned_sessions=5, hours_per_session=Decimal(2)),
            actor_id=None, now=NOW)
    assert "obligatoire" in caught.value.message
