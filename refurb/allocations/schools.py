"""School loan programmes (dispositifs scolaires): a cohort of pupils borrows machines until it
enters 6e; a programme may list the schools it serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from refurb.allocations import queries
from refurb.allocations.models import ProgrammeSchool, SchoolProgramme
from refurb.core.errors import ConcurrentChange, InvalidInput
from refurb.core.handover import SCHOOL_LEVELS, UNKNOWN_LEVEL, sixth_grade_due_date
from refurb.core.i18n import N_
from refurb.core.siret import validate_uai
from refurb.extensions import db


@dataclass(frozen=True)
class ProgrammeValues:
    name: str
    start_level: str
    cohort_year: int
    due_on: date | None = None
    notes: str = ""
    warranty_months: int | None = None  # None: the workshop's setting


MAX_WARRANTY_MONTHS = 120


def _warranty(months: int | None) -> int | None:
    if months is not None and not 0 <= months <= MAX_WARRANTY_MONTHS:
        raise InvalidInput(N_("Garantie : entre 0 et %(max)s mois (vide : le réglage de "
                              "l'atelier)."), max=MAX_WARRANTY_MONTHS)
    return months


def _due_on(values: ProgrammeValues) -> date:
    if values.due_on:
        return values.due_on
    try:
        return sixth_grade_due_date(values.start_level, values.cohort_year)
    except ValueError:
        raise InvalidInput(UNKNOWN_LEVEL, level=values.start_level,
                           known=", ".join(SCHOOL_LEVELS)) from None


def create_programme(values: ProgrammeValues, *, actor_id: int | None,
                     now: datetime) -> SchoolProgramme:
    name = " ".join((values.name or "").split())
    if not name:
        raise InvalidInput(N_("Le nom du dispositif est obligatoire."))
    if queries.get_programme_by_name(name) is not None:
        raise InvalidInput(N_("Un dispositif « %(name)s » existe déjà."), name=name)
    if not 2000 <= (values.cohort_year or 0) <= 2100:
        raise InvalidInput(N_("Année scolaire invalide : indiquez par exemple 2026 pour "
                              "2026-2027."))
    programme = SchoolProgramme(
        name=name, start_level=values.start_level.strip().upper(),
        cohort_year=values.cohort_year, due_on=_due_on(values), active=True,
        notes=(values.notes or "").strip(), created_at=now, created_by_id=actor_id,
        warranty_months=_warranty(values.warranty_months),
    )
    db.session.add(programme)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConcurrentChange(N_("Un dispositif « %(name)s » vient d'être créé."),
                               name=name) from None
    return programme


def set_warranty(programme: SchoolProgramme, months: int | None) -> SchoolProgramme:
    """The warranty of the programme's next handovers; those already made keep theirs."""
    programme.warranty_months = _warranty(months)
    db.session.flush()
    return programme


def add_school(programme: SchoolProgramme, uai: str, name: str) -> ProgrammeSchool:
    code = validate_uai(uai or "")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Le nom de l'école est obligatoire."))
    if queries.programme_school_exists(programme.id, code):
        raise InvalidInput(N_("L'école %(code)s fait déjà partie du dispositif."), code=code)
    school = ProgrammeSchool(programme_id=programme.id, uai=code, name=name)
    programme.schools.append(school)
    db.session.flush()
    return school
