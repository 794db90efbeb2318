"""One place that turns errors into pages: friendly 403/404/500, CSRF refusals, DomainError."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from refurb.core.errors import DomainError
from refurb.core.i18n import N_
from refurb.extension_points import error_renderers
from refurb.extensions import db
from refurb.security.redirects import safe_redirect_target
from refurb.security.uploads import human_size
from refurb.web import flash_domain_error, translate_error

MESSAGES = {
    400: N_("La demande est incomplète ou mal formée."),
    403: N_("Cette page n'est pas accessible avec votre rôle."),
    404: N_("Cette page ou cet élément n'existe pas."),
    405: N_("Cette action n'est pas possible ici."),
    410: N_("Ce document a été effacé à la fin de sa durée de conservation."),
    413: N_("Le fichier envoyé est trop volumineux."),
    429: N_("Trop de tentatives : patientez avant de réessayer."),
    500: N_("Une erreur inattendue est survenue. Elle a été enregistrée ; réessayez plus tard."),
}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def _rendered_elsewhere(status: int, message: str | None, error: BaseException | None):
    for render in error_renderers:
        response = render(status, message, error)
        if response is not None:
            return response
    return None


def _error_page(status: int, message: str | None = None, error: BaseException | None = None):
    text = message or _(MESSAGES.get(status, MESSAGES[500]))
    elsewhere = _rendered_elsewhere(status, text, error)
    if elsewhere is not None:
        return elsewhere
    if status == 413 and message is None:
        text += " " + _("Ce formulaire accepte %(limit)s au plus ; rien n’a été enregistré.",
                        limit=human_size(request.max_content_length or 0))
    if _wants_json():
        return jsonify(error=text), status
    # The 500 page stands alone: whatever broke may be in the shared layout.
    template = "errors/500.html" if status >= 500 else "errors/error.html"
    return render_template(template, status=status, message=text), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _error_page(
            400,
            _("Le formulaire a expiré ou ne vient pas de cette application. "
              "Rechargez la page et recommencez."),
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        elsewhere = _rendered_elsewhere(error.http_status, None, error)
        if elsewhere is not None:
            return elsewhere
        if _wants_json():
            message, reasons = translate_error(error)
            return jsonify(error=message, reasons=reasons), error.http_status
        flash_domain_error(error)
        return redirect(safe_redirect_target(request.referrer, "/", host_url=request.host_url))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _error_page(error.code or 500, error=error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return _error_page(500, error=error)
