"""Attendance: the sheet to print and sign, then the marks per half-day and the Pix levels
validated, as the trainer ticked them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from refurb.beneficiaries.services import record_contact
from refurb.clock import local_date
from refurb.core import pix
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.i18n import N_
from refurb.core.training import HalfDay, Presence, Slot, check_marks
from refurb.extensions import db
from refurb.training import queries
from refurb.training.documents import render_sheet, sheet_payload
from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession, Validation
from refurb.training.programmes import flush_unique
from refurb.training.sessions import trainer_label


@dataclass(frozen=True)
class ParticipantMarks:
    """What the trainer ticked for one participant: {half_day: presence or None (blank)}
    and {Pix code: level or None}."""

    beneficiary_id: int
    marks: Mapping[str, str | None] = field(default_factory=dict)
    levels: Mapping[str, int | None] = field(default_factory=dict)


def _parse_marks(slot: Slot, row: ParticipantMarks) -> dict[HalfDay, Presence | None]:
    parsed: dict[HalfDay, Presence | None] = {}
    for day, presence in row.marks.items():
        try:
            half_day = HalfDay(day)
            parsed[half_day] = Presence(presence) if presence else None
        except ValueError:
            raise InvalidInput(N_("Présence inconnue : %(half_day)s = %(presence)s."),
                               half_day=day, presence=presence) from None
    check_marks(slot, {d: p for d, p in parsed.items() if p is not None})
    return parsed


def _parse_levels(row: ParticipantMarks, worked: set[str]) -> dict[str, int | None]:
    parsed: dict[str, int | None] = {}
    for code, level in row.levels.items():
        code = pix.competence(code).code
        if level is not None:
            if code not in worked:
                raise InvalidInput(N_("La compétence %(code)s n'est pas travaillée à cette "
                                      "séance."), code=code)
            pix.check_level(level)
        parsed[code] = level
    return parsed


@dataclass
class _Sheet:
    """The session's rows as loaded, changed in place as the marks are applied."""

    session: TrainingSession
    expected: dict[int, Enrolment]
    marks: dict[tuple[int, str], Attendance]
    validations: dict[tuple[int, str], Validation]

    @classmethod
    def load(cls, session: TrainingSession) -> _Sheet:
        return cls(
            session,
            {e.beneficiary_id: e for e in queries.participants(session)},
            {(a.beneficiary_id, a.half_day): a for a in db.session.scalars(
                select(Attendance).where(Attendance.session_id == session.id))},
            {(v.beneficiary_id, v.code): v for v in db.session.scalars(
                select(Validation).where(Validation.session_id == session.id))},
        )


def record_attendance(session: TrainingSession, rows: Iterable[ParticipantMarks], *,
                      actor_id: int | None, now: datetime) -> int:
    """Store the marks and validations of the sheet; a blank clears a previous mark.
    Returns the number of participants present."""
    if session.session_date > local_date(now):
        raise IllegalTransition(
            N_("La séance du %(date)s n'a pas encore eu lieu : les présences se saisissent le "
               "jour même ou après."), date=f"{session.session_date:%d/%m/%Y}")
    sheet = _Sheet.load(session)
    slot = Slot(session.start_time, session.end_time, session.break_minutes)
    worked = set(session.competence_codes)
    present = []
    for row in rows:
        enrolment = _apply_row(sheet, row, slot, worked, actor_id, now)
        if enrolment is not None:
            present.append(enrolment.beneficiary)
    flush_unique(N_("Les présences viennent d'être saisies par quelqu'un d'autre : rechargez "
                    "la page."))
    # Attending is a contact with the person: it restarts the GDPR retention period.
    contact = min(now, datetime.combine(session.session_date, session.end_time))
    for beneficiary in present:
        record_contact(beneficiary, contact)
    return len(present)


def _apply_row(sheet: _Sheet, row: ParticipantMarks, slot: Slot, worked: set[str],
               actor_id: int | None, now: datetime) -> Enrolment | None:
    """One participant's line; their enrolment when they came, else None."""
    enrolment = sheet.expected.get(row.beneficiary_id)
    if enrolment is None:
        raise InvalidInput(N_("Une ligne de la feuille ne correspond à aucun participant "
                              "inscrit."))
    days = _parse_marks(slot, row)
    levels = _parse_levels(row, worked)
    if sheet.session.session_date < enrolment.enrolled_on:
        # Greyed out on the sheet: a blank line leaves what is there, a mark is refused.
        if any(days.values()) or any(level is not None for level in levels.values()):
            raise IllegalTransition(
                N_("%(name)s s'est inscrit(e) le %(enrolled)s : la séance du %(date)s a eu "
                   "lieu avant son inscription, aucune présence ne peut y être notée."),
                name=enrolment.beneficiary.display_name,
                enrolled=f"{enrolment.enrolled_on:%d/%m/%Y}",
                date=f"{sheet.session.session_date:%d/%m/%Y}")
        return None
    came = Presence.PRESENT in days.values()
    if not came and any(level is not None for level in levels.values()):
        raise InvalidInput(N_("%(name)s : une compétence ne se valide qu'en étant présent."),
                           name=enrolment.beneficiary.display_name)
    key = {"session_id": sheet.session.id, "beneficiary_id": row.beneficiary_id}
    for day, presence in days.items():
        _set_row(sheet.marks, Attendance, "presence", presence and presence.value, actor_id,
                 now, **key, half_day=day.value)
    for code, level in levels.items():
        _set_row(sheet.validations, Validation, "level", level, actor_id, now, **key, code=code)
    return enrolment if came else None


def _set_row(existing: dict, model, attribute: str, value, actor_id: int | None, now: datetime,
             **key) -> None:
    """Insert, change or (value None: blank on the sheet) delete the row of ``model`` for
    ``key``; ``existing`` maps (beneficiary_id, half_day or code) to the loaded rows."""
    index = (key["beneficiary_id"], key.get("half_day") or key.get("code"))
    row = existing.get(index)
    if value is None:
        if row is not None:
            db.session.delete(row)
            del existing[index]
        return
    if row is None:
        row = existing[index] = model(**key)
        db.session.add(row)
    elif getattr(row, attribute) == value:
        return
    setattr(row, attribute, value)
    row.recorded_at, row.recorded_by_id = now, actor_id


def attendance_sheet(session: TrainingSession, *, workshop: Mapping[str, str]) -> bytes:
    """The sheet to print and sign; marks already recorded as absent or excused are printed
    in their box, the rest stays blank."""
    marks = queries.marks_of_session(session.id)
    programme = db.session.get(Programme, session.programme_id)
    payload = sheet_payload(
        workshop=workshop,
        programme={"title": programme.title, "planned_sessions": programme.planned_sessions},
        session={"number": queries.session_numbers([session]).get(session.id),
                 "group": session.group_name, "date": session.session_date,
                 "start": session.start_time, "end": session.end_time,
                 "break_minutes": session.break_minutes, "place": session.place,
                 "topics": session.topics},
        trainer=trainer_label(session),
        competences=[(c, pix.competence(c).name) for c in session.competence_codes],
        participants=[(e.beneficiary.display_name, e.beneficiary.pseudonym,
                       marks.get(e.beneficiary_id, {})) for e in queries.participants(session)],
    )
    return render_sheet(payload)
