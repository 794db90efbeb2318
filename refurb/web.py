"""Small helpers shared by every blueprint's views: the clock, the acting user, loading or 404,
and turning a DomainError into a flash message."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, current_app, flash, request
from flask_login import current_user

from refurb.clock import utcnow
from refurb.core.errors import DomainError
from refurb.extensions import db
from refurb.security.integers import MAX_ID, MAX_PAGE, read_integer

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
    """?page= of a list: missing, unreadable or below 1 shows the first page (a hand-edited
    link still lands somewhere); a number no list reaches is a 404 (so is a page past the
    last one: see paginate)."""
    value = read_integer(request.args.get("page"))
    if value is None or value < 1:
        return 1
    if value > MAX_PAGE:
        abort(404)
    return value


def int_arg(name: str, default: int | None = None) -> int | None:
    """An integer from the query string (an id, a filter): unreadable gives `default`, like
    `type=int` did; a number no row can have is a 404 rather than a database error."""
    value = read_integer(request.args.get(name))
    if value is None:
        return default
    if abs(value) > MAX_ID:
        abort(404)
    return value


def int_list_arg(name: str) -> list[int]:
    """Every readable integer given for `name` (?device=1&device=2), each bounded as above."""
    values = [read_integer(raw) for raw in request.args.getlist(name)]
    if any(v is not None and abs(v) > MAX_ID for v in values):
        abort(404)
    return [v for v in values if v is not None]


def per_page() -> int:
    return int(current_app.config["PAGE_SIZE"])
