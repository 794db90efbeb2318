from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.i18n import N_
from refurb.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    TECHNICIAN = "technician"
    SOCIAL_WORKER = "social_worker"
    DONOR = "donor"


ROLE_LABELS = {
    Role.ADMIN: N_("Administrateur"),
    Role.TECHNICIAN: N_("Technicien"),
    Role.SOCIAL_WORKER: N_("Travailleur social"),
    Role.DONOR: N_("Donateur"),
}

STAFF_ROLES = frozenset({Role.ADMIN, Role.TECHNICIAN, Role.SOCIAL_WORKER})


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'technician', 'social_worker', 'donor')", name="role_known"
        ),
        CheckConstraint(
            "role <> 'donor' OR donor_organisation_id IS NOT NULL", name="donor_has_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    donor_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("donor_organisations.id"), index=True
    )
    # Copied into the session at sign-in; bumping it ends every session of the account
    # (logout, password change, role change, deactivation).
    # Sees and administers every workshop of the network (refurb.workshops).
    network_admin: Mapped[bool] = mapped_column(default=False, server_default="0")
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    donor_organisation = relationship("DonorOrganisation", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled accounts
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


SIGN_IN_OUTCOMES = ("success", "failure", "throttled")
SIGN_IN_OUTCOME_LABELS = {
    "success": N_("Connexion réussie"),
    "failure": N_("Échec"),
    "throttled": N_("Refusée (trop de tentatives)"),
}


class SignInAttempt(db.Model):
    """Every sign-in attempt, kept for the admins and counted by the throttling.

    The typed e-mail is not stored: someone may type a password in the wrong field. Attempts
    are grouped by `account_key` (a keyed hash of the typed e-mail), known accounts also by
    `user_id`; `client_network` is the address throttled (an IPv6 client owns its whole /64).
    """

    __tablename__ = "sign_in_log"
    __table_args__ = (
        CheckConstraint("outcome IN ('success', 'failure', 'throttled')", name="outcome_known"),
        Index("ix_sign_in_log_pair", "account_key", "client_network", "occurred_at"),
        Index("ix_sign_in_log_network", "client_network", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    account_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    client_address: Mapped[str] = mapped_column(String(45))
    client_network: Mapped[str] = mapped_column(String(49))
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user = relationship("User", lazy="joined")

    @property
    def outcome_label(self) -> str:
        return SIGN_IN_OUTCOME_LABELS[self.outcome]


append_only(SignInAttempt, message="Le journal des connexions ne peut pas être modifié.")
