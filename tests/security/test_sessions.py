"""Item 4: sessions the server can end — Secure cookie in production, a per-account session
generation checked on every request (logout, password change, role change, deactivation end
every copy of the cookie), and an idle timeout per role."""

from __future__ import annotations

import pytest

from refurb import create_app
from refurb.extensions import db as database
from tests.factories import PASSWORD, make_user


def sign_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding the very same cookie (stolen, or kept from before)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


# -- Secure cookie ------------------------------------------------------------------------
def test_production_cookie_is_secure_from_the_environment(monkeypatch, tmp_path, _db_location):
    """The deployment of the README: REFURB_ENV_NAME=production, nothing else about cookies."""
    monkeypatch.setenv("REFURB_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("REFURB_ENV_NAME", "production")
    monkeypatch.setenv("REFURB_SECRET_KEY", "a-long-production-secret")
    monkeypatch.setenv("REFURB_DATABASE_URL", _db_location["uri"])
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with app.test_request_context("/", base_url="https://atelier.example"):
        from flask import session

        session["x"] = 1
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookie_security_can_be_set_explicitly(monkeypatch, tmp_path, _db_location):
    monkeypatch.setenv("REFURB_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("REFURB_DATABASE_URL", _db_location["uri"])
    assert create_app().config["SESSION_COOKIE_SECURE"] is False  # development
    monkeypatch.setenv("REFURB_ENV_NAME", "production")
    monkeypatch.setenv("REFURB_SECRET_KEY", "a-long-production-secret")
    monkeypatch.setenv("REFURB_SESSION_COOKIE_SECURE", "false")  # plain-HTTP intranet, chosen
    assert create_app().config["SESSION_COOKIE_SECURE"] is False


# -- generation ---------------------------------------------------------------------------
def test_a_cookie_captured_before_logout_no_longer_works(app, db):
    user = make_user("technician")
    db.session.commit()
    client = sign_in(app, user)
    thief = copy_of(app, client)
    assert signed_in(thief)  # the copy works while the session lives
    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(thief)
    assert thief.get("/devices").status_code == 302  # to the login page


def test_logout_ends_the_sessions_on_other_computers_too(app, db):
    user = make_user("social_worker")
    db.session.commit()
    office, home = sign_in(app, user), sign_in(app, user)
    home.post("/logout")
    assert not signed_in(office)


def test_password_change_ends_every_other_session(app, db):
    user = make_user("technician")
    db.session.commit()
    client = sign_in(app, user)
    thief = copy_of(app, client)
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": "un-nouveau-mot-de-passe", "confirm": "un-nouveau-mot-de-passe"})
    assert response.status_code == 302
    assert signed_in(client)  # who changed it stays signed in
    assert not signed_in(thief)


@pytest.mark.parametrize("change", [{"role": "social_worker", "active": "y"},
                                    {"role": "technician"}])  # no "active": deactivated
def test_role_change_or_deactivation_ends_the_sessions_of_that_account(app, db, change):
    user = make_user("technician")
    admin = make_user("admin")
    db.session.commit()
    victim, administrator = sign_in(app, user), sign_in(app, admin)
    response = administrator.post(f"/admin/users/{user.id}", data={
        "display_name": "Tech", "donor_organisation_id": "0", **change})
    assert response.status_code == 302
    assert not signed_in(victim)
    assert signed_in(administrator)


def test_a_name_change_keeps_the_sessions(app, db):
    user = make_user("technician")
    admin = make_user("admin")
    db.session.commit()
    victim, administrator = sign_in(app, user), sign_in(app, admin)
    administrator.post(f"/admin/users/{user.id}", data={
        "display_name": "Nouveau nom", "role": "technician", "active": "y",
        "donor_organisation_id": "0"})
    assert signed_in(victim)


def test_generation_is_counted_in_the_database(app, db):
    from refurb.accounts import services

    user = make_user("technician")
    db.session.commit()
    assert user.session_generation == 0
    assert services.end_sessions(user) == 1 and services.end_sessions(user) == 2
    db.session.commit()
    database.session.expire_all()
    assert user.session_generation == 2


# -- idle timeout -------------------------------------------------------------------------
@pytest.mark.parametrize(("role", "limit_hours"), [("technician", 8), ("admin", 8),
                                                    ("donor", 1)])
def test_idle_sessions_expire_per_role(app, db, monkeypatch, role, limit_hours):
    from refurb.accounts import sessions

    now = [1_800_000_000.0]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    user = make_user(role)
    db.session.commit()
    client = sign_in(app, user)
    now[0] += limit_hours * 3600 - 60
    assert signed_in(client)  # active just in time: the idle clock restarts
    now[0] += limit_hours * 3600 - 60
    assert signed_in(client)
    now[0] += limit_hours * 3600 + 1
    response = client.get("/account/password")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Votre session a expiré après une période d’inactivité" in page


def test_idle_limits_are_settings(_db_location, db, monkeypatch):
    from refurb.accounts import sessions
    from tests.conftest import make_app

    app = make_app(_db_location, IDLE_TIMEOUT_STAFF_MINUTES=30)
    now = [1_800_000_000.0]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    user = make_user("technician")
    db.session.commit()
    email = user.email
    db.session.close()  # SQLite: this session would hold the write lock the other app needs
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    now[0] += 29 * 60
    assert signed_in(client)
    now[0] += 31 * 60
    assert not signed_in(client)
