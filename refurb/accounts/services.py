"""Account use cases. Throttling is counted in the database so it holds across workers."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, true, update
from werkzeug.security import check_password_hash, generate_password_hash

from refurb.accounts.models import Role, SignInAttempt, User
from refurb.core.errors import InvalidInput, LoginThrottled
from refurb.core.sign_in_backoff import BackoffPolicy, network_wait, pair_wait
from refurb.extensions import db
from refurb.workshops import memberships
from refurb.workshops.context import current_workshop_id, require_workshop_id
from refurb.workshops.models import Membership

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
    workshop_id: int | None = None,
) -> User:
    """A staff account gets its role in `workshop_id` (default: the current workshop)."""
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
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    if role != Role.DONOR:
        memberships.add_member(user, role, workshop_id or require_workshop_id(), now=now)
    return user


@dataclass(frozen=True)
class Client:
    """Who is knocking: the address (after trusted proxies) and the browser's own words."""

    address: str
    user_agent: str = ""

    @property
    def network(self) -> str:
        return client_network(self.address)


def client_network(address: str) -> str:
    """The unit throttled: the IPv4 address, or the /64 an IPv6 client usually owns whole."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:49]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def account_key(email: str, secret: str) -> str:
    """Groups the attempts on one typed e-mail without storing it (it may be a password)."""
    return hmac.new(secret.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def authenticate(email: str, password: str, *, client: Client, now: datetime,
                 policy: BackoffPolicy, secret: str) -> User | None:
    """Return the user on success, None on bad credentials; raise LoginThrottled when this
    client must wait. Every attempt is logged; the caller commits in every case.

    Known and unknown e-mails take the same path (one log row, one password hash, the same
    throttling by typed e-mail), so answers and timings do not tell which accounts exist.
    """
    key = account_key(email, secret)
    wait = throttle_wait(key, client.network, now, policy)
    user = get_user_by_email(email)
    if wait > timedelta(0):
        _log(now, "throttled", key, user, client)
        raise LoginThrottled("Trop de tentatives.", wait_seconds=math.ceil(wait.total_seconds()))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not user.active or not valid:
        _log(now, "failure", key, user, client)
        return None
    user.last_login_at = now
    _log(now, "success", key, user, client)
    return user


def throttle_wait(key: str, network: str, now: datetime, policy: BackoffPolicy) -> timedelta:
    """The longer of the two waits of refurb.core.sign_in_backoff, counted in the sign-in log
    (shared by every worker)."""
    since = now - policy.memory
    last_success = db.session.scalar(
        select(func.max(SignInAttempt.occurred_at)).where(
            SignInAttempt.account_key == key, SignInAttempt.client_network == network,
            SignInAttempt.outcome == "success", SignInAttempt.occurred_at > since))
    failures, last_failure = db.session.execute(
        select(func.count(), func.max(SignInAttempt.occurred_at)).where(
            SignInAttempt.account_key == key, SignInAttempt.client_network == network,
            SignInAttempt.outcome == "failure",
            SignInAttempt.occurred_at > max(since, last_success or since))).one()
    # Throttled attempts are not failures, so the rows counted here stay few (about the limit).
    network_failures = db.session.scalars(
        select(SignInAttempt.occurred_at).where(
            SignInAttempt.client_network == network, SignInAttempt.outcome == "failure",
            SignInAttempt.occurred_at > now - policy.network_window)).all()
    return max(pair_wait(failures, last_failure, now, policy),
               network_wait(network_failures, now, policy))


def _log(now: datetime, outcome: str, key: str, user: User | None, client: Client) -> None:
    db.session.add(SignInAttempt(
        occurred_at=now, outcome=outcome, account_key=key, user_id=user.id if user else None,
        client_address=client.address[:45], client_network=client.network,
        user_agent=client.user_agent[:200]))
    db.session.flush()


def end_sessions(user: User) -> int:
    """Every session of `user` ends at its next request; returns the new generation.

    Incremented in SQL: two workers ending sessions at once must both change the number.
    """
    generation = db.session.execute(
        update(User).where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .returning(User.session_generation)
    ).scalar_one()
    db.session.expire(user, ["session_generation"])
    return generation


def list_sign_ins_query():
    return select(SignInAttempt).order_by(SignInAttempt.occurred_at.desc(),
                                          SignInAttempt.id.desc())


def change_password(user: User, *, current: str, new: str) -> int:
    """Change the password and end every session of the account (a thief's too); returns
    the new session generation, for the caller to keep its own session."""
    if not check_password_hash(user.password_hash, current):
        raise InvalidInput("Le mot de passe actuel est incorrect.")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    db.session.flush()
    return end_sessions(user)


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
    rights_change = role != user.role or active != user.active
    user.role = role
    memberships.set_role(user, role)
    user.active = active
    user.display_name = display_name.strip() or user.display_name
    user.donor_organisation_id = donor_organisation_id if role == Role.DONOR else None
    db.session.flush()
    if rights_change:
        # Open sessions were granted under the old role: they end, the user signs in again.
        end_sessions(user)


def set_locale(user: User, locale: str, languages: list[str]) -> None:
    if locale not in languages:
        raise InvalidInput(f"Langue non disponible : {locale}.")
    user.locale = locale
    db.session.flush()


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    ) or 0


def _of_current_workshop():
    """Accounts an admin of the current workshop manages: its members, and donors (they
    belong to the network); a network-wide admin sees every account."""
    workshop_id = current_workshop_id()
    if workshop_id is None:
        return true()
    return or_(User.role == Role.DONOR, User.id.in_(
        select(Membership.user_id).where(Membership.workshop_id == workshop_id)))


def list_users_query():
    return select(User).where(_of_current_workshop()).order_by(User.role, User.email)


def get_workshop_user(user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id, _of_current_workshop()))
