"""Item 5: sign-in throttling that cannot lock a real user out — back-off per (account,
client address), a ceiling per address, the same answer for unknown accounts, and every
attempt in a log the admins read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.access import assert_only
from tests.conftest import make_app
from tests.factories import PASSWORD, make_user

STRANGER, OWNER = "203.0.113.5", "198.51.100.7"


def attempt(client, email, password, address=STRANGER, agent="Firefox"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address},
                       headers={"User-Agent": agent})


@pytest.fixture
def clock(monkeypatch):
    import refurb.web

    now = [refurb.web.utcnow()]
    monkeypatch.setattr(refurb.web, "utcnow", lambda: now[0])
    return now


def test_a_stranger_cannot_lock_the_owner_out(app, db, clock):
    tech = make_user("technician")
    db.session.commit()
    for _ in range(30):
        attempt(app.test_client(), tech.email, "devine-devine")
    assert attempt(app.test_client(), tech.email, "devine-devine").status_code == 429
    # The owner, from the workshop's own address, signs in at once.
    assert attempt(app.test_client(), tech.email, PASSWORD, address=OWNER).status_code == 302


def test_wait_doubles_with_each_failure_then_caps(app, db, clock):
    tech = make_user("technician")
    db.session.commit()
    client = app.test_client()
    for _ in range(5):  # five free tries
        assert attempt(client, tech.email, "faux").status_code == 401
    waits = []
    for _ in range(9):
        refused = attempt(client, tech.email, PASSWORD)
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        clock[0] += timedelta(seconds=wait)
        assert attempt(client, tech.email, "encore-faux").status_code == 401
    assert waits == [15, 30, 60, 120, 240, 480, 900, 900, 900]
    clock[0] += timedelta(minutes=15)
    assert attempt(client, tech.email, PASSWORD).status_code == 302
    # A success clears the slate for that client.
    client.post("/logout")
    for _ in range(5):
        assert attempt(client, tech.email, "faux").status_code == 401


def test_an_address_trying_many_accounts_is_held_back(_db_location, db, clock):
    app = make_app(_db_location, LOGIN_ADDRESS_MAX_FAILURES=8, LOGIN_ADDRESS_WINDOW_MINUTES=10)
    tech = make_user("technician")
    db.session.commit()
    email = tech.email
    db.session.close()  # SQLite: the other app writes the log
    for n in range(8):  # a different account each time: never the per-account back-off
        assert attempt(app.test_client(), f"inconnu{n}@atelier.example", "x").status_code == 401
    held = attempt(app.test_client(), email, PASSWORD)
    assert held.status_code == 429 and held.headers["Retry-After"] == "600"
    assert attempt(app.test_client(), email, PASSWORD, address=OWNER).status_code == 302
    clock[0] += timedelta(minutes=10, seconds=1)  # the failures leave the window
    assert attempt(app.test_client(), email, PASSWORD).status_code == 302


def _visible(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<main id="main">')[1]


def test_unknown_accounts_get_the_same_answers(app, db, clock):
    tech = make_user("technician")
    db.session.commit()
    known = [attempt(app.test_client(), tech.email, "faux") for _ in range(6)]
    unknown = [attempt(app.test_client(), "personne@atelier.example", "faux") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    for k, u in zip(known, unknown, strict=True):
        assert _visible(k).replace(tech.email, "@") == _visible(u).replace(
            "personne@atelier.example", "@")
        assert k.headers.get("Retry-After") == u.headers.get("Retry-After")


def test_the_password_hash_runs_for_unknown_and_disabled_accounts(app, db, monkeypatch):
    from refurb.accounts import services

    calls = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash",
                        lambda *args: calls.append(args[0]) or real(*args))
    tech = make_user("technician")
    off = make_user("technician")
    off.active = False
    db.session.commit()
    for email in (tech.email, "personne@atelier.example", off.email):
        calls.clear()
        attempt(app.test_client(), email, "faux")
        assert len(calls) == 1, email


def test_every_attempt_is_logged_without_the_typed_unknown_email(app, db, clock):
    tech = make_user("technician")
    db.session.commit()
    attempt(app.test_client(), tech.email, PASSWORD, agent="Mozilla/5.0 Poste atelier")
    attempt(app.test_client(), tech.email, "faux")
    attempt(app.test_client(), "mon-mot-de-passe@par-erreur.example", "x")
    for _ in range(5):
        attempt(app.test_client(), "mon-mot-de-passe@par-erreur.example", "x")
    from refurb.accounts.models import SignInAttempt

    rows = db.session.scalars(select(SignInAttempt).order_by(SignInAttempt.id)).all()
    assert [r.outcome for r in rows] == ["success", "failure"] + ["failure"] * 5 + ["throttled"]
    assert [r.user_id for r in rows[:2]] == [tech.id, tech.id]
    assert rows[2].user_id is None and rows[0].user_agent == "Mozilla/5.0 Poste atelier"
    assert {r.client_address for r in rows} == {STRANGER}
    assert all("par-erreur" not in (r.account_key + r.user_agent) for r in rows)

    client = app.test_client()
    admin = make_user("admin")
    db.session.commit()
    attempt(client, admin.email, PASSWORD, address=OWNER)
    page = client.get("/admin/sign-ins").get_data(as_text=True)
    assert tech.email in page and "compte inconnu" in page and "Mozilla/5.0 Poste atelier" in page
    assert "Refusée (trop de tentatives)" in page and "Connexion réussie" in page
    assert "par-erreur" not in page


def test_the_sign_in_log_is_paginated(app, db):
    tech = make_user("technician")
    db.session.commit()
    for _ in range(3):
        attempt(app.test_client(), tech.email, "faux", address=OWNER)
    client = app.test_client()
    admin = make_user("admin")
    db.session.commit()
    attempt(client, admin.email, PASSWORD)
    app.config["PAGE_SIZE"] = 2
    try:
        assert "Page 1 sur 2" in client.get("/admin/sign-ins").get_data(as_text=True)
        assert client.get("/admin/sign-ins?page=2").status_code == 200
        assert client.get("/admin/sign-ins?page=3").status_code == 404
    finally:
        app.config["PAGE_SIZE"] = 50


def test_only_admins_read_the_sign_in_log(app, db):
    assert_only(app, "/admin/sign-ins", {"admin"})


def test_ipv6_clients_are_throttled_by_their_64_network():
    from refurb.accounts.services import client_network

    assert client_network("2001:db8:1:2:aaaa::1") == client_network("2001:db8:1:2:bbbb::9")
    assert client_network("2001:db8:1:2::1") != client_network("2001:db8:1:3::1")
    assert client_network("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_network("192.0.2.7") == "192.0.2.7"


def test_the_address_behind_a_trusted_proxy_is_the_forwarded_one(_db_location, db):
    behind_proxy = make_app(_db_location, TRUSTED_PROXIES=1)
    tech = make_user("technician")
    db.session.commit()
    email = tech.email
    db.session.close()
    behind_proxy.test_client().post("/login", data={"email": email, "password": "x"},
                                    headers={"X-Forwarded-For": STRANGER},
                                    environ_base={"REMOTE_ADDR": "127.0.0.1"})
    # Without a proxy configured, X-Forwarded-For is anyone's to forge: it is ignored.
    make_app(_db_location).test_client().post(
        "/login", data={"email": email, "password": "x"},
        headers={"X-Forwarded-For": OWNER}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    from refurb.accounts.models import SignInAttempt

    addresses = db.session.scalars(select(SignInAttempt.client_address)
                                   .order_by(SignInAttempt.id)).all()
    assert addresses == [STRANGER, "192.0.2.1"]
