"""Small helpers shared by every blueprint's views: the clock, the acting user, loading or 404,
and turning a DomainError into a flash message."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, current_app, flash, request
from flask_login import current_user

from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any) -> T:
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def actor_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def now():
    return utcnow()


def flash_domain_error(error: DomainError) -> None:
    flash(error.message, "error")
    for reason in error.reasons:
        flash(reason, "error")


def page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


def per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])
