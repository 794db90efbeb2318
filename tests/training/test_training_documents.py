"""The attendance sheet and the attestation: right names, dates and hours; the attestation
is a personal document."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.beneficiaries.models import AccessLogEntry
from refurb.core.errors import IllegalTransition
from refurb.documents.models import IssuedDocument
from refurb.settings.services import set_value
from refurb.training import attendance, certificates
from tests.access import status_for_roles
from tests.training.helpers import (
    NOW,
    PAST,
    enrol,
    make_participant,
    make_programme,
    make_session,
    mark,
    pdf_text,
)

WORKSHOP = {"name": "Atelier FERIS", "address": "Place de la Mairie, Fresnes-sur-Escaut",
            "siret": "", "contact": ""}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_attendance_sheet_of_an_afternoon_session(db):
    programme = make_programme("Prise en main — 5 séances de 2 h")
    anna = make_participant(last_name="Quetzalcoatlé", first_name="Anna")
    bruno = make_participant(last_name="Brindillon", first_name="Bruno")
    for person in (anna, bruno):
        enrol(programme, person)
    session = make_session(programme, on=PAST, start="14:00", end="16:00",
                           place="Salle Jean Jaurès", trainer_name="Claire Formatrice",
                           topics="Module 1 : le bureau et les fichiers")
    mark(session, bruno, afternoon="excused")
    text = _flat(pdf_text(attendance.attendance_sheet(session, workshop=WORKSHOP)))
    assert "Feuille d'émargement" in text
    assert "Prise en main — 5 séances de 2 h" in text
    assert "Module 1 : le bureau et les fichiers" in text
    assert "14:00 – 16:00" in text and "durée 2 h" in text
    assert "Salle Jean Jaurès" in text and "Claire Formatrice" in text
    assert "Séance 1 sur 5 prévues" in text
    assert f"{PAST.day} " in text and str(PAST.year) in text
    # The morning column exists but is not to be signed; the afternoon one is.
    assert "Matin — sans objet" in text and "Après-midi (2 h)" in text
    assert "QUETZALCOATLÉ Anna" in text and "BRINDILLON Bruno" in text
    assert anna.pseudonym in text
    # A recorded excuse is printed in its box; nothing is pre-filled for the others.
    assert text.count("Excusé") == 1
    assert text.count("Présent") == 1  # only in "Présents : ____", for the trainer
    assert "4.1 Sécuriser l'environnement numérique" in text


def test_attendance_sheet_of_a_full_day_has_both_columns(db):
    programme = make_programme()
    enrol(programme, make_participant())
    session = make_session(programme, start="09:00", end="17:00", pause=60)
    text = _flat(pdf_text(attendance.attendance_sheet(session, workshop=WORKSHOP)))
    assert "Matin (3 h)" in text and "Après-midi (4 h)" in text
    assert "durée 7 h (pause de 60 min déduite)" in text


def _trained(db):
    programme = make_programme("Ateliers parents — 6 séances", planned=6,
                               codes=("2.1", "4.2"))
    person = make_participant(last_name="Zéphyrine", first_name="Élodie")
    enrolment = enrol(programme, person)
    first = make_session(programme, on=PAST - timedelta(days=7), codes=("2.1",),
                         topics="Écrire un courriel")
    second = make_session(programme, on=PAST, start="09:00", end="17:00", pause=60,
                          codes=("4.2",), topics="Se protéger en ligne")
    mark(first, person, afternoon="present", levels={"2.1": 2})
    mark(second, person, morning="present", afternoon="absent")
    return programme, person, enrolment


def test_certificate_states_identity_dates_hours_and_competences(db):
    programme, person, enrolment = _trained(db)
    set_value(certificates.SIGNATORY, "Mme Durand, directrice du CCAS", actor_id=None,
              now=NOW)
    document, created = certificates.issue_certificate(enrolment, workshop=WORKSHOP,
                                                   actor_id=None, now=NOW)
    assert created and document.personal and document.kind == "training_certificate"
    assert document.number == enrolment.certificate_number and document.number.startswith("ATF-")
    text = _flat(pdf_text(document.content))
    assert "Attestation de formation" in text
    assert "ZÉPHYRINE Élodie" in text and "né(e) le 02/04/1985" in text
    assert "Ateliers parents — 6 séances" in text
    first, last = PAST - timedelta(days=7), PAST
    assert f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}" in text
    # 2 h, then the morning (3 h) of a full day: 5 h over 2 sessions of 6 planned.
    assert "pour une durée de 5 h" in text
    assert "2 sur 6 prévues" in text and "5 h sur 12 h prévues" in text
    assert "4 séance(s) restante(s)" in text
    assert "2.1 Interagir" in text
    assert "Protéger les données personnelles et la vie privée" in text
    assert "Compétence validée" in text and "Mme Durand, directrice du CCAS" in text
    log = db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.beneficiary_id == person.id, AccessLogEntry.action == "export")).all()
    assert len(log) == 1 and document.number in log[0].detail


def test_certificate_versions_follow_the_facts(db):
    programme, person, enrolment = _trained(db)
    v1, _ = certificates.issue_certificate(enrolment, workshop=WORKSHOP, actor_id=None, now=NOW)
    same, created = certificates.issue_certificate(enrolment, workshop=WORKSHOP, actor_id=None,
                                               now=NOW + timedelta(hours=1))
    assert not created and same.id == v1.id
    mark(make_session(programme, on=PAST + timedelta(days=1)), person, afternoon="present")
    v2, created = certificates.issue_certificate(enrolment, workshop=WORKSHOP, actor_id=None,
                                             now=NOW)
    assert created and v2.version == 2 and v2.number == v1.number
    assert "3 sur 6 prévues" in _flat(pdf_text(v2.content))


def test_no_certificate_without_a_session_attended(db):
    programme = make_programme()
    enrolment = enrol(programme, make_participant())
    with pytest.raises(IllegalTransition, match="aucune séance"):
        certificates.issue_certificate(enrolment, workshop=WORKSHOP, actor_id=None, now=NOW)


def test_certificate_download_is_for_social_workers_and_admins_only(app, db):
    _programme, _person, enrolment = _trained(db)
    document, _ = certificates.issue_certificate(enrolment, workshop=WORKSHOP, actor_id=None,
                                             now=NOW)
    db.session.commit()
    url = f"/documents/{document.id}/{document.filename}"
    results = status_for_roles(app, url)
    assert results["admin"] == 200 and results["social_worker"] == 200
    assert results["technician"] in (403, 404) and results["donor"] in (403, 404)
    assert results["anonymous"] == 302


def test_certificate_through_the_web(db, client, login_as):
    _programme, _person, enrolment = _trained(db)
    db.session.commit()
    login_as("social_worker")
    response = client.post(f"/training/enrolments/{enrolment.id}/certificate")
    assert response.status_code == 302
    pdf = client.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "ZÉPHYRINE Élodie" in _flat(pdf_text(pdf.data))
    assert db.session.scalar(select(IssuedDocument.personal)) is True
