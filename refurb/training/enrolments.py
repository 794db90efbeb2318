"""Enrolments: a beneficiary joins a programme (and a group), or stops following it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import record_contact
from refurb.clock import local_date
from refurb.core.applications import Status
from refurb.core.errors import DomainError, IllegalTransition, InvalidInput, Message
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


@dataclass(frozen=True)
class EnrolManyReport:
    enrolled: list[Enrolment]
    already: list[Beneficiary]  # enrolled before (not withdrawn): left as they were


def enrol_many(programme: Programme, beneficiary_ids: Iterable[int], actor_id: int | None,
               now: datetime, *, group_name: str = "",
               enrolled_on: date | None = None) -> EnrolManyReport:
    """Enrol several files at once, all or none: one file that cannot be enrolled (closed,
    anonymised, unknown) refuses the lot with every reason. Files already enrolled are not an
    error: they are left as they are and reported. For the enrolment page and for callers
    enrolling a whole group (a cohort)."""
    ids = list(dict.fromkeys(beneficiary_ids))
    if not ids:
        raise InvalidInput(N_("Cochez au moins un bénéficiaire à inscrire."))
    if not programme.active:
        raise IllegalTransition(N_("La formation « %(title)s » n'est plus proposée."),
                                title=programme.title)
    joined = _enrolment_date(enrolled_on, now)
    people = queries.beneficiaries_by_ids(ids)
    current = {e.beneficiary_id: e for e in queries.enrolments_for(programme.id, ids)}
    reasons: list[str | Message] = []
    if len(people) != len(ids):
        reasons.append(Message(N_("%(n)s dossier(s) introuvable(s)."),
                               {"n": len(ids) - len(people)}))
    for person in people.values():
        try:
            _check_can_enrol(programme, person)
        except DomainError as error:
            reasons.append(error.msg)
    if reasons:
        raise IllegalTransition(N_("Aucune inscription enregistrée : %(n)s dossier(s) ne "
                                   "peuvent pas être inscrits."), reasons=reasons,
                                n=len(reasons))
    group = " ".join((group_name or "").split())
    enrolled, already = [], []
    for beneficiary_id in ids:
        person, enrolment = people[beneficiary_id], current.get(beneficiary_id)
        if enrolment is not None and enrolment.withdrawn_on is None:
            already.append(person)
            continue
        if enrolment is None:
            enrolment = Enrolment(programme_id=programme.id, beneficiary_id=person.id)
            db.session.add(enrolment)
        enrolment.group_name, enrolment.enrolled_on = group, joined
        enrolment.enrolled_by_id, enrolment.withdrawn_on = actor_id, None
        enrolled.append(enrolment)
    flush_unique(N_("Une de ces personnes vient d'être inscrite par quelqu'un d'autre : "
                    "rechargez la page."))
    for enrolment in enrolled:
        record_contact(people[enrolment.beneficiary_id], now)
    return EnrolManyReport(enrolled, already)
