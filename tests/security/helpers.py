"""Shared by the security tests: one signed-in client per role, reused for many URLs."""

from __future__ import annotations

from refurb.extensions import db
from tests.access import ROLES
from tests.factories import make_user


def role_clients(app, roles=ROLES) -> dict:
    """{role: client signed in as a new user of that role, "anonymous": client}."""
    clients = {}
    for role in roles:
        user = make_user(role)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        clients[role] = client
    clients["anonymous"] = app.test_client()
    return clients


def get_routes(app):
    """Every GET rule but static files."""
    return [rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint != "static"]
