"""Factories for the training record, through the real services."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, time, timedelta
from decimal import Decimal

from pypdf import PdfReader

from refurb.clock import local_date, utcnow
from refurb.extensions import db
from refurb.training import attendance, enrolments, programmes, sessions
from tests.beneficiaries.helpers import make_file

_seq = itertools.count(1)
NOW = utcnow().replace(microsecond=0)
TODAY = local_date(NOW)  # the workshop's day: from 23:00 UTC in winter, already tomorrow's
PAST = TODAY - timedelta(days=14)
FUTURE = TODAY + timedelta(days=14)
# Surnames found nowhere else in a page, so "absent from the HTML" means something.
NAMES = ["Quetzalcoatlé", "Brindillon", "Ornithorynque", "Zéphyrine", "Mirabellier",
         "Tournesolard", "Coquelicoq", "Pamplemoussé", "Cacahuètois", "Rhododendrée",
         "Saperlipopet", "Ventrebleu"]


def make_programme(title: str | None = None, *, planned: int = 5, hours: str = "2",
                   codes=("1.1", "4.1", "5.1"), actor_id: int | None = None, active: bool = True):
    values = programmes.ProgrammeValues(
        title=title or f"Prise en main — 5 séances de 2 h ({next(_seq)})",
        planned_sessions=planned, hours_per_session=Decimal(hours),
        description="Allumer, naviguer, écrire un courriel, se protéger.",
        competences=frozenset(codes), active=active)
    return programmes.create_programme(values, actor_id=actor_id, now=NOW)


def _time(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def make_session(programme, *, on=PAST, start: str = "14:00", end: str = "16:00",
                 pause: int = 0, trainer_name: str = "Claire Formatrice", trainer_id=None,
                 place: str = "Salle informatique du CCAS", topics: str = "Le bureau, les fichiers",
                 group: str = "", codes=None, actor_id: int | None = None):
    values = sessions.SessionValues(
        programme_id=programme.id, session_date=on, start_time=_time(start),
        end_time=_time(end), break_minutes=pause, place=place, trainer_id=trainer_id,
        trainer_name="" if trainer_id else trainer_name, topics=topics, group_name=group,
        competences=frozenset(programme.competence_codes if codes is None else codes))
    return sessions.create_session(values, actor_id=actor_id, now=NOW)


def make_participant(index: int | None = None, **changes):
    n = next(_seq) if index is None else index
    changes.setdefault("last_name", NAMES[n % len(NAMES)])
    changes.setdefault("first_name", f"Prénom{n}")
    return make_file(**changes)


# Attendance is only taken for sessions on or after the enrolment: by default people joined
# before the sessions the tests hold (PAST and later).
ENROLLED_ON = TODAY - timedelta(days=60)


def enrol(programme, beneficiary, group: str = "", enrolled_on=ENROLLED_ON):
    return enrolments.enrol(programme, beneficiary, group_name=group, actor_id=None, now=NOW,
                            enrolled_on=enrolled_on)


def mark(session, beneficiary, levels=None, now: datetime = NOW, **marks):
    """mark(session, b, afternoon="present", levels={"4.1": 2})"""
    attendance.record_attendance(
        session, [attendance.ParticipantMarks(beneficiary.id, marks, levels or {})],
        actor_id=None, now=now)
    db.session.flush()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
