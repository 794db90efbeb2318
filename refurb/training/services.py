"""Training record: programmes, sessions, enrolments, attendance per half-day, Pix
validations, attestations.

For other domains (allocations, reports, the beneficiary page):

- ``sessions_attended(beneficiary_id) -> int`` — sessions with at least one half-day present
  (what ``Policy.min_training_sessions`` is compared with before a handover);
- ``training_summary(beneficiary_id) -> TrainingSummary`` — ready data for a beneficiary page;
- ``hours_delivered_for_beneficiaries(ids) -> Decimal`` — hours attended, for impact figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.accounts.models import STAFF_ROLES, User
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import record_access, record_contact
from refurb.core import pix
from refurb.core.applications import Status
from refurb.core.errors import ConcurrentChange, IllegalTransition, InvalidInput
from refurb.core.training import (
    HalfDay,
    Presence,
    Progress,
    SessionRecord,
    Slot,
    check_marks,
    hours,
    progress,
)
from refurb.counters import next_number
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.settings.services import define
from refurb.settings.services import get as get_setting

from . import queries
from .documents import certificate_payload, render_certificate, render_sheet, sheet_payload
from .models import (
    Attendance,
    Enrolment,
    Programme,
    ProgrammeCompetence,
    SessionCompetence,
    TrainingSession,
    Validation,
)

SIGNATORY_SETTING = "training.certificate_signatory"
define(
    SIGNATORY_SETTING,
    "Signataire des attestations de formation",
    "str",
    "",
    help="Nom et fonction de la personne qui signe les attestations (vide : le nom de "
    "l'atelier).",
)
CERTIFICATE_COUNTER = "training_certificate"
CERTIFICATE_KIND = "training_certificate"
MAX_SESSIONS = 100
MAX_HOURS_PER_SESSION = Decimal(12)


# --- programmes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeValues:
    title: str
    planned_sessions: int
    hours_per_session: Decimal
    description: str = ""
    competences: frozenset[str] = field(default_factory=frozenset)
    active: bool = True


def _clean_programme(values: ProgrammeValues, programme_id: int | None) -> dict[str, Any]:
    title = " ".join((values.title or "").split())
    if not title:
        raise InvalidInput("Le titre de la formation est obligatoire.")
    same = db.session.scalar(select(Programme.id).where(
        func.lower(Programme.title) == title.lower(), Programme.id != (programme_id or 0)))
    if same is not None:
        raise InvalidInput(f"Une formation s'appelle déjà « {title} ».")
    if not isinstance(values.planned_sessions, int) or not 1 <= values.planned_sessions <= MAX_SESSIONS:
        raise InvalidInput(f"Le nombre de séances prévues doit être compris entre 1 et {MAX_SESSIONS}.")
    try:
        per_session = Decimal(values.hours_per_session).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput("Durée d'une séance invalide.") from None
    if not Decimal(0) < per_session <= MAX_HOURS_PER_SESSION:
        raise InvalidInput("La durée d'une séance doit être comprise entre 0 et 12 heures.")
    return {
        "title": title,
        "description": (values.description or "").strip(),
        "planned_sessions": values.planned_sessions,
        "hours_per_session": per_session,
        "active": bool(values.active),
        "codes": pix.sort_codes(values.competences),
    }


def _apply_programme(programme: Programme, data: dict[str, Any]) -> None:
    codes = data.pop("codes")
    for name, value in data.items():
        setattr(programme, name, value)
    current = {row.code: row for row in programme.competence_rows}
    programme.competence_rows = [current.get(c) or ProgrammeCompetence(code=c) for c in codes]


def create_programme(values: ProgrammeValues, *, actor_id: int | None, now: datetime) -> Programme:
    data = _clean_programme(values, None)
    programme = Programme(created_at=now, created_by_id=actor_id)
    _apply_programme(programme, data)
    db.session.add(programme)
    _flush("Une formation du même titre vient d'être créée : rechargez la page.")
    return programme


def update_programme(programme: Programme, values: ProgrammeValues, *, actor_id: int | None,
                     now: datetime) -> Programme:
    _apply_programme(programme, _clean_programme(values, programme.id))
    _flush("La formation vient d'être modifiée par quelqu'un d'autre : rechargez la page.")
    return programme


def _flush(message: str) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        # Another request inserted the same unique row between our check and our flush.
        raise ConcurrentChange(message) from None


# --- sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionValues:
    programme_id: int
    session_date: date
    start_time: Any
    end_time: Any
    break_minutes: int = 0
    place: str = ""
    trainer_id: int | None = None
    trainer_name: str = ""
    topics: str = ""
    group_name: str = ""
    competences: frozenset[str] = field(default_factory=frozenset)


def _clean_session(values: SessionValues) -> dict[str, Any]:
    programme = db.session.get(Programme, values.programme_id) if values.programme_id else None
    if programme is None:
        raise InvalidInput("Choisissez la formation de la séance.")
    if values.session_date is None:
        raise InvalidInput("La date de la séance est obligatoire.")
    slot = Slot(values.start_time, values.end_time, values.break_minutes or 0)
    trainer_name = " ".join((values.trainer_name or "").split())
    if values.trainer_id:
        trainer = db.session.get(User, values.trainer_id)
        if trainer is None or not trainer.active or trainer.role not in STAFF_ROLES:
            raise InvalidInput("Le formateur choisi n'est pas un membre actif de l'équipe.")
        trainer_name = ""  # the account's name is shown, kept up to date
    elif not trainer_name:
        raise InvalidInput("Indiquez le formateur : un membre de l'équipe ou un nom.")
    return {
        "programme_id": programme.id,
        "session_date": values.session_date,
        "start_time": slot.start,
        "end_time": slot.end,
        "break_minutes": slot.break_minutes,
        "place": " ".join((values.place or "").split()),
        "trainer_id": values.trainer_id or None,
        "trainer_name": trainer_name,
        "topics": (values.topics or "").strip(),
        "group_name": " ".join((values.group_name or "").split()),
        "codes": pix.sort_codes(values.competences),
    }


def _apply_session(session: TrainingSession, data: dict[str, Any]) -> None:
    codes = data.pop("codes")
    for name, value in data.items():
        setattr(session, name, value)
    current = {row.code: row for row in session.competence_rows}
    session.competence_rows = [current.get(c) or SessionCompetence(code=c) for c in codes]


def create_session(values: SessionValues, *, actor_id: int | None, now: datetime) -> TrainingSession:
    session = TrainingSession(created_at=now, created_by_id=actor_id)
    _apply_session(session, _clean_session(values))
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: TrainingSession, values: SessionValues, *, actor_id: int | None,
                   now: datetime) -> TrainingSession:
    data = _clean_session(values)
    marks = queries.marks_of_session(session.id)
    if marks:
        # Marks already taken must stay true of the session they were taken at.
        if data["programme_id"] != session.programme_id:
            raise IllegalTransition("Des présences sont saisies : la séance ne peut pas changer "
                                    "de formation.")
        if data["session_date"] > now.date():
            raise IllegalTransition("Des présences sont saisies : la séance ne peut pas être "
                                    "déplacée dans le futur.")
        slot = Slot(data["start_time"], data["end_time"], data["break_minutes"])
        for by_day in marks.values():
            try:
                check_marks(slot, {HalfDay(d): Presence(p) for d, p in by_day.items()})
            except InvalidInput:
                raise IllegalTransition(
                    "Des présences sont saisies pour une demi-journée que les nouveaux "
                    "horaires ne couvrent plus : corrigez d'abord les présences."
                ) from None
        validated = {c for levels in queries.validations_of_session(session.id).values()
                     for c in levels}
        dropped = validated - set(data["codes"])
        if dropped:
            raise IllegalTransition(
                "Des compétences validées à cette séance ne seraient plus travaillées : "
                + ", ".join(pix.sort_codes(dropped)) + "."
            )
    _apply_session(session, data)
    db.session.flush()
    return session


def trainer_label(session: TrainingSession) -> str:
    # get() answers from the identity map when the list query already joined the trainer.
    trainer = db.session.get(User, session.trainer_id) if session.trainer_id else None
    return trainer.display_name if trainer is not None else session.trainer_name


# --- enrolments ---------------------------------------------------------------------------


def enrol(programme: Programme, beneficiary: Beneficiary, *, group_name: str = "",
          actor_id: int | None, now: datetime) -> Enrolment:
    if not programme.active:
        raise IllegalTransition(f"La formation « {programme.title} » n'est plus proposée.")
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(f"Le dossier {beneficiary.pseudonym} est anonymisé.")
    if beneficiary.status == Status.CLOSED:
        raise IllegalTransition(f"Le dossier {beneficiary.pseudonym} est clos.")
    group = " ".join((group_name or "").split())
    enrolment = queries.enrolment_of(programme.id, beneficiary.id)
    if enrolment is not None and enrolment.withdrawn_on is None:
        raise InvalidInput(
            f"Le dossier {beneficiary.pseudonym} est déjà inscrit à « {programme.title} »."
        )
    if enrolment is None:
        enrolment = Enrolment(programme_id=programme.id, beneficiary_id=beneficiary.id)
        db.session.add(enrolment)
    enrolment.group_name = group
    enrolment.enrolled_on = now.date()
    enrolment.enrolled_by_id = actor_id
    enrolment.withdrawn_on = None
    _flush("Ce dossier vient d'être inscrit par quelqu'un d'autre : rechargez la page.")
    record_contact(beneficiary, now)
    return enrolment


def enrol_by_pseudonym(programme_id: int | None, pseudonym: str, *, group_name: str = "",
                       actor_id: int | None, now: datetime) -> Enrolment:
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        raise InvalidInput("Choisissez une formation.")
    beneficiary = queries.get_beneficiary_by_pseudonym(pseudonym)
    if beneficiary is None:
        raise InvalidInput(f"Aucun dossier ne porte le numéro « {pseudonym.strip()} ».")
    return enrol(programme, beneficiary, group_name=group_name, actor_id=actor_id, now=now)


def withdraw(enrolment: Enrolment, *, actor_id: int | None, now: datetime) -> Enrolment:
    if enrolment.withdrawn_on is not None:
        raise InvalidInput("Cette inscription est déjà arrêtée.")
    enrolment.withdrawn_on = now.date()
    db.session.flush()
    return enrolment


# --- attendance ---------------------------------------------------------------------------


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
            raise InvalidInput(f"Présence inconnue : {day} = {presence}.") from None
    check_marks(slot, {d: p for d, p in parsed.items() if p is not None})
    return parsed


def _parse_levels(row: ParticipantMarks, worked: set[str]) -> dict[str, int | None]:
    parsed: dict[str, int | None] = {}
    for code, level in row.levels.items():
        code = pix.competence(code).code
        if level is not None:
            if code not in worked:
                raise InvalidInput(f"La compétence {code} n'est pas travaillée à cette séance.")
            pix.check_level(level)
        parsed[code] = level
    return parsed


def record_attendance(session: TrainingSession, rows: Iterable[ParticipantMarks], *,
                      actor_id: int | None, now: datetime) -> int:
    """Store the marks and validations of the sheet; a blank clears a previous mark.
    Returns the number of participants present."""
    if session.session_date > now.date():
        raise IllegalTransition(
            f"La séance du {session.session_date:%d/%m/%Y} n'a pas encore eu lieu : les "
            "présences se saisissent le jour même ou après."
        )
    expected = {e.beneficiary_id: e for e in queries.participants(session)}
    slot = Slot(session.start_time, session.end_time, session.break_minutes)
    worked = set(session.competence_codes)
    marks = {(a.beneficiary_id, a.half_day): a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    validations = {(v.beneficiary_id, v.code): v for v in db.session.scalars(
        select(Validation).where(Validation.session_id == session.id))}
    present = []
    for row in rows:
        enrolment = expected.get(row.beneficiary_id)
        if enrolment is None:
            raise InvalidInput("Une ligne de la feuille ne correspond à aucun participant inscrit.")
        name = enrolment.beneficiary.display_name
        days = _parse_marks(slot, row)
        levels = _parse_levels(row, worked)
        came = Presence.PRESENT in days.values()
        if not came and any(level is not None for level in levels.values()):
            raise InvalidInput(f"{name} : une compétence ne se valide qu'en étant présent.")
        bid = row.beneficiary_id
        for day, presence in days.items():
            _set_row(marks, Attendance, "presence", presence and presence.value, actor_id, now,
                     session_id=session.id, beneficiary_id=bid, half_day=day.value)
        for code, level in levels.items():
            _set_row(validations, Validation, "level", level, actor_id, now,
                     session_id=session.id, beneficiary_id=bid, code=code)
        if came:
            present.append(enrolment.beneficiary)
    _flush("Les présences viennent d'être saisies par quelqu'un d'autre : rechargez la page.")
    # Attending is a contact with the person: it restarts the GDPR retention period.
    contact = min(now, datetime.combine(session.session_date, session.end_time))
    for beneficiary in present:
        record_contact(beneficiary, contact)
    return len(present)


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


# --- progress and summaries ---------------------------------------------------------------


def _records(rows: Iterable[queries.MarkRow]) -> dict[int, dict[int, dict[int, SessionRecord]]]:
    """{beneficiary_id: {programme_id: {session_id: SessionRecord}}} from half-day marks."""
    slots: dict[int, Slot] = {}
    marks: dict[tuple[int, int, int], dict[HalfDay, Presence]] = defaultdict(dict)
    for r in rows:
        if r.session_id not in slots:
            slots[r.session_id] = Slot(r.start_time, r.end_time, r.break_minutes)
        marks[(r.beneficiary_id, r.programme_id, r.session_id)][HalfDay(r.half_day)] = Presence(
            r.presence)
    tree: dict[int, dict[int, dict[int, SessionRecord]]] = defaultdict(lambda: defaultdict(dict))
    for (bid, pid, sid), by_day in marks.items():
        tree[bid][pid][sid] = SessionRecord(slots[sid], by_day)
    return tree


def programme_progress(programme: Programme, beneficiary_ids: Iterable[int]) -> dict[int, Progress]:
    ids = list(beneficiary_ids)
    tree = _records(r for r in queries.mark_rows(ids) if r.programme_id == programme.id)
    return {bid: progress(programme.planned_sessions, tree.get(bid, {}).get(programme.id, {})
                          .values()) for bid in ids}


def sessions_attended(beneficiary_id: int) -> int:
    """Sessions (any programme) where the beneficiary was present for at least a half-day."""
    return db.session.scalar(
        select(func.count(func.distinct(Attendance.session_id)))
        .where(Attendance.beneficiary_id == beneficiary_id,
               Attendance.presence == Presence.PRESENT.value)
    ) or 0


def hours_delivered_for_beneficiaries(beneficiary_ids: Iterable[int]) -> Decimal:
    """Hours of training attended by these beneficiaries, all programmes together."""
    tree = _records(queries.mark_rows(beneficiary_ids, present_only=True))
    minutes = sum(record.minutes_attended for by_programme in tree.values()
                  for by_session in by_programme.values() for record in by_session.values())
    return hours(minutes)


@dataclass(frozen=True)
class CompetenceLine:
    code: str
    name: str
    level: int | None = None  # the best level validated; None: worked only


@dataclass(frozen=True)
class ProgrammeProgress:
    enrolment_id: int
    programme_id: int
    title: str
    group_name: str
    planned_sessions: int
    planned_hours: Decimal
    attended: int
    excused: int
    absent: int
    missing: int
    hours: Decimal
    complete: bool
    enrolled_on: date
    withdrawn_on: date | None
    first_session_on: date | None
    last_session_on: date | None
    certificate_number: str | None


@dataclass(frozen=True)
class TrainingSummary:
    beneficiary_id: int
    programmes: tuple[ProgrammeProgress, ...]
    sessions_attended: int
    sessions_planned: int
    hours_attended: Decimal
    competences_worked: tuple[CompetenceLine, ...]
    competences_validated: tuple[CompetenceLine, ...]
    last_session_on: date | None

    @property
    def enrolled(self) -> bool:
        return bool(self.programmes)

    @property
    def complete(self) -> bool:
        """Every current enrolment complete (and at least one)."""
        current = [p for p in self.programmes if p.withdrawn_on is None]
        return bool(current) and all(p.complete for p in current)


def _best_levels(rows: Iterable[tuple[int, str, int, date]],
                 programme_id: int | None = None) -> dict[str, int]:
    best: dict[str, int] = {}
    for pid, code, level, _on in rows:
        if programme_id is None or pid == programme_id:
            best[code] = max(level, best.get(code, 0))
    return best


def _competence_lines(worked: Iterable[str], best: Mapping[str, int]):
    return (
        tuple(CompetenceLine(c, pix.competence(c).name) for c in pix.sort_codes(worked)),
        tuple(CompetenceLine(c, pix.competence(c).name, best[c]) for c in pix.sort_codes(best)),
    )


def training_summary(beneficiary_id: int) -> TrainingSummary:
    enrolments = queries.enrolments_of_beneficiary(beneficiary_id)
    records = _records(queries.mark_rows([beneficiary_id])).get(beneficiary_id, {})
    dates = _attended_dates(records)
    lines = []
    for e in enrolments:
        p = e.programme
        done = progress(p.planned_sessions, records.get(p.id, {}).values())
        attended_on = dates.get(p.id, [])
        lines.append(ProgrammeProgress(
            enrolment_id=e.id, programme_id=p.id, title=p.title, group_name=e.group_name,
            planned_sessions=p.planned_sessions,
            planned_hours=(p.hours_per_session * p.planned_sessions).quantize(Decimal("0.01")),
            attended=done.attended, excused=done.excused, absent=done.absent,
            missing=done.missing, hours=done.hours, complete=done.complete,
            enrolled_on=e.enrolled_on, withdrawn_on=e.withdrawn_on,
            first_session_on=min(attended_on, default=None),
            last_session_on=max(attended_on, default=None),
            certificate_number=e.certificate_number,
        ))
    every = [r for by_session in records.values() for r in by_session.values()]
    worked, validated = _competence_lines(
        queries.competences_worked(beneficiary_id),
        _best_levels(queries.validations_of_beneficiary(beneficiary_id)))
    all_dates = [d for ds in dates.values() for d in ds]
    return TrainingSummary(
        beneficiary_id=beneficiary_id,
        programmes=tuple(lines),
        sessions_attended=sum(r.attended for r in every),
        sessions_planned=sum(p.planned_sessions for p in lines if p.withdrawn_on is None),
        hours_attended=hours(sum(r.minutes_attended for r in every)),
        competences_worked=worked,
        competences_validated=validated,
        last_session_on=max(all_dates, default=None),
    )


def _attended_dates(records: Mapping[int, Mapping[int, SessionRecord]]) -> dict[int, list[date]]:
    attended = {sid for by_session in records.values()
                for sid, r in by_session.items() if r.attended}
    sessions = queries.session_details(attended)
    dates: dict[int, list[date]] = defaultdict(list)
    for pid, by_session in records.items():
        dates[pid] = sorted(sessions[sid].session_date for sid in by_session if sid in sessions)
    return dates


# --- attestation --------------------------------------------------------------------------


def issue_certificate(enrolment: Enrolment, *, workshop: Mapping[str, str],
                      actor_id: int | None, now: datetime):
    """(document, created): the attestation of one participant for one programme, issued
    as a personal document (social workers and admins only)."""
    beneficiary = db.session.get(Beneficiary, enrolment.beneficiary_id)
    programme = db.session.get(Programme, enrolment.programme_id)
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(f"Le dossier {beneficiary.pseudonym} est anonymisé : plus "
                                "d'attestation nominative.")
    records = _records(queries.mark_rows([beneficiary.id])).get(beneficiary.id, {})
    attended = {sid: r for sid, r in records.get(programme.id, {}).items() if r.attended}
    if not attended:
        raise IllegalTransition(f"{beneficiary.display_name} n'a encore suivi aucune séance de "
                                f"« {programme.title} » : pas d'attestation.")
    done = progress(programme.planned_sessions, records.get(programme.id, {}).values())
    sessions = queries.session_details(attended)
    if enrolment.certificate_number is None:
        enrolment.certificate_number = f"ATF-{next_number(CERTIFICATE_COUNTER):05d}"
    worked, validated = _competence_lines(
        queries.competences_worked(beneficiary.id, programme.id),
        _best_levels(queries.validations_of_beneficiary(beneficiary.id), programme.id))
    payload = certificate_payload(
        number=enrolment.certificate_number,
        workshop=workshop,
        signatory=str(get_setting(SIGNATORY_SETTING) or ""),
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


# --- attendance sheet ---------------------------------------------------------------------


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
