"""What every blueprint's views share: the clock, the acting user, loading or 404, and the one
commit point of a request.

A request commits once, after its view returned a success (status < 400); anything else rolls
back. A view runs its service call inside `attempt()`, which turns a DomainError into the
translated flash message and a rollback, so a route reads load → check → call → redirect:

    if form.validate_on_submit():
        with attempt() as done:
            services.record_diagnosis(device, ..., actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("workshop.device", device_id=device.id))
    return render_template("workshop/diagnosis.html", form=form)   # keeps what was typed

A DomainError a view lets through is handled the same way by `refurb.errors` (flash, then back
to the page the form came from).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, flash, has_request_context, request
from flask_babel import gettext
from flask_login import current_user

from refurb.clock import utcnow
from refurb.core.errors import DomainError, Message
from refurb.database import WROTE
from refurb.extensions import db
from refurb.security.integers import MAX_ID, MAX_PAGE, read_integer
from refurb.workshops.scoping import in_scope

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any, *options: Any) -> T:
    """The row, or 404; `options` are loader options (e.g. do not load a relationship the
    caller will not read)."""
    obj = db.session.get(model, ident, options=options or None)
    # A row already in the session's identity map skips the scoped query: checked here too.
    if obj is None or not in_scope(obj):
        abort(404)
    return obj


def actor_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def now():
    return utcnow()


def translate(message: str | Message) -> str:
    """A msgid or Message in the reader's language (gettext without marking it safe)."""
    if isinstance(message, Message):
        return message.render(_plain_gettext)
    return _plain_gettext(message)


def _plain_gettext(msgid: str) -> str:
    # Flask-Babel's gettext returns plain str (only the Jinja one marks safe) but it also
    # applies %-formatting when given kwargs: never give it any here.
    return str(gettext(msgid)) if msgid else msgid


def translate_error(error: DomainError) -> tuple[str, list[str]]:
    return error.translated(_plain_gettext)


def flash_domain_error(error: DomainError) -> None:
    message, reasons = translate_error(error)
    flash(message, "error")
    for reason in reasons:
        flash(reason, "error")


class Outcome:
    """Truthy when the service call inside `attempt()` went through."""

    def __init__(self) -> None:
        self.ok = False
        self.error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def attempt(*, flash_error: bool = True) -> Iterator[Outcome]:
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        if flash_error:
            flash_domain_error(error)
    else:
        outcome.ok = True


def install_commit_point(app: Flask) -> None:
    @app.after_request
    def _commit_or_roll_back(response: Response) -> Response:
        if response.status_code >= 400:
            db.session.rollback()
        elif not (response.is_streamed and not db.session.info.get(WROTE)):
            # A streamed read-only answer (a CSV export) still reads from its transaction
            # while it streams: ending it now would close the cursor under it.
            db.session.commit()
        return response



def public_base_url() -> str:
    """Where links and QR codes point: PUBLIC_BASE_URL when set, else the scheme and host the
    request came in on (so a second port or a proxy's name prints right); outside a request
    with nothing configured, "" (a relative link)."""
    configured = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return ""


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
