"""The API's access matrix, the token counterpart of tests/test_access_matrix.py: every
operation declares its scopes and roles; no token is 401, a signed-in browser session opens
nothing, a token without the scope or whose owner lacks the role is 403, and the gate is
passed exactly when both allow."""

from __future__ import annotations

import pytest

from refurb.accounts import api_tokens
from refurb.core.errors import Forbidden
from tests.access import ROLES
from tests.factories import NOW, make_user

MISSING = 999_999  # ids in URLs: past the gate, the operation answers 404


def _operations(app) -> list[tuple[str, str, object]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if not hasattr(view, "token_scopes"):
            continue
        url = rule.build({arg: 0 if arg == "index" else MISSING for arg in rule.arguments},
                         append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url, view))
    return sorted(found, key=lambda op: (op[1], op[0]))


def _passed_the_gate(status: int) -> bool:
    return status not in (401, 403)


def test_every_api_operation_declares_scopes_and_roles(app):
    operations = _operations(app)
    assert len(operations) >= 25
    for _method, url, view in operations:
        assert view.token_scopes <= set(api_tokens.SCOPES), url
        assert view.allowed_roles, url


def test_without_a_token_every_operation_is_401(app, db, client, login_as):
    login_as("admin")  # a browser session is not a token
    for method, url, _ in _operations(app):
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
        assert response.mimetype == "application/problem+json"


def test_each_scope_opens_what_it_grants_and_nothing_else(app, db, call):
    admin = make_user(role="admin")  # every role gate open: only the scope decides
    secrets = {scope: api_tokens.create_token(admin, scope, [scope], now=NOW)[1]
               for scope in api_tokens.SCOPES}
    db.session.commit()
    failures = []
    for method, url, view in _operations(app):
        for scope, secret in secrets.items():
            allowed = bool(api_tokens.GRANTS[scope] & view.token_scopes)
            status = call(method, url, secret, json={}).status_code
            if _passed_the_gate(status) != allowed or (not allowed and status != 403):
                failures.append(f"{method} {url} with {scope}: {status}")
    assert failures == []


@pytest.mark.parametrize("role", [r for r in ROLES if r != "donor"])
def test_each_role_opens_what_the_web_lets_it_open(app, db, call, role):
    owner = make_user(role=role)
    scopes = ["read", "write", "station"] + (["admin"] if role == "admin" else [])
    _, secret = api_tokens.create_token(owner, role, scopes, now=NOW)
    db.session.commit()
    failures = []
    for method, url, view in _operations(app):
        status = call(method, url, secret, json={}).status_code
        if _passed_the_gate(status) != (role in view.allowed_roles):
            failures.append(f"{method} {url} as {role}: {status}")
    assert failures == []


def test_donors_get_no_token(db):
    donor = make_user(role="donor")
    with pytest.raises(Forbidden):
        api_tokens.create_token(donor, "portail", ["read"], now=NOW)
