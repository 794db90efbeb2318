"""Role checks for views: one decorator, used on every route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from refurb.accounts.models import Role

STAFF = (Role.ADMIN, Role.TECHNICIAN, Role.SOCIAL_WORKER)
WORKSHOP = (Role.ADMIN, Role.TECHNICIAN)
SOCIAL = (Role.ADMIN, Role.SOCIAL_WORKER)
ADMIN = (Role.ADMIN,)
DONOR = (Role.DONOR,)


def roles_required(*roles: str) -> Callable:
    """Anonymous → login page; signed in with another role → the friendly 403 page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(str(r) for r in roles)  # read by the access-matrix test
        return wrapped

    return decorator
