"""Consent and preferred channel of a beneficiary or a donor's contact."""

from __future__ import annotations

from datetime import datetime

from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.files import flush_file
from refurb.beneficiaries.models import AccessAction, Beneficiary
from refurb.core import notifications as rules
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.donors.models import DonorOrganisation
from refurb.extensions import db


def _check(channel: str, language: str, consent: bool, email: str, phone: str) -> None:
    if channel not in rules.CHANNELS or language not in rules.LANGUAGES:
        raise InvalidInput(N_("Canal ou langue inconnu."))
    if channel == "none":
        return
    if not consent:
        raise InvalidInput(N_("Sans accord de la personne, choisissez « Aucun rappel »."))
    if channel == "email" and not email.strip():
        raise InvalidInput(N_("Aucune adresse électronique : renseignez-la d'abord."))
    if channel == "sms" and not phone.strip():
        raise InvalidInput(N_("Aucun numéro de téléphone : renseignez-le d'abord."))


def _apply(subject, channel: str, language: str, now: datetime) -> None:
    if channel == "none":
        subject.notify_consent_at = None
    elif subject.notify_channel != channel or subject.notify_consent_at is None:
        subject.notify_consent_at = now  # when the person agreed to this channel
    subject.notify_channel, subject.notify_language = channel, language


def set_beneficiary_preferences(beneficiary: Beneficiary, *, channel: str, language: str,
                                consent: bool, actor_id: int | None, now: datetime) -> None:
    if beneficiary.anonymised_at is not None:
        raise InvalidInput(N_("Dossier anonymisé : plus aucun rappel possible."))
    _check(channel, language, consent, beneficiary.email, beneficiary.phone)
    _apply(beneficiary, channel, language, now)
    beneficiary.updated_at = now
    record_access(beneficiary, AccessAction.EDIT, actor_id=actor_id, now=now,
                  detail="préférences de contact")
    flush_file(beneficiary)


def set_donor_preferences(donor: DonorOrganisation, *, channel: str, language: str,
                          consent: bool, now: datetime) -> None:
    _check(channel, language, consent, donor.contact_email, donor.contact_phone)
    _apply(donor, channel, language, now)
    db.session.flush()
