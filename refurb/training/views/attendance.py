"""One session's page: its attendance sheet as a form (marks per half-day, Pix levels), and the
same sheet as a PDF to print and sign."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from refurb.accounts.access import SOCIAL, roles_required
from refurb.clock import local_date
from refurb.core import pix
from refurb.core.training import HALF_DAY_LABELS, PRESENCE_LABELS, HalfDay, Slot, format_minutes
from refurb.settings import workshop as workshop_identity
from refurb.training import attendance, queries
from refurb.training.forms import attendance_form, level_field_name
from refurb.training.models import TrainingSession
from refurb.training.permissions import can_mark_attendance
from refurb.training.sessions import trainer_label
from refurb.training.views.blueprint import bp
from refurb.web import actor_id, attempt, now


def session_half_days(session: TrainingSession) -> tuple[HalfDay, ...]:
    return Slot(session.start_time, session.end_time, session.break_minutes).half_days


@bp.get("/sessions/<int:session_id>")
@roles_required(*SOCIAL)
def show_session(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    return _render_session(session, _recorded_form(session))


@bp.post("/sessions/<int:session_id>/attendance")
@roles_required(*SOCIAL)
def mark_attendance(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    form = attendance_form(session_half_days(session), session.competence_codes)
    if not form.validate_on_submit():
        flash(_("Feuille incomplète : vérifiez les lignes signalées."), "error")
        return _render_session(session, form)
    with attempt() as done:
        present = attendance.record_attendance(session, _marks(form, session),
                                               actor_id=actor_id(), now=now())
    if not done:
        return _render_session(queries.get_session(session_id), form)
    flash(_("Présences enregistrées : %(n)s présent(s).", n=present), "success")
    return redirect(url_for("training.show_session", session_id=session_id))


@bp.get("/sessions/<int:session_id>/sheet.pdf")
@roles_required(*SOCIAL)
def attendance_sheet(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    content = attendance.attendance_sheet(session, workshop=workshop_identity.letterhead_fields())
    # Names of beneficiaries: never cached by a browser or a proxy.
    filename = f"emargement-{session.session_date:%Y-%m-%d}-{session.id}.pdf"
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


def _recorded_form(session: TrainingSession):
    """The form filled with what is recorded, one row per expected participant."""
    marks = queries.marks_of_session(session.id)
    levels = queries.validations_of_session(session.id)
    rows = []
    for e in queries.participants(session):
        row = {"beneficiary_id": e.beneficiary_id, **marks.get(e.beneficiary_id, {})}
        row.update({level_field_name(c): str(lv)
                    for c, lv in levels.get(e.beneficiary_id, {}).items()})
        rows.append(row)
    return attendance_form(session_half_days(session), session.competence_codes,
                           formdata=None, data={"rows": rows})


def _marks(form, session: TrainingSession) -> list[attendance.ParticipantMarks]:
    days, codes = session_half_days(session), session.competence_codes
    result = []
    for entry in form.rows:
        row = entry.form
        result.append(attendance.ParticipantMarks(
            beneficiary_id=row.beneficiary_id.data,
            marks={d.value: row[d.value].data or None for d in days},
            levels={c: int(row[level_field_name(c)].data) if row[level_field_name(c)].data
                    else None for c in codes},
        ))
    return result


def _render_session(session: TrainingSession, form):
    participants = {e.beneficiary_id: e for e in queries.participants(session)}
    rows = [(entry, participants.get(entry.form.beneficiary_id.data)) for entry in form.rows]
    # Enrolled after this session: the line is greyed out, nothing can be marked on it.
    late = {bid for bid, e in participants.items() if e.enrolled_on > session.session_date}
    return render_template(
        "training/session.html", s=session, form=form, rows=rows, late=late,
        number=queries.session_numbers([session]).get(session.id),
        half_days=[(d.value, HALF_DAY_LABELS[d]) for d in session_half_days(session)],
        slot=Slot(session.start_time, session.end_time, session.break_minutes),
        competences=[pix.competence(c) for c in session.competence_codes],
        level_field=level_field_name, trainer=trainer_label(session),
        presence_labels={p.value: label for p, label in PRESENCE_LABELS.items()},
        can_mark=can_mark_attendance(session.session_date, local_date(now())),
        format_minutes=format_minutes)
