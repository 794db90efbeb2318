"""Every route declares who may open it; every parameterless page answers each role as declared.
Routes with parameters are covered by their domain's tests (tests/access.py)."""

import pytest
from sqlalchemy import select

from refurb.devices.models import DeviceEvent
from tests.access import ROLES, status_for_roles
from tests.factories import make_device

# Pages anyone may open, on purpose.
PUBLIC = {"static", "accounts.login", "accounts.set_language", "accounts.logout",
          "accounts.change_password", "verification.verify", "health.healthz",
          "api_docs.docs", "api_docs.openapi_json"}


def _endpoints(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_route_declares_its_roles(app):
    undeclared = [
        endpoint for endpoint in _endpoints(app)
        if endpoint not in PUBLIC
        and not hasattr(app.view_functions[endpoint], "allowed_roles")
    ]
    assert undeclared == [], f"routes without roles_required: {undeclared}"


def _parameterless_get_pages(app):
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint in PUBLIC:
            continue
        if hasattr(app.view_functions[rule.endpoint], "token_scopes"):
            continue  # API operations answer tokens, not sessions: tests/api/test_access.py
        pages.append((rule.endpoint, rule.rule))
    return sorted(pages)


def test_matrix_of_parameterless_pages(app, db):
    failures = []
    for endpoint, url in _parameterless_get_pages(app):
        allowed = app.view_functions[endpoint].allowed_roles
        results = status_for_roles(app, url)
        for role in ROLES:
            ok = results[role] < 400 if role in allowed else results[role] == 403
            if not ok:
                failures.append(f"{url} as {role}: {results[role]} (allowed: {sorted(allowed)})")
        if results["anonymous"] != 302:
            failures.append(f"{url} anonymous: {results['anonymous']}")
    assert failures == []


@pytest.mark.parametrize("url", ["/devices/999999", "/admin/users/999999"])
def test_unknown_ids_are_404(client, db, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 404


def test_forbidden_page_is_a_friendly_403(client, db, login_as):
    login_as("donor")
    response = client.get("/devices")
    assert response.status_code == 403
    assert "pas accessible avec votre rôle" in response.get_data(as_text=True)


def _snapshot(db):
    rows = db.session.scalars(select(DeviceEvent).order_by(DeviceEvent.id))
    return [(e.id, e.device_id, e.kind, e.from_state, e.to_state, e.actor_id, e.occurred_at,
             e.reason, e.details) for e in rows]


def test_no_route_alters_history(app, db, client, login_as):
    """Hit every write route as an admin with plausible ids: events are only ever added."""
    login_as("admin")
    device = make_device()
    db.session.commit()
    before = _snapshot(db)
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.endpoint == "accounts.logout":
            continue
        values = {arg: (device.id if "id" in arg else "x") for arg in rule.arguments}
        try:
            url = rule.build(values, append_unknown=False)[1]
        except Exception:  # converters refusing our guess: nothing to call
            continue
        for method in methods:
            response = client.open(url, method=method, data={"reason": "réécriture",
                                                             "target": "disposed"})
            assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    db.session.expire_all()
    after = _snapshot(db)
    assert after[: len(before)] == before


def test_sign_in_log_is_for_admins_only(app, db):
    """The sign-in log shows addresses and browsers of everyone who tried: admins only."""
    from tests.access import assert_only

    assert "accounts.sign_ins" in {e for e, _url in _parameterless_get_pages(app)}
    assert_only(app, "/admin/sign-ins", {"admin"})


def test_a_job_is_seen_by_its_requester_and_admins_only(app, db):
    """/jobs/<id> and its JSON: the requester and admins; to anyone else it does not exist."""
    from refurb.clock import utcnow
    from refurb.jobs import enqueue
    from tests.factories import make_user

    owner = make_user("social_worker")
    job = enqueue("reservations.expire", {}, actor_id=owner.id, now=utcnow())
    db.session.commit()
    for url in (f"/jobs/{job.id}", f"/jobs/{job.id}.json"):
        assert status_for_roles(app, url) == {"admin": 200, "technician": 404,
                                              "social_worker": 404, "donor": 404,
                                              "anonymous": 302}, url
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(owner.id)
        assert client.get(url).status_code == 200


def test_only_admins_start_a_backup(app, db):
    from tests.access import assert_only

    assert_only(app, "/admin/backups/", ("admin",), method="POST")
