"""`Idempotency-Key` on POST: a retried request (a station that lost the answer, a double
click of a script) gets the first answer again instead of creating a second device or log.

The answer is stored in the same transaction as what the request created, so both are
committed together or not at all; a request that failed created nothing and stores nothing,
and may be retried. Two copies racing each other meet at the unique (user, key) constraint,
or earlier at a rule the winner's work made the loser break (the same serial twice): the
loser rolls back everything it did and replays the winner's answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from flask import Response, current_app, request
from sqlalchemy import delete, insert, text
from sqlalchemy.exc import IntegrityError

from refurb.api.models import IdempotentRequest
from refurb.api.problems import ApiProblem
from refurb.api.side_connection import side_connection
from refurb.core.errors import DomainError
from refurb.core.i18n import N_
from refurb.database import DriverStatement
from refurb.extensions import db
from refurb.web import now

HEADER = "Idempotency-Key"
KEY_SHAPE = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII, as the draft standard says
KEEP_FOR = timedelta(days=7)

PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "Une valeur unique par requête (par exemple le SHA-256 du contenu envoyé) : "
                   "une requête répétée avec la même clé reçoit la première réponse, sans rien "
                   "créer une seconde fois.",
    "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,200}$"},
}


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.full_path):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


TABLE = IdempotentRequest.__table__
# Written out once: two statements of every idempotent POST, which the expression language
# would otherwise build again at each request.
_LOOKUP = text(
    "SELECT " + ", ".join(f'"{column.name}"' for column in TABLE.c)
    + ' FROM api_idempotent_requests WHERE user_id = :user_id AND "key" = :key'
).columns(*TABLE.c)
_RECORD = DriverStatement(insert(TABLE))  # under the write lock of the request's work


def _lookup(user_id: int, key: str):  # noqa: ANN202 - a row of api_idempotent_requests
    """Read beside the request's transaction (refurb.api.side_connection): a first request
    has not begun its work yet and need not take SQLite's write lock for this."""
    with side_connection() as connection:
        return connection.execute(_LOOKUP, {"user_id": user_id, "key": key}).first()


def _replay(stored, fingerprint: str) -> Response:  # noqa: ANN001
    if stored.fingerprint != fingerprint:
        raise ApiProblem(422, N_("Cette clé d’idempotence a déjà servi pour une autre "
                                 "requête : utilisez une nouvelle clé."),
                         code="idempotency_key_reused")
    response = current_app.response_class(stored.body, status=stored.status,
                                          content_type=stored.content_type or None)
    if stored.location:
        response.headers["Location"] = stored.location
    if stored.etag:
        response.headers["ETag"] = stored.etag
    response.headers["Idempotent-Replayed"] = "true"
    return response


def answer_once(view: Callable[[], Response], user_id: int) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return view()
    if not KEY_SHAPE.match(key):
        raise ApiProblem(400, N_("En-tête Idempotency-Key invalide : de 1 à 200 caractères "
                                 "ASCII visibles."), code="invalid_idempotency_key")
    fingerprint = _fingerprint()
    stored = _lookup(user_id, key)
    if stored is not None:
        return _replay(stored, fingerprint)
    try:
        response = view()
    except DomainError:
        # A copy of this request sent at the same moment may have committed first, and made
        # this one refused (the machine's serial is now taken): it gets that copy's answer.
        db.session.rollback()
        stored = _lookup(user_id, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    if response.status_code >= 400 or response.is_streamed:
        return response
    record = {
        "user_id": user_id, "key": key, "method": request.method, "path": request.path[:300],
        "fingerprint": fingerprint, "status": response.status_code,
        "content_type": (response.content_type or "")[:100],
        "location": (response.headers.get("Location") or "")[:300],
        "etag": (response.headers.get("ETag") or "")[:80],
        "body": response.get_data(as_text=True), "created_at": now()}
    try:
        _RECORD.run_many([record])
    except IntegrityError:
        # Another copy of this request committed first: undo ours, answer as it was answered.
        db.session.rollback()
        stored = _lookup(user_id, key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    return response


def prune(before_days: int | None = None) -> int:
    """Forget answers older than the retry window (CLI: flask api prune)."""
    cutoff = now() - (timedelta(days=before_days) if before_days is not None else KEEP_FOR)
    result = db.session.execute(delete(IdempotentRequest)
                                .where(IdempotentRequest.created_at < cutoff))
    return result.rowcount or 0
