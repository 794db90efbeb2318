"""Scheduling a message (once per template, subject and date) and delivering it, with retries.

Services flush; the job that calls them commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from refurb.accounts.models import User
from refurb.beneficiaries.models import Beneficiary
from refurb.core import notifications as rules
from refurb.core.i18n import N_
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db
from refurb.notifications import channels
from refurb.notifications.models import Notification
from refurb.settings import workshop as workshop_identity

# Templates that share one text (the J-30 and J-7 loan reminders).
TEMPLATE_FILES = {"loan_due_30": "loan_due", "loan_due_7": "loan_due"}
TEMPLATE_LABELS = {
    "session_reminder": N_("Rappel de séance de formation (J-2)"),
    "loan_due_30": N_("Fin de prêt (J-30)"),
    "loan_due_7": N_("Fin de prêt (J-7)"),
    "reservation_expiring": N_("Réservation bientôt échue"),
    "document_available": N_("Certificat ou reçu disponible"),
    "files_awaiting": N_("Dossiers en attente de validation"),
}


@dataclass(frozen=True)
class Recipient:
    kind: str
    id: int
    label: str
    channel: str
    language: str


def _language(value: str | None) -> str:
    return value if value in rules.LANGUAGES else "fr"


def beneficiary_recipient(beneficiary: Beneficiary) -> Recipient | None:
    if beneficiary.anonymised_at is not None or not rules.may_write(
            beneficiary.notify_channel, beneficiary.notify_consent_at):
        return None
    return Recipient("beneficiary", beneficiary.id, beneficiary.pseudonym,
                     beneficiary.notify_channel, _language(beneficiary.notify_language))


def donor_recipient(donor: DonorOrganisation) -> Recipient | None:
    if not rules.may_write(donor.notify_channel, donor.notify_consent_at):
        return None
    return Recipient("donor", donor.id, donor.name, donor.notify_channel,
                     _language(donor.notify_language))


def user_recipient(user: User) -> Recipient:
    return Recipient("user", user.id, user.display_name, "email", _language(user.locale))


def schedule(template: str, subject_ref: str, day: date, recipient: Recipient,
             params: dict[str, Any], *, now: datetime) -> Notification | None:
    """The message, logged as pending; None when this (template, subject, date) already has
    one: a reminder is never sent twice, even by two schedulers at once."""
    key = rules.idempotency_key(template, subject_ref, day)
    if db.session.scalar(select(Notification.id).where(Notification.idempotency_key == key)):
        return None
    row = Notification(
        idempotency_key=key, template=template, subject_ref=subject_ref,
        channel=recipient.channel, language=recipient.language,
        recipient_kind=recipient.kind, recipient_id=recipient.id,
        recipient_label=recipient.label[:200], params=params, status="pending", attempts=0,
        error="", created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def render(template: str, language: str, params: dict[str, Any]) -> dict[str, str]:
    """{"subject", "body", "sms"} of a template in the recipient's language."""
    name = TEMPLATE_FILES.get(template, template)
    jinja = current_app.jinja_env.get_template(f"notifications/messages/{name}.{language}.txt")
    values = {key: date.fromisoformat(value) if key.endswith("_on") else value
              for key, value in params.items()}
    values.setdefault("workshop", workshop_identity.current().name or "")
    context = jinja.new_context(values)
    return {part: "".join(jinja.blocks[part](context)).strip()
            for part in ("subject", "body", "sms")}


def _address(row: Notification) -> str:
    """Read from the person at sending time: never copied into the log."""
    if row.recipient_kind == "beneficiary":
        person = db.session.get(Beneficiary, row.recipient_id)
        if person is None or beneficiary_recipient(person) is None:
            return ""
        return person.email if row.channel == "email" else person.phone
    if row.recipient_kind == "donor":
        donor = db.session.get(DonorOrganisation, row.recipient_id)
        if donor is None or donor_recipient(donor) is None:
            return ""
        return donor.contact_email if row.channel == "email" else donor.contact_phone
    user = db.session.get(User, row.recipient_id)
    return user.email if user is not None and user.active else ""


def deliver(row: Notification, *, now: datetime) -> bool:
    """Send one message; a failure is logged and tried again later with a growing delay."""
    row.attempts += 1
    address = _address(row).strip()
    try:
        if not address:
            raise LookupError("no address, or consent withdrawn")
        text = render(row.template, row.language, row.params)
        if row.channel == "email":
            channels.send_email(address, text["subject"], text["body"])
        else:
            channels.send_sms(address, text["sms"])
    except Exception as error:  # noqa: BLE001 — any failure of a gateway is logged and retried
        row.error = f"{type(error).__name__}: {error}"[:1000]
        row.next_attempt_at = rules.next_attempt(row.attempts, now)
        row.status = "pending" if row.next_attempt_at is not None else "failed"
        db.session.flush()
        return False
    row.status, row.sent_at, row.error, row.next_attempt_at = "sent", now, "", None
    db.session.flush()
    return True


def deliver_due(*, now: datetime, limit: int = 500) -> tuple[int, int]:
    """Every pending message whose time has come: (sent, not sent)."""
    rows = db.session.scalars(
        select(Notification).where(
            Notification.status == "pending",
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
        .order_by(Notification.id).limit(limit)).all()
    sent = sum(1 for row in rows if deliver(row, now=now))
    return sent, len(rows) - sent
