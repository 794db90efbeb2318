"""HTTP done right: idempotent retries, ETag / If-Match (412), RFC 9457 problems in the
caller's language, per-token rate limits shared by every worker, CORS closed by default."""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from refurb.devices.models import Device, DeviceEvent
from tests.conftest import make_app
from tests.factories import make_collection, make_device


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------------- idempotency

def test_a_retried_post_creates_nothing_twice(db, token, call):
    collection = make_collection()
    db.session.commit()
    secret = token("technician", "write")
    url = f"/api/v1/collections/{collection.id}/devices"
    body = {"device_type": "desktop", "make": "HP", "serial": "CZC1234"}
    key = {"Idempotency-Key": "bench-1-report-7"}

    first = call("POST", url, secret, json=body, headers=key)
    again = call("POST", url, secret, json=body, headers=key)

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(db, Device) == 1


def test_a_key_reused_for_another_body_is_refused(db, token, call):
    collection = make_collection()
    db.session.commit()
    secret = token("technician", "write")
    url = f"/api/v1/collections/{collection.id}/devices"
    key = {"Idempotency-Key": "k-42"}
    assert call("POST", url, secret, json={"device_type": "laptop"}, headers=key
                ).status_code == 201
    response = call("POST", url, secret, json={"device_type": "desktop"}, headers=key)
    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"
    assert _count(db, Device) == 1


def test_a_failed_post_stores_no_answer_and_may_be_retried(db, token, call):
    collection = make_collection()
    collection.state = "closed"  # takes no devices
    db.session.commit()
    secret = token("technician", "write")
    url = f"/api/v1/collections/{collection.id}/devices"
    key = {"Idempotency-Key": "after-reopen"}
    assert call("POST", url, secret, json={"device_type": "laptop"}, headers=key
                ).status_code == 409
    collection.state = "received"
    db.session.commit()
    assert call("POST", url, secret, json={"device_type": "laptop"}, headers=key
                ).status_code == 201
    assert _count(db, Device) == 1


def test_keys_belong_to_their_user(db, token, call):
    collection = make_collection()
    db.session.commit()
    url = f"/api/v1/collections/{collection.id}/devices"
    key = {"Idempotency-Key": "same-words"}
    for secret in (token("technician", "write"), token("technician", "write")):
        assert call("POST", url, secret, json={"device_type": "laptop"}, headers=key
                    ).status_code == 201
    assert _count(db, Device) == 2


# ------------------------------------------------------------------------ ETag / If-Match

def test_a_stale_if_match_is_412_and_changes_nothing(db, token, call):
    device = make_device()
    db.session.commit()
    secret = token("technician", "write")
    url = f"/api/v1/devices/{device.id}"
    read = call("GET", url, secret)
    etag = read.headers["ETag"]
    assert etag == f'"v{read.get_json()["version"]}"'

    moved = call("POST", f"{url}/transitions", secret, json={"target": "diagnosis"},
                 headers={"If-Match": etag})
    assert moved.status_code == 200
    assert moved.headers["ETag"] != etag
    assert moved.get_json()["state"] == "diagnosis"

    stale = call("POST", f"{url}/transitions", secret, json={"target": "wiping"},
                 headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.mimetype == "application/problem+json"
    assert stale.get_json()["code"] == "stale_version"
    assert stale.headers["ETag"] == moved.headers["ETag"]
    db.session.expire_all()
    assert db.session.get(Device, device.id).state == "diagnosis"
    events = db.session.scalars(select(DeviceEvent.to_state).where(
        DeviceEvent.device_id == device.id).order_by(DeviceEvent.id)).all()
    assert events == ["received", "diagnosis"]


def test_a_refused_transition_is_a_problem_with_the_lifecycle_reasons(db, token, call):
    device = make_device()
    db.session.commit()
    secret = token("technician", "write")
    response = call("POST", f"/api/v1/devices/{device.id}/transitions", secret,
                    json={"target": "allocated"})
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["code"] == "illegal_transition"
    assert device.asset_tag in problem["detail"] and problem["reasons"]


# ---------------------------------------------------------------------- problem+json

def test_problems_speak_the_callers_language(db, token, call):
    secret = token("technician", "read")
    french = call("GET", "/api/v1/scan?q=RF-2026-999999", secret, language="fr-FR,fr;q=0.9")
    english = call("GET", "/api/v1/scan?q=RF-2026-999999", secret, language="en-GB,en;q=0.8")
    for response in (french, english):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        body = response.get_json()
        assert body["type"] == "about:blank" and body["status"] == 404
        assert body["instance"] == "/api/v1/scan"
    assert french.get_json()["detail"] == "Numéro d'inventaire inconnu : RF-2026-999999"
    assert english.get_json()["detail"] == "Unknown asset tag: RF-2026-999999"
    assert (french.headers["Content-Language"], english.headers["Content-Language"]) == (
        "fr", "en")

    routed = call("GET", "/api/v1/no-such-thing", secret, language="en")
    assert routed.status_code == 404 and routed.mimetype == "application/problem+json"
    assert routed.get_json()["detail"] == "This page or item does not exist."


def test_a_refused_field_is_named_in_the_problem(db, token, call):
    secret = token("technician", "read")
    response = call("GET", "/api/v1/devices?limit=0&state=lost", secret)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["query"]
    assert set(errors) == {"limit", "state"}


def test_web_pages_keep_their_html_errors(client, db, login_as):
    login_as("technician")
    response = client.get("/devices/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"


# ------------------------------------------------------------------------- rate limits

def test_the_limit_is_per_token_and_shared_by_every_worker(app, db, _db_location, token):
    secret = token("technician", "read")
    other = token("technician", "read")
    db.session.commit()
    workers = [make_app(_db_location, API_RATE_LIMIT="3 per minute").test_client()
               for _ in range(2)]
    headers = {"Authorization": f"Bearer {secret}"}
    statuses = [workers[i % 2].get("/api/v1/tokens", headers=headers).status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another token has its own allowance.
    counted = workers[0].get("/api/v1/tokens", headers={"Authorization": f"Bearer {other}"})
    assert counted.status_code == 200 and counted.headers["X-RateLimit-Remaining"] == "2"
    assert "Retry-After" not in counted.headers  # only a refusal says when to come back

    refused = workers[0].get("/api/v1/tokens", headers=headers)
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_workers_counting_in_blocks_never_let_more_than_the_limit_through(
        app, db, _db_location, token):
    secret = token("technician", "read")
    db.session.commit()
    workers = [make_app(_db_location, API_RATE_LIMIT="100 per minute").test_client()
               for _ in range(3)]

    def send(worker) -> int:
        return worker.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}
                          ).status_code

    first = [send(worker) for worker in workers]  # each worker reserves a few numbers
    one_worker = [send(workers[0]) for _ in range(120)]  # then the traffic goes to one
    assert first == [200, 200, 200]
    # The others' reserved numbers are few: one worker reaches nearly the whole limit.
    assert 90 <= one_worker.count(200) <= 97
    assert one_worker[-10:] == [429] * 10
    # The others use up what they reserved, and no more: the window lets 100 through.
    rest = [send(worker) for worker in workers[1:] for _ in range(10)]
    assert (first + one_worker + rest).count(200) == 100
    assert rest[-1] == 429


# ------------------------------------------------------------------------ the pipeline

def test_a_write_is_committed_before_the_access_line_and_headers(db, token, call):
    """The transaction (on SQLite, the write lock every other writer waits for) ends first;
    the access line and the response headers are written after."""
    collection = make_collection()
    db.session.commit()
    secret = token("technician", "write")
    seen: list[bool] = []

    class Probe(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(db.session().in_transaction())

    probe = Probe()
    access = logging.getLogger("refurb.access")
    access.addHandler(probe)
    access.setLevel(logging.INFO)
    try:
        created = call("POST", f"/api/v1/collections/{collection.id}/devices", secret,
                       json={"device_type": "desktop", "make": "HP"})
    finally:
        access.removeHandler(probe)

    assert created.status_code == 201 and "X-RateLimit-Remaining" in created.headers
    assert seen == [False]
    assert _count(db, Device) == 1


# --------------------------------------------------------------------------------- CORS

def test_cors_is_closed_unless_an_origin_is_configured(app, db, _db_location, token, call):
    secret = token("technician", "read")
    origin = {"Origin": "https://tableau.example.org"}
    closed = call("GET", "/api/v1/devices", secret, headers=origin)
    assert closed.status_code == 200
    assert "Access-Control-Allow-Origin" not in closed.headers

    opened = make_app(_db_location, API_CORS_ORIGINS=["https://tableau.example.org"])
    response = opened.test_client().get("/api/v1/devices", headers={
        **origin, "Authorization": f"Bearer {secret}"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://tableau.example.org"
