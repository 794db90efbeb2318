"""Helpers to assert who may open what."""

from __future__ import annotations

ROLES = ("admin", "technician", "social_worker", "donor")


def status_for_roles(app, url: str, roles=ROLES, method: str = "GET", **kwargs) -> dict:
    """{role: HTTP status} for `url`, each role with a fresh signed-in client."""
    from refurb.extensions import db
    from tests.factories import make_user

    results = {}
    for role in roles:
        user = make_user(role)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        response = client.open(url, method=method, **kwargs)
        results[role] = response.status_code
    anonymous = app.test_client().open(url, method=method, **kwargs)
    results["anonymous"] = anonymous.status_code
    return results


def assert_only(app, url: str, allowed, method: str = "GET", **kwargs) -> None:
    """Allowed roles get a page (2xx/3xx), others a 403 (or 404 hiding existence), anonymous
    users are sent to the login page."""
    results = status_for_roles(app, url, method=method, **kwargs)
    for role, status in results.items():
        if role == "anonymous":
            assert status == 302, f"{url}: anonymous got {status}"
        elif role in allowed:
            assert status < 400, f"{url}: {role} should be allowed, got {status}"
        else:
            assert status in (403, 404), f"{url}: {role} should be refused, got {status}"
