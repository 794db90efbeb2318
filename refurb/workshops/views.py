"""The workshop switcher: a user who belongs to several workshops picks the one they act for
(kept in the session). Its small form is `workshops/_switcher.html`, for the page header."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user

from refurb.accounts.access import STAFF, roles_required
from refurb.security.integers import read_integer
from refurb.security.redirects import safe_redirect_target
from refurb.workshops import context, services

bp = Blueprint("workshops", __name__, url_prefix="/workshops")


def switcher() -> dict | None:
    """Ready data for the header's switcher: None when there is nothing to switch."""
    if not current_user.is_authenticated or not current_user.is_staff:
        return None
    choices = services.switchable(current_user)
    if len(choices) < 2:
        return None
    return {"current": context.current_workshop_id(), "choices": choices,
            "next": request.full_path.rstrip("?")}


@bp.get("/switch")
@roles_required(*STAFF)
def switch_page():
    return render_template("workshops/switch.html",
                           choices=services.switchable(current_user),
                           current=context.current_workshop_id())


@bp.post("/switch")
@roles_required(*STAFF)
def switch():
    workshop_id = read_integer(request.form.get("workshop_id"))
    if workshop_id not in {w.id for w in services.switchable(current_user)}:
        abort(404)  # a workshop the user does not belong to does not exist for them
    session[context.SESSION_KEY] = workshop_id
    return redirect(safe_redirect_target(request.form.get("next"),
                                         url_for("workshops.switch_page")))
