"""Tokens and calls for API tests: `token("technician", "write")` makes an account and a token
and returns its secret; `call(method, url, secret, ...)` sends it as a bearer token;
`serve(port=None)` runs the app on a real localhost port (another app on the test database,
as a second worker would be) and returns its base URL."""

from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(db, _db_location):
    from tests.conftest import make_app

    running = []

    def _serve(port: int | None = None, **config) -> str:
        server = make_server("127.0.0.1", port or 0, make_app(_db_location, **config),
                             threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield _serve
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=5)
