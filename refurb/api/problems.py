"""Errors of the API as RFC 9457 problem details (`application/problem+json`), in the caller's
language (Accept-Language).

Domain errors keep their French msgid and parameters until here, like the web's flash
messages: `detail` and `reasons` go through the same translation (refurb.web.translate).
Validation errors name each refused field, with marshmallow's messages put into French (or
English) words too.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from refurb.core.errors import DomainError, Message
from refurb.core.i18n import N_
from refurb.web import translate, translate_error

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: N_("Demande invalide"),
    401: N_("Authentification requise"),
    403: N_("Accès refusé"),
    404: N_("Introuvable"),
    405: N_("Méthode non permise"),
    406: N_("Format de réponse indisponible"),
    409: N_("Conflit"),
    412: N_("Version périmée"),
    413: N_("Contenu trop volumineux"),
    415: N_("Type de contenu non pris en charge"),
    422: N_("Données invalides"),
    428: N_("Précondition requise"),
    429: N_("Trop de requêtes"),
    500: N_("Erreur interne"),
}

# marshmallow and webargs speak English; these are the messages a caller meets in practice.
FIELD_MESSAGES = {
    "Missing data for required field.": N_("Champ obligatoire."),
    "Field may not be null.": N_("Valeur obligatoire (null refusé)."),
    "Unknown field.": N_("Champ inconnu."),
    "Not a valid integer.": N_("Nombre entier attendu."),
    "Not a valid number.": N_("Nombre attendu."),
    "Not a valid string.": N_("Texte attendu."),
    "Not a valid boolean.": N_("Booléen attendu (true ou false)."),
    "Not a valid date.": N_("Date attendue (AAAA-MM-JJ)."),
    "Not a valid list.": N_("Liste attendue."),
    "Invalid input type.": N_("Type de valeur invalide."),
    "Invalid value.": N_("Valeur invalide."),
    "Must be one of: {choices}.": N_("Valeur parmi : %(choices)s."),
    "Invalid JSON body.": N_("Corps JSON illisible."),
}


class ApiProblem(HTTPException):
    """An HTTP error raised by the API itself, with a translatable detail and extra headers."""

    def __init__(self, status: int, message: str | Message, *, code: str,
                 headers: dict[str, str] | None = None, reasons: list[str | Message] | None = None,
                 **params: Any) -> None:
        self.code = status
        self.message = message if isinstance(message, Message) else Message(message, params)
        self.problem_code = code
        self.extra_headers = dict(headers or {})
        self.reasons = list(reasons or [])
        super().__init__(description=self.message.render())

    def get_headers(self, environ=None, scope=None):  # noqa: ANN001 - werkzeug's signature
        return [("Content-Type", MEDIA_TYPE), *self.extra_headers.items()]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _field_messages(messages: Any) -> Any:
    """marshmallow's nested {location: {field: [messages]}} with each message translated."""
    if isinstance(messages, dict):
        return {str(key): _field_messages(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [_field_messages(m) for m in messages]
    text = str(messages)
    if text.startswith("Must be one of: "):
        return translate(Message(FIELD_MESSAGES["Must be one of: {choices}."],
                                 {"choices": text[len("Must be one of: "):].rstrip(".")}))
    return translate(FIELD_MESSAGES.get(text, text))


def problem(status: int, detail: str | None = None, *, code: str | None = None,
            reasons: list[str] | None = None, errors: Any = None,
            headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": translate(TITLES.get(status) or _phrase(status)),
        "status": status,
        "instance": request.path,
    }
    if detail:
        body["detail"] = detail
    body["code"] = code or _snake(_phrase(status).replace(" ", "")) or "error"
    if reasons:
        body["reasons"] = reasons
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.headers["Content-Language"] = str(get_locale() or "fr")
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None, error: BaseException | None) -> Response | None:
    """Registered in refurb.wiring as an error renderer: the API's answer to any error raised
    while serving /api/…, None for the web pages."""
    if not is_api_request():
        return None
    if isinstance(error, DomainError):
        detail, reasons = translate_error(error)
        return problem(error.http_status, detail, code=_snake(type(error).__name__),
                       reasons=reasons)
    if isinstance(error, ApiProblem):
        return problem(error.code, translate(error.message), code=error.problem_code,
                       reasons=[translate(r) for r in error.reasons],
                       headers=error.extra_headers)
    if isinstance(error, HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("messages") or data.get("errors")
        headers = dict(error.get_headers())
        if errors:
            return problem(status, translate(N_("Certains champs sont invalides.")),
                           code="validation_error", errors=_field_messages(errors),
                           headers=headers)
        return problem(status, message, headers=headers)
    return problem(status, message)
