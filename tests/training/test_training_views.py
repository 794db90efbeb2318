"""Training pages: forms (typed values kept when refused, never a 500), attendance marking,
enrolment, who may open what, and bounded query counts on the list pages."""

import re
from datetime import timedelta

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession, Validation
from refurb.training.views.panel import beneficiary_panel
from tests.access import assert_only
from tests.querycount import count_queries
from tests.training.helpers import (
    FUTURE,
    NAMES,
    PAST,
    enrol,
    make_participant,
    make_programme,
    make_session,
    mark,
)

SOCIAL = ("admin", "social_worker")


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- programmes ---------------------------------------------------------------------------


def test_create_a_programme_through_the_form(db, client, login_as):
    login_as("social_worker")
    response = client.post("/training/programmes/new", data={
        "title": "Prise en main — 5 séances de 2 h", "description": "Les bases.",
        "planned_sessions": "5", "hours_per_session": "1,5", "competences": ["4.1", "1.1"],
        "active": "y"})
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme))
    assert programme.hours_per_session == 1.5 and programme.competence_codes == ["1.1", "4.1"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Prise en main — 5 séances de 2 h" in page and "1 h 30" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"planned_sessions": "cinq"}, "N&#39;est pas un entier valide."),
    ({"hours_per_session": "deux heures"}, "Durée invalide"),
    ({"title": ""}, "Intitulé requis."),
    ({"competences": ["9.9"]}, "n&#39;est pas un choix valide"),
])
def test_a_refused_programme_form_keeps_what_was_typed(db, client, login_as, changes, message):
    login_as("admin")
    data = {"title": "Ateliers parents", "description": "Six ateliers gratuits",
            "planned_sessions": "6", "hours_per_session": "2", **changes}
    response = client.post("/training/programmes/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "Six ateliers gratuits" in html
    if data["title"]:
        assert 'value="Ateliers parents"' in html
    assert _count(db, Programme) == 0


def test_a_duplicate_title_is_a_flash_not_a_500(db, client, login_as):
    make_programme("Ateliers parents")
    db.session.commit()
    login_as("admin")
    response = client.post("/training/programmes/new", data={
        "title": "Ateliers parents", "planned_sessions": "6", "hours_per_session": "2"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "s&#39;appelle déjà" in html
    assert 'value="6"' in html


def test_edit_a_programme(db, client, login_as):
    programme = make_programme()
    db.session.commit()
    login_as("social_worker")
    form = client.get(f"/training/programmes/{programme.id}/edit").get_data(as_text=True)
    checked = set(re.findall(r'<input checked[^>]*value="([\d.]+)"', form))
    assert checked == {"1.1", "4.1", "5.1"}
    response = client.post(f"/training/programmes/{programme.id}/edit", data={
        "title": "Prise en main", "planned_sessions": "6", "hours_per_session": "2",
        "competences": ["5.2"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert programme.planned_sessions == 6 and programme.competence_codes == ["5.2"]
    assert programme.active is False  # the box was not ticked


# --- sessions -----------------------------------------------------------------------------


def _session_form(programme, **changes):
    return {"programme_id": str(programme.id), "session_date": PAST.isoformat(),
            "start_time": "14:00", "end_time": "16:00", "break_minutes": "0",
            "place": "Médiathèque", "trainer_id": "", "trainer_name": "Paul Intervenant",
            "topics": "Module 2 : le courriel", "competences": ["2.1"], **changes}


def test_create_a_session_through_the_form(db, client, login_as):
    programme = make_programme()
    db.session.commit()
    worker = login_as("social_worker")
    new = client.get(f"/training/sessions/new?programme={programme.id}").get_data(as_text=True)
    assert f'<option selected value="{programme.id}">' in new
    assert len(re.findall(r'<input checked[^>]*name="competences"', new)) == 3  # the programme's
    response = client.post("/training/sessions/new", data=_session_form(
        programme, trainer_id=str(worker.id), trainer_name="ignored"))
    assert response.status_code == 302
    session = db.session.scalar(select(TrainingSession))
    assert session.trainer_id == worker.id and session.trainer_name == ""
    assert session.competence_codes == ["2.1"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Module 2 : le courriel" in page and worker.display_name in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"end_time": "13:00"}, "L&#39;heure de fin doit être après"),
    ({"trainer_name": ""}, "Indiquez le formateur"),
    ({"break_minutes": "500"}, "Le nombre doit être compris entre 0 et 240."),
    ({"session_date": "32/13/2026"}, "N&#39;est pas une date valide."),
    ({"start_time": "quatorze"}, "N&#39;est pas un horaire valide."),
    ({"programme_id": ""}, "Formation requise."),
    ({"programme_id": "999999"}, "N&#39;est pas un choix valide."),
])
def test_a_refused_session_form_keeps_what_was_typed(db, client, login_as, changes, message):
    programme = make_programme()
    db.session.commit()
    login_as("admin")
    response = client.post("/training/sessions/new", data=_session_form(programme, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Module 2 : le courriel" in html and 'value="Médiathèque"' in html
    assert _count(db, TrainingSession) == 0


# --- enrolment ----------------------------------------------------------------------------


def test_enrol_by_file_number(db, client, login_as):
    programme = make_programme()
    person = make_participant()
    db.session.commit()
    login_as("social_worker")
    form = client.get(f"/training/enrol?programme={programme.id}&pseudonym={person.pseudonym}")
    assert f'value="{person.pseudonym}"' in form.get_data(as_text=True)
    response = client.post("/training/enrol", data={
        "programme_id": str(programme.id), "pseudonym": person.pseudonym.lower(),
        "group_name": "groupe du mardi"})
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.beneficiary_id == person.id and enrolment.group_name == "groupe du mardi"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert person.last_name.upper() in page


def test_a_refused_enrolment_keeps_what_was_typed(db, client, login_as):
    programme = make_programme()
    db.session.commit()
    login_as("admin")
    response = client.post("/training/enrol", data={
        "programme_id": str(programme.id), "pseudonym": "BEN-9999", "group_name": "jeudi"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Aucun dossier ne porte le numéro" in html
    assert 'value="BEN-9999"' in html and 'value="jeudi"' in html
    assert f'<option selected value="{programme.id}">' in html
    assert _count(db, Enrolment) == 0


def test_withdraw_an_enrolment(db, client, login_as):
    programme = make_programme()
    enrolment = enrol(programme, make_participant())
    db.session.commit()
    login_as("social_worker")
    response = client.post(f"/training/enrolments/{enrolment.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert enrolment.withdrawn_on is not None
    again = client.post(f"/training/enrolments/{enrolment.id}/withdraw", follow_redirects=True)
    assert "déjà arrêtée" in again.get_data(as_text=True)


# --- attendance ---------------------------------------------------------------------------


def _sheet_setup(db, *, start="09:00", end="17:00", on=PAST, people=2):
    programme = make_programme(codes=("4.1", "5.1"))
    participants = [make_participant() for _ in range(people)]
    for person in participants:
        enrol(programme, person)
    session = make_session(programme, on=on, start=start, end=end, pause=60)
    db.session.commit()
    return session, participants


def _rows(participants, values):
    data = {}
    for i, (person, row) in enumerate(zip(participants, values, strict=True)):
        data[f"rows-{i}-beneficiary_id"] = str(person.id)
        data.update({f"rows-{i}-{k}": v for k, v in row.items()})
    return data


def test_mark_attendance_through_the_sheet(db, client, login_as):
    session, (anna, bruno) = _sheet_setup(db)
    login_as("social_worker")
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert 'name="rows-0-morning"' in page and 'name="rows-0-afternoon"' in page
    assert 'name="rows-0-level_4_1"' in page
    response = client.post(f"/training/sessions/{session.id}/attendance", data=_rows(
        [anna, bruno],
        [{"morning": "present", "afternoon": "present", "level_4_1": "2"},
         {"morning": "present", "afternoon": "excused"}]))
    assert response.status_code == 302
    marks = {(a.beneficiary_id, a.half_day): a.presence
             for a in db.session.scalars(select(Attendance))}
    assert marks == {(anna.id, "morning"): "present", (anna.id, "afternoon"): "present",
                     (bruno.id, "morning"): "present", (bruno.id, "afternoon"): "excused"}
    (validation,) = db.session.scalars(select(Validation)).all()
    assert (validation.beneficiary_id, validation.code, validation.level) == (anna.id, "4.1", 2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Présences enregistrées : 2 présent(s)." in page
    assert re.search(r'<option selected value="excused">|<option value="excused" selected', page)


def test_an_afternoon_session_has_no_morning_column(db, client, login_as):
    session, people = _sheet_setup(db, start="14:00", end="16:00", people=1)
    login_as("admin")
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert 'name="rows-0-afternoon"' in page and 'name="rows-0-morning"' not in page


def test_a_refused_sheet_keeps_what_was_typed(db, client, login_as):
    session, (anna, bruno) = _sheet_setup(db)
    login_as("social_worker")
    response = client.post(f"/training/sessions/{session.id}/attendance", data=_rows(
        [anna, bruno],
        [{"morning": "present", "afternoon": "absent"},
         {"morning": "absent", "afternoon": "absent", "level_5_1": "3"}]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "une compétence ne se valide qu&#39;en étant présent" in html
    assert bruno.last_name.upper() in html
    selected = re.findall(r'name="(rows-\d-\w+)">(?:(?!</select>).)*?<option selected value="(\w+)"',
                          html, re.S)
    assert ("rows-1-level_5_1", "3") in selected and ("rows-0-morning", "present") in selected
    assert _count(db, Attendance) == 0


def test_a_future_session_cannot_be_marked(db, client, login_as):
    session, (anna,) = _sheet_setup(db, on=FUTURE, people=1)
    login_as("admin")
    page = client.get(f"/training/sessions/{session.id}").get_data(as_text=True)
    assert "pas encore eu lieu" in page
    response = client.post(f"/training/sessions/{session.id}/attendance",
                           data=_rows([anna], [{"morning": "present"}]))
    assert response.status_code == 200 and "n&#39;a pas encore eu lieu" in response.get_data(
        as_text=True)
    assert _count(db, Attendance) == 0


@pytest.mark.parametrize("data", [
    {"rows-0-beneficiary_id": "x", "rows-0-morning": "present"},
    {"rows-0-beneficiary_id": "999999", "rows-0-morning": "present"},
    {"rows-0-beneficiary_id": "1", "rows-0-morning": "peut-être"},
    {"rows-0-beneficiary_id": "1", "rows-0-level_4_1": "12"},
    {},
])
def test_garbage_sheets_are_refused_never_a_500(db, client, login_as, data):
    session, _people = _sheet_setup(db, people=1)
    login_as("admin")
    response = client.post(f"/training/sessions/{session.id}/attendance", data=data)
    assert response.status_code in (200, 302)
    assert _count(db, Attendance) == 0


def test_unknown_ids_are_404(db, client, login_as):
    login_as("admin")
    for url in ("/training/programmes/999", "/training/programmes/999/edit",
                "/training/sessions/999", "/training/sessions/999/edit",
                "/training/sessions/999/sheet.pdf"):
        assert client.get(url).status_code == 404, url
    for url in ("/training/enrolments/999/withdraw", "/training/enrolments/999/certificate",
                "/training/sessions/999/attendance"):
        assert client.post(url).status_code == 404, url


def test_sheet_pdf_download(db, client, login_as):
    session, (anna,) = _sheet_setup(db, people=1)
    login_as("social_worker")
    response = client.get(f"/training/sessions/{session.id}/sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"


# --- who may open what --------------------------------------------------------------------


def _everything(db):
    programme = make_programme()
    person = make_participant(last_name=NAMES[0])
    enrolment = enrol(programme, person)
    session = make_session(programme)
    mark(session, person, afternoon="present")
    db.session.commit()
    return programme, session, enrolment, person


def _get_urls(programme, session):
    return ["/training/", "/training/sessions", "/training/sessions?when=past",
            "/training/programmes/new", "/training/enrol", "/training/sessions/new",
            f"/training/programmes/{programme.id}", f"/training/programmes/{programme.id}/edit",
            f"/training/sessions/{session.id}", f"/training/sessions/{session.id}/edit",
            f"/training/sessions/{session.id}/sheet.pdf"]


def test_only_social_workers_and_admins_open_training_pages(app, db):
    programme, session, enrolment, _person = _everything(db)
    for url in _get_urls(programme, session):
        assert_only(app, url, SOCIAL)
    for url in (f"/training/sessions/{session.id}/attendance", "/training/programmes/new",
                "/training/enrol", "/training/sessions/new",
                f"/training/enrolments/{enrolment.id}/certificate",
                f"/training/enrolments/{enrolment.id}/withdraw"):
        assert_only(app, url, SOCIAL, method="POST")


def test_no_page_a_technician_or_donor_can_open_names_a_participant(app, db):
    programme, session, _enrolment, person = _everything(db)
    from tests.factories import make_user

    for role in ("technician", "donor"):
        user = make_user(role)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = str(user.id)
        for url in _get_urls(programme, session):
            response = client.get(url)
            assert response.status_code in (403, 404), (role, url)
            body = response.get_data(as_text=True)
            assert person.last_name not in body and person.last_name.upper() not in body


def test_every_training_route_declares_social_roles(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("training."):
            roles = app.view_functions[rule.endpoint].allowed_roles
            assert roles == {"admin", "social_worker"}, rule.rule


# --- beneficiary panel --------------------------------------------------------------------


PANEL = '{% include "training/_beneficiary_panel.html" %}'


def _panel_as(app, db, role, beneficiary):
    from flask_login import login_user

    from tests.factories import make_user

    user = make_user(role)
    db.session.commit()
    with app.test_request_context("/"):
        login_user(user)
        return render_template_string(PANEL, beneficiary=beneficiary,
                                      panel=beneficiary_panel(beneficiary))


def test_panel_shows_training_to_social_workers(app, db):
    programme = make_programme("Prise en main — 5 séances de 2 h", codes=("4.1",))
    person = make_participant()
    enrol(programme, person)
    for i in range(2):
        mark(make_session(programme, on=PAST - timedelta(days=i)), person, afternoon="present",
             levels={"4.1": 1 + i})
    html = _panel_as(app, db, "social_worker", person)
    assert "Prise en main — 5 séances de 2 h" in html
    assert "2 séance(s) suivie(s) sur 5 prévue(s) · 4 h de formation" in html
    assert "2 / 5" in html and "4 h / 10 h" in html and "3 séance(s) restante(s)" in html
    assert "Sécuriser l" in html and "niveau 2" in html
    assert "Attestation (PDF)" in html


def test_panel_for_someone_never_enrolled(app, db):
    person = make_participant()
    html = _panel_as(app, db, "admin", person)
    assert "Aucune inscription à une formation." in html
    assert f"pseudonym={person.pseudonym}" in html


@pytest.mark.parametrize("role", ["technician", "donor"])
def test_panel_shows_nothing_to_other_roles(app, db, role):
    programme = make_programme("Ateliers parents")
    person = make_participant()
    enrol(programme, person)
    assert _panel_as(app, db, role, person).strip() == ""


# --- query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= 15, statements
    return len(statements)


def test_programme_list_query_count_is_bounded(db, client, login_as):
    login_as("admin")
    programme = make_programme()
    enrol(programme, make_participant())
    make_session(programme)
    db.session.commit()
    few = _queries(client, "/training/")
    for _ in range(8):
        other = make_programme()
        enrol(other, make_participant())
        make_session(other)
        make_session(other, on=FUTURE)
    db.session.commit()
    assert _queries(client, "/training/") == few


def test_session_list_query_count_is_bounded(db, client, login_as, make_user):
    login_as("admin")
    trainer = make_user("social_worker")
    programme = make_programme()
    enrol(programme, make_participant())
    make_session(programme, trainer_id=trainer.id)
    db.session.commit()
    few = _queries(client, "/training/sessions?when=all")
    for i in range(10):
        other = make_programme()
        person = make_participant()
        enrol(other, person)
        session = make_session(other, trainer_id=make_user("admin").id if i % 2 else None,
                               on=PAST - timedelta(days=i))
        mark(session, person, afternoon="present")
    db.session.commit()
    assert _queries(client, "/training/sessions?when=all") == few


def test_attendance_list_and_programme_page_query_counts_are_bounded(db, client, login_as):
    login_as("social_worker")
    programme = make_programme()
    session = make_session(programme)
    people = [make_participant() for _ in range(2)]
    for person in people:
        enrol(programme, person)
        mark(session, person, afternoon="present", levels={"4.1": 1})
    db.session.commit()
    few_session = _queries(client, f"/training/sessions/{session.id}")
    few_programme = _queries(client, f"/training/programmes/{programme.id}")
    for _ in range(10):
        person = make_participant()
        enrol(programme, person)
        mark(session, person, afternoon="absent")
    make_session(programme, on=PAST - timedelta(days=3))
    db.session.commit()
    assert _queries(client, f"/training/sessions/{session.id}") == few_session
    assert _queries(client, f"/training/programmes/{programme.id}") == few_programme
