"""Who calls the API: a bearer token, its scopes, its owner's role. Every operation is declared
with `operation(scopes=…, roles=…)`, which authenticates, authorizes and documents it.

Access is the intersection of the token's scopes and its owner's role, the role gate being the
very tuple the web page of the same action uses (refurb.accounts.access): a token never opens
what its owner could not open in the browser.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from copy import deepcopy
from functools import wraps
from typing import Any

from flask import g, request

from refurb.accounts.api_tokens import GRANTS, Holder, find_holder, note_use
from refurb.api import idempotency
from refurb.api.problems import ApiProblem
from refurb.api.side_connection import side_connection
from refurb.core.i18n import N_
from refurb.web import now
from refurb.workshops import config_cache
from refurb.workshops import context as workshop_context
from refurb.workshops.services import label_prefix as workshop_label_prefix

SCHEME = "bearerAuth"
REALM = 'Bearer realm="refurb"'


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Who a request counts against: its token (hashed, no database read), else its address."""
    secret = bearer_secret()
    if secret:
        return "token:" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:32]
    return "address:" + (request.remote_addr or "unknown")


def authenticate(scopes: Iterable[str], roles: Iterable[str]) -> Holder:
    secret = bearer_secret()
    if secret is None:
        raise ApiProblem(401, N_("Jeton d’API manquant : envoyez l’en-tête « Authorization: "
                                 "Bearer <jeton> »."), code="missing_token",
                         headers={"WWW-Authenticate": REALM})
    # Read beside the request's transaction: on SQLite it would take the write lock now and
    # hold it through the request's parsing (refurb.api.side_connection).
    with side_connection() as connection:
        token = find_holder(secret, connection)
        if token is not None:
            note_use(token, now(), connection)
    if token is None:
        raise ApiProblem(401, N_("Jeton d’API inconnu ou révoqué."), code="invalid_token",
                         headers={"WWW-Authenticate": REALM + ', error="invalid_token"'})
    wanted = sorted(scopes)
    if not token.granted & set(wanted):
        raise ApiProblem(403, N_("La portée de ce jeton ne permet pas cette action (portée "
                                 "requise : %(scopes)s)."), code="insufficient_scope",
                         headers={"WWW-Authenticate": REALM + ', error="insufficient_scope", '
                                  f'scope="{" ".join(wanted)}"'},
                         scopes=" ou ".join(wanted))
    if token.role not in {str(r) for r in roles}:
        raise ApiProblem(403, N_("Le rôle du titulaire de ce jeton ne permet pas cette action."),
                         code="role_forbidden")
    g.api_token = token
    workshop_context.bind(token.workshop_id)
    config_cache.trust_recent_stamp()
    return token


def caller() -> Holder:
    """The token's holder: `id` and `role` of its owner, the token's `granted` scopes."""
    return g.api_token


def caller_id() -> int:
    return g.api_token.user_id


def label_prefix() -> str:
    """The asset-tag prefix of the caller's workshop, read with the token (no second query)."""
    return g.api_token.label_prefix or workshop_label_prefix()


def operation(*, scopes: Iterable[str], roles: Iterable[str], idempotent: bool = False,
              summary: str | None = None) -> Callable:
    """Authenticate and authorize before anything else (arguments are read after), record the
    answer of an idempotent POST, and say all of it in the OpenAPI document."""
    scopes = tuple(scopes)
    roles = tuple(str(r) for r in roles)
    unknown = set(scopes) - set(GRANTS)
    if unknown:
        raise ValueError(f"unknown scopes {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            authenticate(scopes, roles)
            if idempotent:
                return idempotency.answer_once(lambda: view(*args, **kwargs), caller_id())
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the access-matrix tests
        wrapped.token_scopes = frozenset(scopes)
        doc: dict[str, Any] = {
            "security": [{SCHEME: list(scopes)}],
            "x-scopes": list(scopes),
            "x-roles": list(roles),
            "responses": {"default": "Problem"},
        }
        doc["operationId"] = view.__name__  # names the target of the document's links
        if summary:
            doc["summary"] = summary
        if idempotent:
            doc["parameters"] = ["IdempotencyKey"]
        wrapped._apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = wrapped._apidoc.setdefault("manual_doc", {})
        for key, value in doc.items():
            if isinstance(value, list) and isinstance(manual.get(key), list):
                manual[key] = manual[key] + value
            elif isinstance(value, dict) and isinstance(manual.get(key), dict):
                manual[key] = {**value, **manual[key]}
            else:
                manual.setdefault(key, value)
        return wrapped

    return decorator


def links(status: int, **targets: tuple[str, dict[str, str]]) -> dict:
    """OpenAPI links from a response to the operations its body leads to:
    `links(201, GetDevice=("get_device", {"device_id": "$response.body#/id"}))`."""
    return {"responses": {status: {"links": {
        name: {"operationId": operation_id, "parameters": parameters}
        for name, (operation_id, parameters) in targets.items()}}}}
