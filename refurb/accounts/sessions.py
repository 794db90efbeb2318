"""Signed-cookie sessions that the server can still end.

A session carries the account's `session_generation` from sign-in time and the time of its
last request. It is refused when the generation moved on (logout, password change, role
change, deactivation: a captured cookie dies with them) or when it was idle longer than the
role's limit (IDLE_TIMEOUT_STAFF_MINUTES, IDLE_TIMEOUT_DONOR_MINUTES).

Cookies signed before generations existed carry none and count as generation 0: a fresh
account's number, so they last only until the account's first logout.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from refurb.accounts.models import Role, User
from refurb.extensions import db, login_manager

GENERATION = "_generation"
LAST_SEEN = "_seen"
# The last-seen time is rewritten at most this often: not a new cookie on every request.
SEEN_RESOLUTION_SECONDS = 60
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", GENERATION, LAST_SEEN)


def clock() -> float:
    return time.time()


def idle_limit_seconds(user: User) -> int:
    key = "IDLE_TIMEOUT_DONOR_MINUTES" if user.role == Role.DONOR else "IDLE_TIMEOUT_STAFF_MINUTES"
    return int(current_app.config[key]) * 60


def start(user: User) -> None:
    """Sign `user` in on a clean session (nothing typed before sign-in carries over)."""
    locale = user.locale or session.get("locale")
    session.clear()
    login_user(user)
    session[GENERATION] = user.session_generation
    session[LAST_SEEN] = int(clock())
    session["locale"] = locale


def keep_after_password_change(generation: int) -> None:
    """The user who changed the password stays signed in; every other session ends."""
    session[GENERATION] = generation


def end() -> None:
    logout_user()
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def load_user(user_id: str) -> User | None:
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        user = None
    if user is None or session.get(GENERATION, 0) != user.session_generation:
        _forget()
        return None
    now = clock()
    seen = session.get(LAST_SEEN)
    if isinstance(seen, int | float):
        if now - seen > idle_limit_seconds(user):
            _forget()
            flash(_("Votre session a expiré après une période d’inactivité : reconnectez-vous."),
                  "info")
            return None
        if now - seen < SEEN_RESOLUTION_SECONDS:
            return user
    session[LAST_SEEN] = int(now)
    return user


def _forget() -> None:
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def register(app: Flask) -> None:
    login_manager.user_loader(load_user)
