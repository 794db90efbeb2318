from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
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
