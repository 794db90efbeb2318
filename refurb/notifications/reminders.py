"""What is due today: reminders to families, notices to donors, the validation digest to social
workers. Each is scheduled once (refurb.notifications.services.schedule) then delivered."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from refurb.accounts.models import Role, User
from refurb.allocations.models import Allocation, Reservation
from refurb.beneficiaries.models import Beneficiary
from refurb.core import notifications as rules
from refurb.core.applications import Status
from refurb.core.handover import Mode
from refurb.documents.models import IssuedDocument
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.notifications.services import (
    beneficiary_recipient,
    donor_recipient,
    schedule,
    user_recipient,
)
from refurb.training.models import Enrolment, Programme, TrainingSession
from refurb.web import public_base_url

DONOR_DOCUMENTS = ("erasure_certificate", "collection_receipt")
DOCUMENT_LOOKBACK = timedelta(days=3)  # a notice not scheduled within three days is stale
DIGEST_NAMES = 20


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


def session_reminders(today: date, now: datetime) -> int:
    horizon = today + timedelta(days=rules.SESSION_REMINDER[1])
    rows = db.session.execute(
        select(TrainingSession, Programme.title, Beneficiary)
        .join(Programme, Programme.id == TrainingSession.programme_id)
        .join(Enrolment, Enrolment.programme_id == TrainingSession.programme_id)
        .join(Beneficiary, Beneficiary.id == Enrolment.beneficiary_id)
        .where(TrainingSession.session_date.between(today, horizon),
               Enrolment.withdrawn_on.is_(None),
               (TrainingSession.group_name == "")
               | (Enrolment.group_name == TrainingSession.group_name))
        .order_by(TrainingSession.id, Beneficiary.id)).all()
    made = 0
    for session, title, person in rows:
        recipient = beneficiary_recipient(person)
        if recipient is None:
            continue
        params = {"programme": title, "session_on": session.session_date.isoformat(),
                  "start": _hhmm(session.start_time), "end": _hhmm(session.end_time),
                  "place": session.place}
        made += schedule(rules.SESSION_REMINDER[0], f"session:{session.id}:b:{person.id}",
                         session.session_date, recipient, params, now=now) is not None
    return made


def loan_reminders(today: date, now: datetime) -> int:
    rows = db.session.execute(
        select(Allocation, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .where(Allocation.mode == Mode.LOAN.value, Allocation.status == "active",
               Allocation.due_on.between(today, today + timedelta(days=rules.LOAN_DUE_30[1])))
        .order_by(Allocation.id)).all()
    made = 0
    for allocation, person in rows:
        due = rules.loan_reminder(allocation.due_on, today)
        recipient = beneficiary_recipient(person)
        if due is None or recipient is None:
            continue
        template, _days = due
        params = {"number": allocation.number, "due_on": allocation.due_on.isoformat(),
                  "days": (allocation.due_on - today).days}
        made += schedule(template, f"allocation:{allocation.id}", allocation.due_on, recipient,
                         params, now=now) is not None
    return made


def reservation_reminders(today: date, now: datetime) -> int:
    horizon = today + timedelta(days=rules.RESERVATION_EXPIRING[1])
    rows = db.session.execute(
        select(Reservation, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Reservation.beneficiary_id)
        .where(Reservation.status == "active", Reservation.expires_on.between(today, horizon))
        .order_by(Reservation.id)).all()
    made = 0
    for reservation, person in rows:
        recipient = beneficiary_recipient(person)
        if recipient is None:
            continue
        params = {"number": reservation.id, "expires_on": reservation.expires_on.isoformat()}
        made += schedule(rules.RESERVATION_EXPIRING[0], f"reservation:{reservation.id}",
                         reservation.expires_on, recipient, params, now=now) is not None
    return made


def files_awaiting_digest(today: date, now: datetime) -> int:
    """One message a day to each social worker while submitted files wait for a decision."""
    waiting = db.session.scalars(
        select(Beneficiary.pseudonym).where(Beneficiary.status == Status.SUBMITTED.value)
        .order_by(Beneficiary.submitted_on, Beneficiary.id)).all()
    if not waiting:
        return 0
    workers = db.session.scalars(select(User).where(
        User.role == Role.SOCIAL_WORKER.value, User.active.is_(True)).order_by(User.id)).all()
    params = {"count": len(waiting), "pseudonyms": list(waiting[:DIGEST_NAMES]),
              "url": f"{public_base_url()}/beneficiaries/?status=submitted"}
    return sum(schedule("files_awaiting", f"user:{user.id}", today, user_recipient(user),
                        params, now=now) is not None for user in workers)


def document_notices(now: datetime) -> int:
    """Donors told when an erasure certificate or a collection receipt is issued for them."""
    rows = db.session.execute(
        select(IssuedDocument.id, IssuedDocument.kind, IssuedDocument.number,
               IssuedDocument.version, IssuedDocument.issued_at, DonorOrganisation)
        .join(DonorOrganisation, DonorOrganisation.id == IssuedDocument.donor_id)
        .where(IssuedDocument.kind.in_(DONOR_DOCUMENTS),
               IssuedDocument.issued_at >= now - DOCUMENT_LOOKBACK)
        .order_by(IssuedDocument.id)).all()
    made = 0
    for _id, kind, number, version, issued_at, donor in rows:
        recipient = donor_recipient(donor)
        if recipient is None:
            continue
        params = {"kind": kind, "number": number, "version": version,
                  "url": f"{public_base_url()}/portal/"}
        made += schedule("document_available", f"document:{number}:v{version}",
                         issued_at.date(), recipient, params, now=now) is not None
    return made


def daily_reminders(today: date, now: datetime) -> dict[str, int]:
    return {
        "session_reminder": session_reminders(today, now),
        "loan_due": loan_reminders(today, now),
        "reservation_expiring": reservation_reminders(today, now),
        "files_awaiting": files_awaiting_digest(today, now),
        "document_available": document_notices(now),
    }
