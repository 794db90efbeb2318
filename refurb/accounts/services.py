"""Account use cases. Throttling is counted in the database so it holds across workers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from refurb.accounts.models import Role, User
from refurb.core.errors import InvalidInput, LoginThrottled
from refurb.extensions import db

MIN_PASSWORD_LENGTH = 10
# A fixed hash to compare against when the e-mail is unknown, so timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("refurb-timing-equaliser", method="scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Le mot de passe doit contenir au moins {MIN_PASSWORD_LENGTH} caractères."
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    *,
    email: str,
    password: str,
    role: str,
    now: datetime,
    display_name: str = "",
    donor_organisation_id: int | None = None,
    locale: str = "fr",
) -> User:
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"Rôle inconnu : {role}.")
    if role == Role.DONOR and donor_organisation_id is None:
        raise InvalidInput("Un compte donateur doit être rattaché à une organisation donatrice.")
    if role != Role.DONOR:
        donor_organisation_id = None
    check_password_strength(password)
    if get_user_by_email(email) is not None:
        raise InvalidInput(f"Un compte existe déjà pour {email}.")
    user = User(
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        donor_organisation_id=donor_organisation_id,
        locale=locale,
        active=True,
        failed_login_count=0,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)


def authenticate(email: str, password: str, *, now: datetime, policy: LoginPolicy) -> User | None:
    """Return the user on success, None on bad credentials; raise LoginThrottled when locked.

    The caller commits in every case: failures must be counted even though login failed.
    """
    user = get_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        raise LoginThrottled(
            f"Trop de tentatives échouées pour ce compte. Réessayez dans {minutes} minute(s)."
        )
    if not user.active or not check_password_hash(user.password_hash, password):
        _count_failure(user, now, policy)
        return None
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def _count_failure(user: User, now: datetime, policy: LoginPolicy) -> None:
    # Increment in SQL, not in Python: two workers failing at once must both count.
    failures = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_login_count=User.failed_login_count + 1)
        .returning(User.failed_login_count)
    ).scalar_one()
    if failures >= policy.max_failures:
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(locked_until=now + policy.lockout, failed_login_count=0)
        )
    db.session.expire(user)


def change_password(user: User, *, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput("Le mot de passe actuel est incorrect.")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    db.session.flush()


def update_user(
    user: User,
    *,
    acting_user_id: int,
    role: str,
    active: bool,
    display_name: str,
    donor_organisation_id: int | None,
) -> None:
    if role not in {r.value for r in Role}:
        raise InvalidInput(f"Rôle inconnu : {role}.")
    if user.id == acting_user_id and (role != Role.ADMIN or not active):
        raise InvalidInput("Vous ne pouvez pas retirer vos propres droits d'administration.")
    if role == Role.DONOR and donor_organisation_id is None:
        raise InvalidInput("Un compte donateur doit être rattaché à une organisation donatrice.")
    if user.role == Role.ADMIN and (role != Role.ADMIN or not active) and _active_admins() <= 1:
        raise InvalidInput("Il doit rester au moins un administrateur actif.")
    user.role = role
    user.active = active
    user.display_name = display_name.strip() or user.display_name
    user.donor_organisation_id = donor_organisation_id if role == Role.DONOR else None
    db.session.flush()


def set_locale(user: User, locale: str, languages: list[str]) -> None:
    if locale not in languages:
        raise InvalidInput(f"Langue non disponible : {locale}.")
    user.locale = locale
    db.session.flush()


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    ) or 0


def list_users_query():
    return select(User).order_by(User.role, User.email)
