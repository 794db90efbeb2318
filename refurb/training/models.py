"""Training record: programmes, their sessions, who is enrolled, who came (per half-day) and
which Pix competences were validated.

Rows here only point at beneficiaries by id: names stay in ``beneficiaries`` (invariant 4), so
the GDPR purge of a file leaves the attendance figures (reports) without any identity.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.core.pix import CODES, MAX_LEVEL, MIN_LEVEL
from refurb.core.training import HalfDay, Presence
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped

PIX_CODES_SQL = ", ".join(f"'{c}'" for c in CODES)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class Programme(TenantScoped, db.Model):
    """A training offer, e.g. "Prise en main — 5 séances de 2 h"."""

    __tablename__ = "training_programmes"
    __table_args__ = (
        CheckConstraint("planned_sessions >= 1 AND planned_sessions <= 100",
                        name="planned_sessions_range"),
        CheckConstraint("hours_per_session > 0 AND hours_per_session <= 12",
                        name="hours_per_session_range"),
        UniqueConstraint("workshop_id", "title", name="uq_training_programmes_workshop_title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    planned_sessions: Mapped[int]
    hours_per_session: Mapped[Decimal] = mapped_column(Numeric(4, 2))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    competence_rows: Mapped[list[ProgrammeCompetence]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProgrammeCompetence.code"
    )

    @property
    def competence_codes(self) -> list[str]:
        from refurb.core.pix import sort_codes

        return sort_codes(row.code for row in self.competence_rows)


class ProgrammeCompetence(TenantScoped, db.Model):
    """A Pix competence the programme aims at."""

    __tablename__ = "training_programme_competences"
    __table_args__ = (CheckConstraint(f"code IN ({PIX_CODES_SQL})", name="code_known"),)

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("training_programmes.id"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(3), primary_key=True)


class TrainingSession(TenantScoped, db.Model):
    """One séance: a programme's date, times, place, trainer and modules."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        CheckConstraint("break_minutes >= 0 AND break_minutes <= 240", name="break_range"),
        CheckConstraint("trainer_id IS NOT NULL OR trainer_name <> ''", name="has_trainer"),
        Index("ix_training_sessions_programme_date", "programme_id", "session_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("training_programmes.id"))
    # Cohort of the programme this session is for ("" = every enrolled participant).
    group_name: Mapped[str] = mapped_column(String(80), default="")
    session_date: Mapped[date] = mapped_column(index=True)
    start_time: Mapped[time]
    end_time: Mapped[time]
    break_minutes: Mapped[int] = mapped_column(default=0)
    place: Mapped[str] = mapped_column(String(200), default="")
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    trainer_name: Mapped[str] = mapped_column(String(120), default="")  # someone without account
    topics: Mapped[str] = mapped_column(Text, default="")  # modules covered
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    programme: Mapped[Programme] = relationship(lazy="raise_on_sql")
    trainer = relationship("User", foreign_keys=[trainer_id], lazy="raise_on_sql")
    competence_rows: Mapped[list[SessionCompetence]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SessionCompetence.code"
    )

    @property
    def competence_codes(self) -> list[str]:
        from refurb.core.pix import sort_codes

        return sort_codes(row.code for row in self.competence_rows)


class SessionCompetence(TenantScoped, db.Model):
    """A Pix competence worked during the session (by everyone present)."""

    __tablename__ = "training_session_competences"
    __table_args__ = (CheckConstraint(f"code IN ({PIX_CODES_SQL})", name="code_known"),)

    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(3), primary_key=True)


class Enrolment(TenantScoped, db.Model):
    """A beneficiary enrolled in a programme, optionally in one of its groups."""

    __tablename__ = "training_enrolments"
    __table_args__ = (
        UniqueConstraint("programme_id", "beneficiary_id",
                         name="uq_training_enrolments_programme_beneficiary"),
        UniqueConstraint("workshop_id", "certificate_number",
                         name="uq_training_enrolments_workshop_certificate_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("training_programmes.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    group_name: Mapped[str] = mapped_column(String(80), default="")
    enrolled_on: Mapped[date]
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_on: Mapped[date | None]
    # Taken from a counter at the first certificate; every later version keeps it.
    certificate_number: Mapped[str | None] = mapped_column(String(20))

    programme: Mapped[Programme] = relationship(lazy="raise_on_sql")
    beneficiary = relationship("Beneficiary", lazy="raise_on_sql")


class Attendance(TenantScoped, db.Model):
    """Presence of one participant at one half-day of one session."""

    __tablename__ = "training_attendance"
    __table_args__ = (
        CheckConstraint(_in("half_day", HalfDay), name="half_day_known"),
        CheckConstraint(_in("presence", Presence), name="presence_known"),
        UniqueConstraint("session_id", "beneficiary_id", "half_day",
                         name="uq_training_attendance_session_beneficiary_half_day"),
        Index("ix_training_attendance_beneficiary", "beneficiary_id", "presence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"))
    half_day: Mapped[str] = mapped_column(String(10))
    presence: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Validation(TenantScoped, db.Model):
    """A Pix competence validated by a participant at a session, with the level reached."""

    __tablename__ = "training_validations"
    __table_args__ = (
        CheckConstraint(f"code IN ({PIX_CODES_SQL})", name="code_known"),
        CheckConstraint(f"level >= {MIN_LEVEL} AND level <= {MAX_LEVEL}", name="level_range"),
        UniqueConstraint("session_id", "beneficiary_id", "code",
                         name="uq_training_validations_session_beneficiary_code"),
        Index("ix_training_validations_beneficiary", "beneficiary_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"))
    code: Mapped[str] = mapped_column(String(3))
    level: Mapped[int]
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
