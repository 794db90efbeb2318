from datetime import timedelta

import pytest

from tests.conftest import make_app
from tests.factories import PASSWORD, make_user


def login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_login_lands_staff_on_the_dashboard_and_donor_on_the_portal(client, db):
    tech = make_user("technician")
    donor = make_user("donor")
    db.session.commit()
    response = login(client, tech.email, PASSWORD)
    assert response.status_code == 302 and response.location == "/"
    client.post("/logout")
    response = login(client, donor.email.upper(), PASSWORD)  # e-mail is case-insensitive
    assert response.location == "/portal/"


def test_wrong_password_says_so_in_french_and_keeps_the_email(client, db):
    tech = make_user("technician")
    db.session.commit()
    response = login(client, tech.email, "mauvais-mot-de-passe")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in html
    assert f'value="{tech.email}"' in html


def test_five_failures_make_this_client_wait_before_the_next_try(client, db, monkeypatch):
    # The per-account 15-minute lockout is gone (anyone could lock a user out, issue 15): the
    # same client now waits 15 s, doubling per further failure (tests/security for the rest).
    import refurb.web

    tech = make_user("technician")
    db.session.commit()
    start = refurb.web.utcnow()
    monkeypatch.setattr(refurb.web, "utcnow", lambda: start)
    for _ in range(5):
        assert login(client, tech.email, "faux-mot-de-passe").status_code == 401
    locked = login(client, tech.email, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion depuis votre poste" in locked.get_data(as_text=True)
    assert "15 seconde(s)" in locked.get_data(as_text=True)
    monkeypatch.setattr(refurb.web, "utcnow", lambda: start + timedelta(seconds=14))
    assert login(client, tech.email, PASSWORD).status_code == 429
    monkeypatch.setattr(refurb.web, "utcnow", lambda: start + timedelta(seconds=15, microseconds=1))
    assert login(client, tech.email, PASSWORD).status_code == 302


def test_lockout_is_counted_in_the_database_across_workers(app, db, _db_location):
    """Two app instances (two workers) share the failure count."""
    email = make_user("technician").email
    db.session.commit()
    other_worker = make_app(_db_location)
    for index in range(5):
        worker = app if index % 2 else other_worker
        db.session.close()  # SQLite: the test's own open transaction would hold the write lock
        assert login(worker.test_client(), email, "nope-nope-nope").status_code == 401
    db.session.close()
    assert login(other_worker.test_client(), email, PASSWORD).status_code == 429


def test_a_success_resets_the_failure_count(client, db):
    tech = make_user("technician")
    db.session.commit()
    for _ in range(4):
        login(client, tech.email, "faux-mot-de-passe")
    assert login(client, tech.email, PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        login(client, tech.email, "faux-mot-de-passe")
    assert login(client, tech.email, PASSWORD).status_code == 302


def test_disabled_account_cannot_log_in(client, db):
    tech = make_user("technician")
    tech.active = False
    db.session.commit()
    assert login(client, tech.email, PASSWORD).status_code == 401


def test_logout_ends_the_session(client, db):
    tech = make_user("technician")
    db.session.commit()
    login(client, tech.email, PASSWORD)
    assert client.get("/devices").status_code == 200
    client.post("/logout")
    assert client.get("/devices").status_code == 302


def test_open_redirect_is_refused(client, db):
    tech = make_user("technician")
    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"email": tech.email,
                                                                  "password": PASSWORD})
    assert response.location == "/"


@pytest.fixture
def csrf_client(_db_location, db):
    return make_app(_db_location, WTF_CSRF_ENABLED=True).test_client()


def test_forms_without_csrf_token_are_refused(csrf_client, db):
    email = make_user("technician").email
    db.session.commit()
    db.session.close()
    response = csrf_client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    page = csrf_client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = csrf_client.post("/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
