"""Tokens and calls for API tests: `token("technician", "write")` makes an account and a token
and returns its secret; `call(method, url, secret, ...)` sends it as a bearer token."""

from __future__ import annotations

import pytest

from refurb.accounts import api_tokens
from refurb.extensions import db as _db
from tests.factories import NOW, make_user


@pytest.fixture
def token(db):
    def _make(role: str = "technician", *scopes: str, user=None) -> str:
        owner = user or make_user(role=role)
        _, secret = api_tokens.create_token(owner, f"poste {role}", list(scopes or ("write",)),
                                            now=NOW)
        _db.session.commit()
        return secret

    return _make


@pytest.fixture
def call(client):
    def _call(method: str, url: str, secret: str | None = None, *, language: str = "fr",
              headers: dict | None = None, **kwargs):
        sent = {"Accept-Language": language, **(headers or {})}
        if secret:
            sent["Authorization"] = f"Bearer {secret}"
        return client.open(url, method=method, headers=sent, **kwargs)

    return _call
