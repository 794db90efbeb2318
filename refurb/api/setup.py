"""The API as an app part: the OpenAPI 3.1 document built from the code (flask-smorest), the
resource blueprints under /api/v1, the per-token rate limit, CSRF off (no cookies are read:
a token is sent on purpose, a browser cannot send it behind the user's back), CORS closed
unless origins are configured. `init_api(app)` is called from refurb.wiring."""

from __future__ import annotations

from http import HTTPStatus

import flask_smorest
from apispec import BasePlugin
from flask import Flask, Response, current_app, request

from refurb.api import (
    auth,
    beneficiaries,
    collections,
    devices,
    docs,
    drives,
    erasure,
    hardware,
    idempotency,
    labels,
    rate_limits,
    reports,
    scan,
    tokens,
    versions,
    weee,
)
from refurb.api.problems import MEDIA_TYPE
from refurb.api.schemas import ProblemSchema
from refurb.extensions import csrf

PREFIX = "/api/v1"
RESOURCES = (devices, collections, hardware, drives, erasure, labels, scan, weee, reports,
             beneficiaries, tokens)

DESCRIPTION = """API de Refurb : appareils, collectes, supports de stockage, effacements,
rapports matériels, journaux nwipe, étiquettes, DEEE, chiffres des rapports.

**Authentification** : `Authorization: Bearer <jeton>`, un jeton personnel créé dans
« Jetons d’API » (en-tête, près du nom). Portées : `station` (poste de banc : rapports matériels,
journaux d’effacement, scan), `read`, `write` (comprend `read`), `admin` (comprend `write`).
Un jeton n’ouvre jamais plus que le rôle de son titulaire.

**Erreurs** : RFC 9457 (`application/problem+json`), dans la langue d’`Accept-Language`.
**Réessais** : `Idempotency-Key` sur les POST. **Concurrence** : `ETag` / `If-Match` (412).
**Pagination** : `cursor` + `limit`, réponse `next_cursor` et en-tête `Link`.
"""


class ProblemResponses(BasePlugin):
    """Problem details as the documented error answer (flask-smorest documents its own JSON
    error shape; ours is RFC 9457)."""

    def init_spec(self, spec):  # noqa: ANN001
        super().init_spec(spec)
        spec.components.schema("Problem", schema=ProblemSchema)
        spec.components.response("Problem", {
            "description": "Erreur (RFC 9457)",
            "content": {MEDIA_TYPE: {"schema": "Problem"}},
        })
        spec.components.parameter("IdempotencyKey", "header", dict(idempotency.PARAMETER))
        spec.components.parameter("IfMatch", "header", dict(versions.PARAMETER))
        spec.components.security_scheme(auth.SCHEME, {
            "type": "http", "scheme": "bearer",
            "description": "Jeton personnel (rfb_…) ; portées : station, read, write, admin."})


class RefurbApi(flask_smorest.Api):
    def _register_error_handlers(self):
        """refurb.errors answers every error; the API's part goes through an error renderer."""

    def _register_doc_blueprint(self):
        """The document and its page are served by refurb.api.docs (bundled assets)."""

    def _register_responses(self):
        """Error responses flask-smorest refers to by status name (422 on a refused argument)
        are problems too."""
        for status in HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, {
                    "description": status.phrase,
                    "content": {MEDIA_TYPE: {"schema": "Problem"}},
                }, lazy=True)


def init_api(app: Flask) -> RefurbApi:
    app.config.setdefault("API_TITLE", "Refurb")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("API_RATE_LIMIT", "1200 per minute")
    app.config.setdefault("API_CORS_ORIGINS", [])
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "servers": [{"url": "/", "description": "Ce serveur"}],
    })
    api = RefurbApi(app, spec_kwargs={"extra_plugins": [ProblemResponses()]})
    # Registered before the limiter, so it runs after the limiter has added its headers.
    app.after_request(_finish_api_response)
    limiter = rate_limits.make_limiter(app, auth.rate_limit_key)
    shared = limiter.shared_limit(rate_limits.limit_for_token, scope="api")
    for module in RESOURCES:
        csrf.exempt(module.blp)
        shared(module.blp)
        api.register_blueprint(module.blp, url_prefix=PREFIX)
    app.register_blueprint(docs.bp, url_prefix=PREFIX)
    app.extensions["refurb-api"] = api
    return api


def _finish_api_response(response: Response) -> Response:
    if not request.path.startswith(PREFIX):
        return response
    # Flask-Limiter sends Retry-After on every answer; it means something only on a refusal.
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return _cors(response)


def _cors(response: Response) -> Response:
    """Closed by default: only origins listed in API_CORS_ORIGINS may call from a browser."""
    origin = request.headers.get("Origin")
    if origin and request.path.startswith(PREFIX) and origin in current_app.config[
            "API_CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, Idempotency-Key, If-Match, Accept-Language")
        response.headers["Access-Control-Expose-Headers"] = "ETag, Link, Location, Retry-After"
        response.headers["Vary"] = "Origin"
    return response
