"""Enrolments: a beneficiary joins a programme (and a group), or stops following it."""

from __future__ import annotations

from datetime import date, datetime

from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import record_contact
from refurb.clock import local_date
from refurb.core.applications import Status
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.training import queries
from refurb.training.models import Enrolment, Programme
from refurb.training.programmes import flush_unique


def _check_can_enrol(programme: Programme, beneficiary: Beneficiary) -> None:
    if not programme.active:
        raise IllegalTransition(N_("La formation « %(title)s » n'est plus proposée."),
                                title=programme.title)
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(N_("Le dossier %(pseudonym)s est anonymisé."),
                                pseudonym=beneficiary.pseudonym)
    if beneficiary.status == Status.CLOSED:
        raise IllegalTransition(N_("Le dossier %(pseudonym)s est clos."),
                                pseudonym=beneficiary.pseudonym)


def _enrolment_date(enrolled_on: date | None, now: datetime) -> date:
    """The day the person joined: today, or an earlier day for an enrolment taken on paper."""
    today = local_date(now)
    if enrolled_on is None:
        return today
    if enrolled_on > today:
        raise InvalidInput(N_("La date d'inscription ne peut pas être dans le futur."))
    return enrolled_on


def enrol(programme: Programme, beneficiary: Beneficiary, *, group_name: str = "",
          actor_id: int | None, now: datetime, enrolled_on: date | None = None) -> Enrolment:
    _check_can_enrol(programme, beneficiary)
    joined = _enrolment_date(enrolled_on, now)
    group = " ".join((group_name or "").split())
    enrolment = queries.enrolment_of(programme.id, beneficiary.id)
    if enrolment is not None and enrolment.withdrawn_on is None:
        raise InvalidInput(N_("Le dossier %(pseudonym)s est déjà inscrit à « %(title)s »."),
                           pseudonym=beneficiary.pseudonym, title=programme.title)
    if enrolment is None:
        enrolment = Enrolment(programme_id=programme.id, beneficiary_id=beneficiary.id)
        db.session.add(enrolment)
    enrolment.group_name = group
    enrolment.enrolled_on = joined
    enrolment.enrolled_by_id = actor_id
    enrolment.withdrawn_on = None
    flush_unique(N_("Ce dossier vient d'être inscrit par quelqu'un d'autre : rechargez la page."))
    record_contact(beneficiary, now)
    return enrolment


def enrol_by_pseudonym(programme_id: int | None, pseudonym: str, *, group_name: str = "",
                       actor_id: int | None, now: datetime) -> Enrolment:
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        raise InvalidInput(N_("Choisissez une formation."))
    beneficiary = queries.get_beneficiary_by_pseudonym(pseudonym)
    if beneficiary is None:
        raise InvalidInput(N_("Aucun dossier ne porte le numéro « %(pseudonym)s »."),
                           pseudonym=pseudonym.strip())
    return enrol(programme, beneficiary, group_name=group_name, actor_id=actor_id, now=now)


def withdraw(enrolment: Enrolment, *, actor_id: int | None, now: datetime) -> Enrolment:
    if enrolment.withdrawn_on is not None:
        raise InvalidInput(N_("Cette inscription est déjà arrêtée."))
    enrolment.withdrawn_on = local_date(now)
    db.session.flush()
    return enrolment
