"""The attestation de formation: one participant, one programme, the sessions attended and
the Pix competences worked and validated. Issued as a personal document (social workers and
admins only); issuing it again with nothing changed gives back the same version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import record_access
from refurb.core.errors import IllegalTransition
from refurb.core.i18n import N_
from refurb.core.training import SessionRecord, progress
from refurb.counters import next_number
from refurb.documents.services import issue_document
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings.services import get as get_setting
from refurb.training import queries
from refurb.training.documents import certificate_payload, render_certificate
from refurb.training.models import Enrolment, Programme
from refurb.training.progress import best_levels, competence_lines, records

SIGNATORY = "training.certificate_signatory"
SIGNATORY_SETTING = Definition(
    SIGNATORY, N_("Signataire des attestations de formation"), "str", "",
    help=N_("Nom et fonction de la personne qui signe les attestations (vide : le nom de "
            "l'atelier)."), section=N_("Formation"))
CERTIFICATE_COUNTER = "training_certificate"
CERTIFICATE_KIND = "training_certificate"


def _attended(beneficiary: Beneficiary, programme: Programme) -> dict[int, SessionRecord]:
    """The sessions of ``programme`` the participant came to; refused when there are none."""
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(N_("Le dossier %(pseudonym)s est anonymisé : plus d'attestation "
                                   "nominative."), pseudonym=beneficiary.pseudonym)
    mine = records(queries.mark_rows([beneficiary.id])).get(beneficiary.id, {})
    by_session = mine.get(programme.id, {})
    attended = {sid: r for sid, r in by_session.items() if r.attended}
    if not attended:
        raise IllegalTransition(N_("%(name)s n'a encore suivi aucune séance de « %(title)s » : "
                                   "pas d'attestation."),
                                name=beneficiary.display_name, title=programme.title)
    return by_session


def _payload(enrolment: Enrolment, beneficiary: Beneficiary, programme: Programme,
             by_session: Mapping[int, SessionRecord], workshop: Mapping[str, str]) -> dict:
    attended = {sid: r for sid, r in by_session.items() if r.attended}
    done = progress(programme.planned_sessions, by_session.values())
    sessions = queries.session_details(attended)
    worked, validated = competence_lines(
        queries.competences_worked(beneficiary.id, programme.id),
        best_levels(queries.validations_of_beneficiary(beneficiary.id), programme.id))
    return certificate_payload(
        number=enrolment.certificate_number,
        workshop=workshop,
        signatory=str(get_setting(SIGNATORY) or ""),
        participant={"name": beneficiary.display_name, "pseudonym": beneficiary.pseudonym,
                     "birth_date": beneficiary.birth_date, "commune": beneficiary.commune},
        programme={"title": programme.title, "description": programme.description,
                   "planned_sessions": programme.planned_sessions,
                   "hours_per_session": programme.hours_per_session},
        sessions=[
            {"date": sessions[sid].session_date, "start": sessions[sid].start_time,
             "end": sessions[sid].end_time, "topics": sessions[sid].topics,
             "minutes": attended[sid].minutes_attended}
            for sid in attended
        ],
        attended=done.attended,
        minutes=done.minutes,
        worked=[(c.code, c.name) for c in worked],
        validated=[(c.code, c.name, c.level) for c in validated],
    )


def issue_certificate(enrolment: Enrolment, *, workshop: Mapping[str, str],
                      actor_id: int | None, now: datetime):
    """(document, created): the attestation of one participant for one programme."""
    beneficiary = db.session.get(Beneficiary, enrolment.beneficiary_id)
    programme = db.session.get(Programme, enrolment.programme_id)
    by_session = _attended(beneficiary, programme)
    if enrolment.certificate_number is None:
        enrolment.certificate_number = f"ATF-{next_number(CERTIFICATE_COUNTER):05d}"
    payload = _payload(enrolment, beneficiary, programme, by_session, workshop)
    done = progress(programme.planned_sessions, by_session.values())
    document, created = issue_document(
        kind=CERTIFICATE_KIND,
        number=enrolment.certificate_number,
        subject=f"beneficiary:{beneficiary.id}",
        payload=payload,
        render=render_certificate,
        filename_stem=f"attestation-formation-{enrolment.certificate_number}",
        actor_id=actor_id,
        now=now,
        summary={"programme": programme.title, "sessions": done.attended,
                 "hours": str(done.hours)},
        personal=True,
    )
    record_access(beneficiary, "export", actor_id=actor_id, now=now,
                  detail=f"attestation {enrolment.certificate_number}")
    return document, created
