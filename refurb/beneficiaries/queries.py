"""Read side of beneficiary files: lists, the waiting list, a file's history, statistics."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from refurb.beneficiaries.models import (
    AccessLogEntry,
    ApplicationDecision,
    Beneficiary,
    BeneficiarySituation,
    DocumentCheck,
    PolicyVersion,
)
from refurb.core.applications import Status
from refurb.extensions import db


def awaiting_decision(query: Select, reader_id: int, four_eyes: bool) -> Select:
    """Submitted files the reader may decide on: with four eyes, not the ones they created."""
    query = query.where(Beneficiary.status == Status.SUBMITTED.value,
                        Beneficiary.anonymised_at.is_(None))
    if four_eyes:
        query = query.where(or_(Beneficiary.created_by_id.is_(None),
                                Beneficiary.created_by_id != reader_id))
    return query


def list_files_query(
    status: str | None = None, kind: str | None = None, text: str | None = None,
    decidable_by: tuple[int, bool] | None = None,
) -> Select:
    """`decidable_by`: (reader id, four eyes) for the submitted files that reader may decide."""
    query = select(Beneficiary).order_by(Beneficiary.id.desc())
    if decidable_by is not None:
        query = awaiting_decision(query, *decidable_by)
    if status:
        query = query.where(Beneficiary.status == status)
    if kind:
        query = query.where(Beneficiary.kind == kind)
    if text and text.strip():
        needle = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Beneficiary.last_name).like(needle),
                func.lower(Beneficiary.first_name).like(needle),
                func.lower(Beneficiary.organisation_name).like(needle),
                func.lower(Beneficiary.pseudonym).like(needle),
                func.lower(Beneficiary.commune).like(needle),
            )
        )
    return query


def waiting_list_query() -> Select:
    """Highest priority first; equal priorities by application date, then file number."""
    return (
        select(Beneficiary)
        .where(Beneficiary.status == Status.WAITING, Beneficiary.anonymised_at.is_(None))
        .order_by(
            Beneficiary.priority.desc(), Beneficiary.submitted_on.asc(), Beneficiary.id.asc()
        )
    )


def count_files(status: str | None = None, decidable_by: tuple[int, bool] | None = None
                ) -> int:
    query = list_files_query(status, decidable_by=decidable_by).order_by(None)
    if status:
        query = query.where(Beneficiary.anonymised_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def count_waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(
        waiting_list_query().order_by(None).subquery())) or 0


def approved_and_valid_query(today: date) -> Select:
    """Files that may receive a device today (for the allocation flow's pickers)."""
    return (
        select(Beneficiary)
        .where(
            Beneficiary.status == Status.APPROVED,
            Beneficiary.anonymised_at.is_(None),
            Beneficiary.approved_on <= today,
            Beneficiary.approved_until >= today,
        )
        .order_by(Beneficiary.priority.desc(), Beneficiary.approved_on.asc(), Beneficiary.id)
    )


def lock_beneficiary(beneficiary_id: int) -> Beneficiary | None:
    """Load a file with a row lock (PostgreSQL; SQLite locks the whole database on write)."""
    return db.session.scalar(
        select(Beneficiary).where(Beneficiary.id == beneficiary_id).with_for_update()
    )


def get_by_pseudonym(pseudonym: str) -> Beneficiary | None:
    return db.session.scalar(
        select(Beneficiary).where(Beneficiary.pseudonym == pseudonym.strip().upper())
    )


def get_decisions(beneficiary_id: int) -> list[ApplicationDecision]:
    return list(
        db.session.scalars(
            select(ApplicationDecision)
            .options(joinedload(ApplicationDecision.actor))
            .where(ApplicationDecision.beneficiary_id == beneficiary_id)
            .order_by(ApplicationDecision.occurred_at, ApplicationDecision.id)
        )
    )


def get_document_checks(beneficiary_id: int) -> list[DocumentCheck]:
    return list(
        db.session.scalars(
            select(DocumentCheck)
            .options(joinedload(DocumentCheck.checked_by))
            .where(DocumentCheck.beneficiary_id == beneficiary_id)
            .order_by(DocumentCheck.checked_on, DocumentCheck.id)
        )
    )


def get_access_log(beneficiary_id: int, limit: int | None = None) -> list[AccessLogEntry]:
    query = (
        select(AccessLogEntry)
        .options(joinedload(AccessLogEntry.user))
        .where(AccessLogEntry.beneficiary_id == beneficiary_id)
        .order_by(AccessLogEntry.occurred_at.desc(), AccessLogEntry.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def stale_files(cutoff: datetime) -> list[Beneficiary]:
    """Files not yet anonymised with no contact since ``cutoff``, oldest file first."""
    return list(db.session.scalars(
        select(Beneficiary)
        .where(Beneficiary.anonymised_at.is_(None), Beneficiary.last_contact_at < cutoff)
        .order_by(Beneficiary.id)
    ))


def latest_policy_row() -> PolicyVersion | None:
    return db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.version.desc()).limit(1)
    ).first()


def list_policy_versions() -> list[PolicyVersion]:
    return list(
        db.session.scalars(
            select(PolicyVersion)
            .options(joinedload(PolicyVersion.created_by))
            .order_by(PolicyVersion.version.desc())
        )
    )


def get_policy_row(version: int) -> PolicyVersion | None:
    return db.session.scalar(
        select(PolicyVersion)
        .options(joinedload(PolicyVersion.created_by))
        .where(PolicyVersion.version == version)
    )


def count_beneficiaries() -> dict[str, dict[str, int]]:
    """Files counted by kind, commune, situation, QF band and status.

    Reads only what the GDPR purge keeps, so the figures are the same before and after it.
    """

    def grouped(column, *joins) -> dict[str, int]:
        query = select(column, func.count()).select_from(Beneficiary)
        for target in joins:
            query = query.join(target)
        rows = db.session.execute(query.group_by(column).order_by(column))
        return {key: count for key, count in rows}

    return {
        "kind": grouped(Beneficiary.kind),
        "commune": grouped(Beneficiary.commune),
        "situation": grouped(BeneficiarySituation.situation, Beneficiary.situation_rows),
        "qf_band": grouped(Beneficiary.qf_band),
        "status": grouped(Beneficiary.status),
    }
