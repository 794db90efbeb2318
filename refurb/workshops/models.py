"""The workshops of a network and who works in which, with which role."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.core.i18n import N_
from refurb.extensions import db

MEMBER_ROLES = ("admin", "technician", "social_worker")
MEMBER_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in MEMBER_ROLES) + ")"


class Workshop(db.Model):
    """One site of the network: its identity and settings live in the settings table under
    its id; its label prefix keeps asset tags unique across the network (a device moving to
    another workshop keeps its tag)."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    label_prefix: Mapped[str] = mapped_column(String(10), unique=True)
    active: Mapped[bool] = mapped_column(default=True, server_default="1")
    created_at: Mapped[datetime]
    # Changes with the workshop's configuration (refurb.workshops.config_cache); NULL: nothing
    # of it is kept between requests.
    config_stamp: Mapped[str | None] = mapped_column(String(32),
                                                     default=lambda: uuid.uuid4().hex)


class Membership(db.Model):
    """A user's role in one workshop (a user may belong to several)."""

    __tablename__ = "workshop_members"
    __table_args__ = (
        UniqueConstraint("user_id", "workshop_id", name="uq_workshop_members_user_workshop"),
        CheckConstraint(MEMBER_ROLE_CHECK, name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]

    workshop: Mapped[Workshop] = relationship(lazy="joined")


NETWORK_ADMIN_LABEL = N_("Administrateur du réseau")
