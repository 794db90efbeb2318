"""Personal API tokens: a user hands one to a script or a bench station instead of a password.

The secret is shown once, when it is made; only its SHA-256 is stored (a 256-bit random
secret needs no slow hash: nobody can guess it, and a stolen table gives nothing to replay).
A token never grants more than its owner's role allows: scopes narrow the role, never widen
it. Revoking takes effect on the next request, since every request looks the hash up.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.accounts.models import STAFF_ROLES, User
from refurb.core.errors import Forbidden, InvalidInput, NotFound
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.workshops.context import network_lookup
from refurb.workshops.scoping import TenantScoped

PREFIX = "rfb_"
SCOPES = ("station", "read", "write", "admin")
SCOPE_LABELS = {
    "station": N_("Poste de banc (rapports matériels et journaux d’effacement)"),
    "read": N_("Lecture"),
    "write": N_("Lecture et écriture"),
    "admin": N_("Administration (jetons des autres utilisateurs)"),
}
# A broader scope carries the narrower ones; `station` stands alone (a bench PC reads nothing
# else than what it sends).
GRANTS = {
    "station": frozenset({"station"}),
    "read": frozenset({"read"}),
    "write": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "admin"}),
}
MAX_ACTIVE_TOKENS = 20
LAST_USE_PRECISION = timedelta(minutes=1)  # one write a minute per token, not one per request


class ApiToken(TenantScoped, db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    scopes: Mapped[str] = mapped_column(String(60))  # space-separated, from SCOPES
    prefix: Mapped[str] = mapped_column(String(16))  # the start of the secret, to recognise it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def granted(self) -> frozenset[str]:
        return frozenset().union(*(GRANTS.get(s, frozenset()) for s in self.scope_list))

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", errors="replace")).hexdigest()


def create_token(user: User, name: str, scopes: list[str], *,
                 now: datetime) -> tuple[ApiToken, str]:
    """(the token, its secret). The secret is not kept: show it now or never."""
    name = " ".join((name or "").split())[:80]
    chosen = [s for s in SCOPES if s in set(scopes)]
    if not name:
        raise InvalidInput(N_("Donnez un nom au jeton (par exemple le poste qui s’en sert)."))
    if not chosen or len(chosen) != len(set(scopes)):
        raise InvalidInput(N_("Choisissez au moins une portée parmi station, read, write, "
                              "admin."))
    if user.role not in STAFF_ROLES:
        raise Forbidden(N_("Les comptes donateurs n’ont pas accès à l’API."))
    if "admin" in chosen and user.role != "admin":
        raise Forbidden(N_("Seul un administrateur peut créer un jeton d’administration."))
    active = db.session.scalar(
        select(func.count()).select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if active >= MAX_ACTIVE_TOKENS:
        raise InvalidInput(N_("%(n)s jetons actifs au plus : révoquez-en un d’abord."),
                           n=MAX_ACTIVE_TOKENS)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scopes=" ".join(chosen),
                     prefix=secret[:len(PREFIX) + 6], token_hash=hash_secret(secret),
                     created_at=now)
    db.session.add(token)
    db.session.flush()
    return token, secret


def list_tokens(user_id: int | None = None) -> list[ApiToken]:
    """A user's tokens (every user's when None), active first, newest first."""
    query = select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(db.session.scalars(query))


def get_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def revoke_token(token: ApiToken, *, actor: User | Holder, now: datetime) -> None:
    """The owner revokes their own token; an admin may revoke anyone's."""
    if token.user_id != actor.id and actor.role != "admin":
        raise NotFound(N_("Ce jeton n’existe pas."))
    if token.revoked_at is None:
        token.revoked_at = now
        token.revoked_by_id = actor.id
        db.session.flush()


@dataclass(frozen=True)
class Holder:
    """Who a valid secret speaks for: the token and its owner's role, enough for permission
    predicates (`is_authenticated`, `role`, `id`), read in one query without ORM objects."""

    token_id: int
    user_id: int
    role: str
    scopes: tuple[str, ...]
    last_used_at: datetime | None
    workshop_id: int = 0
    label_prefix: str = ""  # the workshop's asset-tag prefix
    is_authenticated = True

    @property
    def id(self) -> int:
        return self.user_id

    @property
    def granted(self) -> frozenset[str]:
        return frozenset().union(*(GRANTS.get(s, frozenset()) for s in self.scopes))


# The one query of every API call, written out once: building it with the expression
# language at each request cost more CPU than running it. It also reads the token's workshop
# label prefix, which a report or a new device needs for its asset tag.
_HOLDER = text(
    "SELECT api_tokens.id, api_tokens.user_id, api_tokens.scopes, api_tokens.last_used_at, "
    "api_tokens.revoked_at, api_tokens.workshop_id, users.active, users.network_admin, "
    "memberships.role, workshops.label_prefix "
    "FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
    "JOIN workshops ON workshops.id = api_tokens.workshop_id "
    "LEFT OUTER JOIN workshop_members AS memberships "
    "ON memberships.user_id = api_tokens.user_id "
    "AND memberships.workshop_id = api_tokens.workshop_id "
    "WHERE api_tokens.token_hash = :token_hash"
).columns(id=Integer(), user_id=Integer(), scopes=String(), last_used_at=DateTime(),
          revoked_at=DateTime(), workshop_id=Integer(), active=Boolean(),
          network_admin=Boolean(), role=String(), label_prefix=String())


def find_holder(secret: str, connection: Connection) -> Holder | None:
    """The active token with this secret, owned by an active staff account, else None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    # Found by its secret across the network; the call then acts for the token's workshop
    # with its owner's role there (row-level security: this one lookup is network-wide).
    network_lookup(connection)
    row = connection.execute(_HOLDER, {"token_hash": hash_secret(secret)}).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    role = "admin" if row.network_admin else row.role
    if role not in STAFF_ROLES:
        return None
    return Holder(row.id, row.user_id, role, tuple(row.scopes.split()), row.last_used_at,
                  row.workshop_id, row.label_prefix)


def note_use(holder: Holder, now: datetime, connection: Connection) -> None:
    """Remember when the token was last used, at most once a minute."""
    if holder.last_used_at is None or now - holder.last_used_at >= LAST_USE_PRECISION:
        connection.execute(update(ApiToken.__table__)
                           .where(ApiToken.__table__.c.id == holder.token_id)
                           .values(last_used_at=now))
