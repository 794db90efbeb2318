"""Personal API tokens: made in the accounts area and shown once, stored hashed, narrowed by
their scopes and by their owner's role, dead the moment they are revoked."""

from __future__ import annotations

import re

from sqlalchemy import select

from refurb.accounts.api_tokens import ApiToken, hash_secret
from refurb.beneficiaries.models import AccessLogEntry
from tests.beneficiaries.helpers import LAST_NAME, make_file
from tests.factories import make_user


def _secret_in(html: str) -> str:
    found = re.search(r'<code class="token-secret">(rfb_[A-Za-z0-9_-]+)</code>', html)
    assert found, "the new token is shown on the page that created it"
    return found.group(1)


def test_a_token_is_shown_once_and_stored_hashed(client, db, login_as, call):
    user = login_as("technician")
    response = client.post("/account/tokens", data={"name": "Banc 1", "scopes": ["station"]})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret_in(response.get_data(as_text=True))

    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hash_secret(secret) and secret not in (stored.token_hash,
                                                                        stored.prefix)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Banc 1" in listing and stored.prefix in listing
    assert secret not in listing  # never again
    assert "<td>jamais</td>" in listing  # not used yet

    assert call("GET", "/api/v1/tokens", secret).status_code == 200
    db.session.expire_all()
    assert stored.last_used_at is not None
    assert "<td>jamais</td>" not in client.get("/account/tokens").get_data(as_text=True)


def test_only_admins_may_make_an_admin_token(client, db, login_as):
    login_as("technician")
    response = client.post("/account/tokens", data={"name": "Tout", "scopes": ["admin"]})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None


def test_a_revoked_token_is_refused_at_once(client, db, login_as, call):
    login_as("technician")
    secret = _secret_in(client.post("/account/tokens", data={
        "name": "Banc 2", "scopes": ["read"]}).get_data(as_text=True))
    assert call("GET", "/api/v1/devices", secret).status_code == 200

    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302

    response = call("GET", "/api/v1/devices", secret)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_token_may_revoke_itself_through_the_api(db, token, call):
    secret = token("technician", "station")
    mine = call("GET", "/api/v1/tokens", secret).get_json()
    assert [t["scopes"] for t in mine] == [["station"]]
    assert call("DELETE", f"/api/v1/tokens/{mine[0]['id']}", secret).status_code == 204
    assert call("GET", "/api/v1/tokens", secret).status_code == 401


def test_someone_elses_token_is_not_found_without_the_admin_scope(db, token, call):
    theirs = token("technician", "read")
    their_id = call("GET", "/api/v1/tokens", theirs).get_json()[0]["id"]
    mine = token("technician", "write")
    assert call("DELETE", f"/api/v1/tokens/{their_id}", mine).status_code == 404
    assert call("GET", "/api/v1/tokens", theirs).status_code == 200
    admin = token("admin", "admin")
    assert call("DELETE", f"/api/v1/tokens/{their_id}", admin).status_code == 204
    assert call("GET", "/api/v1/tokens", theirs).status_code == 401


def test_no_token_is_401_with_a_bearer_challenge(db, call):
    response = call("GET", "/api/v1/devices")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert call("GET", "/api/v1/devices", "rfb_not-a-real-token").status_code == 401


def test_a_disabled_account_takes_its_tokens_with_it(db, token, call):
    user = make_user(role="technician")
    secret = token(user=user)
    assert call("GET", "/api/v1/devices", secret).status_code == 200
    user.active = False
    db.session.commit()
    assert call("GET", "/api/v1/devices", secret).status_code == 401


def test_a_station_token_cannot_read_beneficiaries(db, token, call):
    beneficiary = make_file()
    db.session.commit()
    # Even held by an admin, whose role would open the files.
    secret = token("admin", "station")
    for url in ("/api/v1/beneficiaries", f"/api/v1/beneficiaries/{beneficiary.id}"):
        response = call("GET", url, secret)
        assert response.status_code == 403, url
        assert response.get_json()["code"] == "insufficient_scope"
        assert LAST_NAME not in response.get_data(as_text=True)
    assert db.session.scalar(select(AccessLogEntry)) is None


def test_a_technicians_read_token_cannot_read_beneficiaries_either(db, token, call):
    beneficiary = make_file()
    db.session.commit()
    secret = token("technician", "read")
    response = call("GET", f"/api/v1/beneficiaries/{beneficiary.id}", secret)
    assert response.status_code == 403
    assert response.get_json()["code"] == "role_forbidden"
    assert LAST_NAME not in response.get_data(as_text=True)


def test_a_social_workers_token_reads_a_file_and_the_access_log_says_so(db, token, call):
    social = make_user(role="social_worker")
    beneficiary = make_file()
    db.session.commit()
    secret = token("social_worker", "read", user=social)

    listing = call("GET", "/api/v1/beneficiaries", secret).get_json()
    assert [b["pseudonym"] for b in listing["items"]] == [beneficiary.pseudonym]
    assert db.session.scalar(select(AccessLogEntry)) is None  # a list is not a file opened

    shown = call("GET", f"/api/v1/beneficiaries/{beneficiary.id}", secret).get_json()
    assert shown["last_name"] == LAST_NAME
    entries = list(db.session.scalars(select(AccessLogEntry)))
    assert [(e.beneficiary_id, e.user_id, e.action, e.detail) for e in entries] == [
        (beneficiary.id, social.id, "view", "api")]


def test_scopes_narrow_what_a_token_may_do(db, token, call):
    from tests.factories import make_collection

    collection = make_collection()
    db.session.commit()
    reader = token("technician", "read")
    station = token("technician", "station")
    writer = token("technician", "write")
    body = {"device_type": "laptop"}
    url = f"/api/v1/collections/{collection.id}/devices"
    assert call("POST", url, reader, json=body).status_code == 403
    assert call("POST", url, station, json=body).status_code == 403  # stations send reports
    assert call("POST", url, writer, json=body).status_code == 201
    assert call("GET", "/api/v1/devices", station).status_code == 403  # no browsing
    assert call("GET", "/api/v1/devices", writer).status_code == 200  # write carries read


def test_the_role_still_rules_a_write_token(db, token, call):
    from tests.factories import make_device

    device = make_device()
    db.session.commit()
    social = token("social_worker", "write")
    assert call("GET", f"/api/v1/devices/{device.id}", social).status_code == 200  # STAFF
    response = call("POST", f"/api/v1/devices/{device.id}/notes", social, json={"note": "x"})
    assert response.status_code == 403  # WORKSHOP, as the device page


def test_a_files_status_follows_the_workshops_day_late_in_the_evening(db, token, call,
                                                                      monkeypatch):
    # 23:30 UTC on 9 December is already 10 December in Paris: an approval valid until the
    # 9th has expired there, in the API as on the file's page.
    from datetime import date, datetime

    from refurb import web

    monkeypatch.setattr(web, "utcnow", lambda: datetime(2026, 12, 9, 23, 30))
    from tests.allocations.helpers import approved_file

    social = make_user(role="social_worker")
    beneficiary = approved_file()
    beneficiary.approved_until = date(2026, 12, 9)
    db.session.commit()
    secret = token("social_worker", "read", user=social)
    shown = call("GET", f"/api/v1/beneficiaries/{beneficiary.id}", secret).get_json()
    assert shown["status"] == "expired", shown
