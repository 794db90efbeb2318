"""Data sanitization records (NIST SP 800-88), imported nwipe logs, drive removals.

Everything here is append-only (triggers in the database, a flush check in the ORM): a wrong
record is corrected by a newer one, a validation is its own row, a log is kept as uploaded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.sanitization import MediaKind, Outcome, Result, Technique, Verification
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


SOURCES = ("manual", "nwipe", "station")


class WipeLog(TenantScoped, db.Model):
    """An uploaded nwipe/ShredOS log, kept verbatim; its SHA-256 makes re-imports no-ops."""

    __tablename__ = "wipe_logs"
    __table_args__ = (UniqueConstraint("workshop_id", "sha256", name="uq_wipe_logs_workshop_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    text: Mapped[str] = mapped_column(Text, deferred=True)
    tool: Mapped[str] = mapped_column(String(40), default="nwipe")
    tool_version: Mapped[str] = mapped_column(String(40), default="")
    drive_count: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    uploaded_at: Mapped[datetime] = mapped_column(index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by = relationship("User", lazy="raise_on_sql")


class WipeRecord(TenantScoped, db.Model):
    """One sanitization attempt on one drive, as it happened (passing or not)."""

    __tablename__ = "wipe_records"
    __table_args__ = (
        CheckConstraint(
            "outcome IS NULL OR " + _in("outcome", Outcome), name="outcome_known"
        ),
        CheckConstraint(_in("technique", Technique), name="technique_known"),
        CheckConstraint(_in("verification", Verification), name="verification_known"),
        CheckConstraint(_in("result", Result), name="result_known"),
        CheckConstraint(_in("media_kind", MediaKind), name="media_kind_known"),
        CheckConstraint("source IN ('manual', 'nwipe', 'station')", name="source_known"),
        CheckConstraint(
            "pass_errors >= 0 AND verify_errors >= 0 AND fsync_errors >= 0",
            name="errors_positive",
        ),
        # One log drive gives one record, even when two people attach it at the same time.
        UniqueConstraint("log_id", "log_drive_index", name="uq_wipe_records_log_drive"),
        Index("ix_wipe_records_drive_finished", "drive_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"))
    media_kind: Mapped[str] = mapped_column(String(8))  # the drive's kind when recorded
    outcome: Mapped[str | None] = mapped_column(String(8))  # None: verification-only run
    technique: Mapped[str] = mapped_column(String(20))
    pattern: Mapped[str] = mapped_column(String(120), default="")
    passes: Mapped[int | None]
    tool: Mapped[str] = mapped_column(String(80), default="")
    tool_version: Mapped[str] = mapped_column(String(40), default="")
    verification: Mapped[str] = mapped_column(String(12), default=Verification.NONE.value)
    verification_passed: Mapped[bool | None]
    result: Mapped[str] = mapped_column(String(8), index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime]
    pass_errors: Mapped[int] = mapped_column(default=0)
    verify_errors: Mapped[int] = mapped_column(default=0)
    fsync_errors: Mapped[int] = mapped_column(default=0)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    host_device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    host_asset_tag: Mapped[str] = mapped_column(String(32), default="")
    source: Mapped[str] = mapped_column(String(8))
    log_id: Mapped[int | None] = mapped_column(ForeignKey("wipe_logs.id"), index=True)
    log_drive_index: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the tool reported beyond the claim (nwipe: device size, bytes erased, rounds, PRNG,
    # HPA/DCO, throughput...): the certificate states it.
    evidence: Mapped[dict | None] = mapped_column(JSON)
    # A log entry attached although it did not match the drive: the admin's reason and the
    # differences they accepted (refurb.wiping.log_matching). Empty: no override.
    match_override: Mapped[str] = mapped_column(Text, default="", server_default="")
    match_differences: Mapped[list[str] | None] = mapped_column(JSON)
    override_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    drive = relationship("Drive", lazy="raise_on_sql")
    operator = relationship("User", foreign_keys=[operator_id], lazy="raise_on_sql")
    override_by = relationship("User", foreign_keys=[override_by_id], lazy="raise_on_sql")
    log: Mapped[WipeLog | None] = relationship(lazy="raise_on_sql")
    validation: Mapped[WipeValidation | None] = relationship(
        back_populates="record", lazy="raise_on_sql", uselist=False
    )

    @property
    def error_count(self) -> int:
        return self.pass_errors + self.verify_errors + self.fsync_errors


class WipeValidation(TenantScoped, db.Model):
    """NIST Rev.2 validation: a second person accepts the outcome of one record."""

    __tablename__ = "wipe_validations"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("wipe_records.id"), unique=True)
    validator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    validated_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")

    record: Mapped[WipeRecord] = relationship(back_populates="validation", lazy="raise_on_sql")
    validator = relationship("User", lazy="raise_on_sql")


class DriveRemoval(TenantScoped, db.Model):
    """A drive taken out of its host: it keeps its own tag and travels on under the same rule."""

    __tablename__ = "drive_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    asset_tag: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(200), default="")
    removed_at: Mapped[datetime]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    device = relationship("Device", lazy="raise_on_sql")


append_only(
    WipeLog, WipeRecord, WipeValidation, DriveRemoval,
    message="Les enregistrements d'effacement ne peuvent pas être modifiés : "
    "ajoutez un nouvel enregistrement.",
)
