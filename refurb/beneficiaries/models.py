"""Beneficiary files, their decisions, the eligibility policy versions and the access log.

Personal data lives only in ``beneficiaries`` (identity, contact, address, exact income,
notes) and in ``document_checks.label``; ``anonymise`` blanks exactly those columns and keeps
what statistics need (kind, commune, composition, QF band, situations, decisions).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.applications import Status
from refurb.core.eligibility import Situation
from refurb.core.needs import Needs
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class Kind(StrEnum):
    HOUSEHOLD = "household"
    PUPIL = "pupil"
    SCHOOL = "school"
    ASSOCIATION = "association"


HOUSEHOLD_KINDS = frozenset({Kind.HOUSEHOLD, Kind.PUPIL})


class Referrer(StrEnum):
    CCAS = "ccas"
    MISSION_LOCALE = "mission_locale"
    SCHOOL_SOCIAL_WORKER = "school_social_worker"
    ASSOCIATION = "association"
    SELF = "self"
    OTHER = "other"


class DocumentKind(StrEnum):
    TAX_NOTICE = "tax_notice"
    CAF_CERTIFICATE = "caf_certificate"
    PROOF_OF_ADDRESS = "proof_of_address"
    OTHER = "other"


class AccessAction(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    EXPORT = "export"
    ANONYMISE = "anonymise"


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class Beneficiary(TenantScoped, db.Model):
    """One file (dossier): a household, a pupil's family, a school or an association."""

    __tablename__ = "beneficiaries"
    __table_args__ = (
        CheckConstraint(_in("kind", Kind), name="kind_known"),
        CheckConstraint(_in("status", Status), name="status_known"),
        CheckConstraint(
            "referred_by = '' OR " + _in("referred_by", Referrer), name="referred_by_known"
        ),
        CheckConstraint(
            "income_basis IS NULL OR income_basis IN ('caf', 'rfr')", name="income_basis_known"
        ),
        CheckConstraint(
            "adults >= 1 AND children >= 0 AND children_with_disability >= 0 "
            "AND children_with_disability <= children",
            name="composition_valid",
        ),
        CheckConstraint(
            "status <> 'approved' OR (approved_on IS NOT NULL AND approved_until IS NOT NULL)",
            name="approval_dated",
        ),
        Index("ix_beneficiaries_waiting", "status", "priority", "submitted_on"),
        UniqueConstraint("workshop_id", "pseudonym", name="uq_beneficiaries_workshop_pseudonym"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(12), default=Status.DRAFT.value)

    # Identity and contact: erased by the GDPR purge.
    last_name: Mapped[str] = mapped_column(String(120), default="")
    first_name: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[date | None]
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address_line: Mapped[str] = mapped_column(String(300), default="")
    # Kept after the purge: statistics are by commune.
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    commune: Mapped[str] = mapped_column(String(120), index=True)

    # Schools and associations (not personal data); a pupil's school and class.
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    uai: Mapped[str | None] = mapped_column(String(8), index=True)
    rna: Mapped[str | None] = mapped_column(String(10))
    school_level: Mapped[str] = mapped_column(String(20), default="")
    # The school programme (Besancon-Clic style) is another domain's; a plain reference for now.
    programme: Mapped[str | None] = mapped_column(String(120))

    # Household composition.
    adults: Mapped[int] = mapped_column(default=1)
    children: Mapped[int] = mapped_column(default=0)
    children_with_disability: Mapped[int] = mapped_column(default=0)
    single_parent: Mapped[bool] = mapped_column(default=False)
    member_with_disability: Mapped[bool] = mapped_column(default=False)

    # Income: exact figures are erased by the purge, the band stays.
    income_basis: Mapped[str | None] = mapped_column(String(3))
    stated_quotient: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    annual_income: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # The tax notice's "parts fiscales"; the column keeps its first name.
    tax_shares: Mapped[Decimal | None] = mapped_column("tax_parts", Numeric(5, 2))
    monthly_benefits: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    qf_band: Mapped[str] = mapped_column(String(16), default="unknown", index=True)

    has_computer: Mapped[bool] = mapped_column(default=False)
    # Lives in a quartier prioritaire de la politique de la ville (funders' figures).
    qpv: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    last_device_received_on: Mapped[date | None]
    # What the household or school needs (refurb.core.needs): the waiting list shows the ready
    # machines that fit. The free text may reveal a disability: erased by the GDPR purge.
    need_kind: Mapped[str | None] = mapped_column(String(12))
    need_min_ram_mib: Mapped[int | None]
    need_webcam: Mapped[bool | None]
    need_notes: Mapped[str | None] = mapped_column(String(300))
    referred_by: Mapped[str] = mapped_column(String(24), default="")
    referrer_detail: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    # Workflow. ``priority`` is copied from the evaluation of the latest decision, so the
    # waiting list keeps the order it was decided with when the policy changes later.
    submitted_on: Mapped[date | None]
    priority: Mapped[int] = mapped_column(default=0)
    approved_on: Mapped[date | None]
    approved_until: Mapped[date | None]

    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]
    # Start of the retention period (CNIL: 2 years after the last contact).
    last_contact_at: Mapped[datetime] = mapped_column(index=True)
    anonymised_at: Mapped[datetime | None]
    # Reminders (refurb.notifications): the channel the person agreed to, "none" without consent.
    notify_channel: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    notify_language: Mapped[str] = mapped_column(String(5), default="fr", server_default="fr")
    notify_consent_at: Mapped[datetime | None]
    # Optimistic lock: two workers deciding on one file cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    situation_rows: Mapped[list[BeneficiarySituation]] = relationship(
        back_populates="beneficiary",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="BeneficiarySituation.situation",
    )
    created_by = relationship("User", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    @property
    def situations(self) -> frozenset[Situation]:
        return frozenset(Situation(row.situation) for row in self.situation_rows)

    @property
    def needs(self) -> Needs:
        return Needs(kind=self.need_kind, min_ram_mib=self.need_min_ram_mib,
                     webcam=bool(self.need_webcam), notes=self.need_notes or "")

    @property
    def is_household(self) -> bool:
        return self.kind in HOUSEHOLD_KINDS

    @property
    def display_name(self) -> str:
        """The name social workers read; never shown to other roles (see public_view)."""
        if self.anonymised_at is not None:
            return self.pseudonym
        person = " ".join(p for p in (self.last_name.upper(), self.first_name) if p)
        if self.kind in (Kind.SCHOOL, Kind.ASSOCIATION):
            return self.organisation_name + (f" ({person})" if person else "")
        return person or self.pseudonym


class BeneficiarySituation(TenantScoped, db.Model):
    """One situation per row, so reports count households by situation in plain SQL."""

    __tablename__ = "beneficiary_situations"
    __table_args__ = (CheckConstraint(_in("situation", Situation), name="situation_known"),)

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), primary_key=True)
    situation: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="situation_rows")


class DocumentCheck(TenantScoped, db.Model):
    """That a document was seen, when and by whom. The scan itself is never stored."""

    __tablename__ = "document_checks"
    __table_args__ = (CheckConstraint(_in("kind", DocumentKind), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120), default="")  # for "other"; erased by purge
    checked_on: Mapped[date]
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    checked_by = relationship("User", lazy="raise_on_sql")


class PolicyVersion(TenantScoped, db.Model):
    """One version of the local eligibility policy. Append-only: a change is a new version."""

    __tablename__ = "eligibility_policies"
    __table_args__ = (UniqueConstraint("workshop_id", "version", name="uq_eligibility_policies_workshop_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)  # Policy.to_dict()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by = relationship("User", lazy="raise_on_sql")


class ApplicationDecision(TenantScoped, db.Model):
    """One status change of a file, with the policy version and the evaluation it relied on.
    Append-only."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(_in("to_status", Status), name="to_status_known"),
        Index("ix_decisions_beneficiary_time", "beneficiary_id", "occurred_at"),
        # Policy versions are numbered per workshop.
        ForeignKeyConstraint(["workshop_id", "policy_version"],
                             ["eligibility_policies.workshop_id", "eligibility_policies.version"],
                             name="fk_decisions_workshop_policy_eligibility_policies"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    policy_version: Mapped[int]
    # eligible, reasons, priority, quotient_familial (+ working lines); None for organisations.
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    override: Mapped[bool] = mapped_column(default=False)

    actor = relationship("User", lazy="raise_on_sql")


class AccessLogEntry(TenantScoped, db.Model):
    """Who opened which file, when, to do what. Append-only."""

    __tablename__ = "access_log"
    __table_args__ = (
        CheckConstraint(_in("action", AccessAction), name="action_known"),
        Index("ix_access_log_beneficiary_time", "beneficiary_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    occurred_at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(12))
    detail: Mapped[str] = mapped_column(String(40), default="")

    user = relationship("User", lazy="raise_on_sql")


append_only(
    PolicyVersion, ApplicationDecision, AccessLogEntry,
    message="Les décisions, versions de politique et consultations ne peuvent pas être modifiées.",
)
