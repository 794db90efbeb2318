"""Training pages: admins and social workers only, since every list of participants names
beneficiaries (invariant 4). Technicians may be named as trainers but do not open these pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.core import pix
from refurb.core.errors import DomainError
from refurb.core.training import (
    HALF_DAY_LABELS,
    PRESENCE_LABELS,
    HalfDay,
    Slot,
    format_hours,
    format_minutes,
)
from refurb.devices.queries import paginate
from refurb.extensions import db
from refurb.settings import workshop as workshop_identity
from refurb.web import actor_id, flash_domain_error, get_or_404, now, page_arg, per_page

from . import queries, services
from .forms import (
    ActionForm,
    EnrolForm,
    ProgrammeForm,
    SessionForm,
    attendance_form,
    level_field_name,
)
from .models import Enrolment, Programme, TrainingSession

bp = Blueprint("training", __name__, url_prefix="/training")


@bp.app_context_processor
def _globals():
    return {"training_panel": training_panel}


@bp.app_template_filter("training_hours")
def training_hours(value) -> str:
    """Decimal hours as the French read them: 7,5 → "7 h 30"."""
    return "" if value is None else format_hours(value)


def training_panel(beneficiary):
    """The beneficiary page's training panel data; None for anyone but social workers and
    admins, so the panel shows nothing to them."""
    if beneficiary is None or not current_user.is_authenticated or current_user.role not in SOCIAL:
        return None
    return services.training_summary(beneficiary.id)


def _workshop() -> dict[str, str]:
    return workshop_identity.letterhead_fields()  # as admins set it (Réglages)


def _pdf(content: bytes, filename: str) -> Response:
    # Names of beneficiaries: never cached by a browser or a proxy.
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"})


# --- programmes ---------------------------------------------------------------------------


@bp.get("/")
@roles_required(*SOCIAL)
def programmes():
    page = paginate(queries.list_programmes_query(), page_arg(), per_page())
    counts = queries.programme_counts([p.id for p in page.items], now().date())
    return render_template("training/programmes.html", page=page, counts=counts)


@bp.route("/programmes/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_programme():
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = services.create_programme(_programme_values(form), actor_id=actor_id(),
                                                  now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Formation « %(t)s » créée.", t=programme.title), "success")
            return redirect(url_for("training.show_programme", programme_id=programme.id))
    return render_template("training/programme_form.html", form=form, programme=None)


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def edit_programme(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    form = ProgrammeForm(obj=programme) if request.method == "GET" else ProgrammeForm()
    if request.method == "GET":
        form.competences.data = programme.competence_codes
    elif form.validate_on_submit():
        try:
            services.update_programme(programme, _programme_values(form), actor_id=actor_id(),
                                      now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Formation enregistrée."), "success")
            return redirect(url_for("training.show_programme", programme_id=programme_id))
    return render_template("training/programme_form.html", form=form, programme_id=programme_id,
                           programme=programme)


def _programme_values(form: ProgrammeForm) -> services.ProgrammeValues:
    return services.ProgrammeValues(
        title=form.title.data or "", description=form.description.data or "",
        planned_sessions=form.planned_sessions.data, hours_per_session=form.hours_per_session.data,
        competences=frozenset(form.competences.data or ()), active=bool(form.active.data))


@bp.get("/programmes/<int:programme_id>")
@roles_required(*SOCIAL)
def show_programme(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    enrolments = queries.enrolments_of_programme(programme_id)
    sessions = queries.sessions_of_programme(programme_id)
    return render_template(
        "training/programme.html", programme=programme, enrolments=enrolments,
        progress=services.programme_progress(programme, [e.beneficiary_id for e in enrolments]),
        sessions=sessions, numbers=queries.session_numbers(sessions),
        counts=queries.presence_counts([s.id for s in sessions]),
        competences=[pix.competence(c) for c in programme.competence_codes],
        action_form=ActionForm(formdata=None), format_minutes=format_minutes)


# --- enrolments ---------------------------------------------------------------------------


@bp.route("/enrol", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def enrol():
    if request.method == "GET":
        form = EnrolForm(formdata=None, programme_id=request.args.get("programme", type=int),
                         pseudonym=request.args.get("pseudonym", ""))
    else:
        form = EnrolForm()
    form.set_choices(queries.programme_choices())
    if form.validate_on_submit():
        try:
            enrolment = services.enrol_by_pseudonym(
                form.programme_id.data, form.pseudonym.data or "",
                group_name=form.group_name.data or "", actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
            form.set_choices(queries.programme_choices())
        else:
            db.session.commit()
            flash(_("Inscription enregistrée."), "success")
            return redirect(url_for("training.show_programme", programme_id=enrolment.programme_id))
    return render_template("training/enrol.html", form=form)


@bp.post("/enrolments/<int:enrolment_id>/withdraw")
@roles_required(*SOCIAL)
def withdraw(enrolment_id: int):
    enrolment = get_or_404(Enrolment, enrolment_id)
    programme_id = enrolment.programme_id
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(enrolment, actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Inscription arrêtée."), "success")
    return redirect(url_for("training.show_programme", programme_id=programme_id))


@bp.post("/enrolments/<int:enrolment_id>/certificate")
@roles_required(*SOCIAL)
def issue_certificate(enrolment_id: int):
    enrolment = queries.get_enrolment(enrolment_id) or abort(404)
    programme_id = enrolment.programme_id
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        document, _created = services.issue_certificate(enrolment, workshop=_workshop(),
                                                        actor_id=actor_id(), now=now())
    except DomainError as error:
        db.session.rollback()
        flash_domain_error(error)
        return redirect(url_for("training.show_programme", programme_id=programme_id))
    db.session.commit()
    return redirect(url_for("documents.download", document_id=document.id,
                            filename=document.filename))


# --- sessions -----------------------------------------------------------------------------


WHEN = ("upcoming", "past", "all")


@bp.get("/sessions")
@roles_required(*SOCIAL)
def sessions():
    when = request.args.get("when") if request.args.get("when") in WHEN else "upcoming"
    programme_id = request.args.get("programme", type=int)
    query = queries.list_sessions_query(programme_id, when, now().date())
    page = paginate(query, page_arg(), per_page())
    return render_template(
        "training/sessions.html", page=page, when=when, programme_id=programme_id,
        numbers=queries.session_numbers(page.items),
        counts=queries.presence_counts([s.id for s in page.items]),
        programmes=queries.programme_choices(programme_id), trainer=services.trainer_label)


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_session():
    if request.method == "GET":
        programme = db.session.get(Programme, request.args.get("programme", type=int) or 0)
        form = SessionForm(formdata=None, programme_id=programme and programme.id,
                           competences=programme.competence_codes if programme else [],
                           trainer_id=current_user.id)
    else:
        form = SessionForm()
    form.set_choices(queries.programme_choices(), queries.trainer_choices())
    if form.validate_on_submit():
        try:
            session = services.create_session(_session_values(form), actor_id=actor_id(),
                                              now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Séance enregistrée."), "success")
            return redirect(url_for("training.show_session", session_id=session.id))
    return render_template("training/session_form.html", form=form, session=None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def edit_session(session_id: int):
    session = get_or_404(TrainingSession, session_id)
    form = SessionForm(obj=session) if request.method == "GET" else SessionForm()
    if request.method == "GET":
        form.competences.data = session.competence_codes
    form.set_choices(queries.programme_choices(session.programme_id), queries.trainer_choices())
    if form.validate_on_submit():
        try:
            services.update_session(session, _session_values(form), actor_id=actor_id(),
                                    now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Séance enregistrée."), "success")
            return redirect(url_for("training.show_session", session_id=session_id))
    return render_template("training/session_form.html", form=form, session_id=session_id,
                           session=session)


def _session_values(form: SessionForm) -> services.SessionValues:
    return services.SessionValues(
        programme_id=form.programme_id.data, session_date=form.session_date.data,
        start_time=form.start_time.data, end_time=form.end_time.data,
        break_minutes=form.break_minutes.data or 0, place=form.place.data or "",
        trainer_id=form.trainer_id.data, trainer_name=form.trainer_name.data or "",
        topics=form.topics.data or "", group_name=form.group_name.data or "",
        competences=frozenset(form.competences.data or ()))


@bp.get("/sessions/<int:session_id>")
@roles_required(*SOCIAL)
def show_session(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    return _render_session(session, _blank_attendance_form(session))


@bp.post("/sessions/<int:session_id>/attendance")
@roles_required(*SOCIAL)
def mark_attendance(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    form = attendance_form(session_half_days(session), session.competence_codes)
    if not form.validate_on_submit():
        flash(_("Feuille incomplète : vérifiez les lignes signalées."), "error")
        return _render_session(session, form)
    try:
        present = services.record_attendance(session, _marks(form, session), actor_id=actor_id(),
                                             now=now())
    except DomainError as error:
        db.session.rollback()
        flash_domain_error(error)
        return _render_session(queries.get_session(session_id), form)
    db.session.commit()
    flash(_("Présences enregistrées : %(n)s présent(s).", n=present), "success")
    return redirect(url_for("training.show_session", session_id=session_id))


@bp.get("/sessions/<int:session_id>/sheet.pdf")
@roles_required(*SOCIAL)
def attendance_sheet(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    content = services.attendance_sheet(session, workshop=_workshop())
    return _pdf(content, f"emargement-{session.session_date:%Y-%m-%d}-{session.id}.pdf")


def session_half_days(session: TrainingSession) -> tuple[HalfDay, ...]:
    return Slot(session.start_time, session.end_time, session.break_minutes).half_days


def _blank_attendance_form(session: TrainingSession):
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


def _marks(form, session: TrainingSession) -> list[services.ParticipantMarks]:
    days, codes = session_half_days(session), session.competence_codes
    result = []
    for entry in form.rows:
        row = entry.form
        result.append(services.ParticipantMarks(
            beneficiary_id=row.beneficiary_id.data,
            marks={d.value: row[d.value].data or None for d in days},
            levels={c: int(row[level_field_name(c)].data) if row[level_field_name(c)].data
                    else None for c in codes},
        ))
    return result


def _render_session(session: TrainingSession, form):
    participants = {e.beneficiary_id: e for e in queries.participants(session)}
    rows = [(entry, participants.get(entry.form.beneficiary_id.data)) for entry in form.rows]
    return render_template(
        "training/session.html", s=session, form=form, rows=rows,
        number=queries.session_numbers([session]).get(session.id),
        half_days=[(d.value, HALF_DAY_LABELS[d]) for d in session_half_days(session)],
        slot=Slot(session.start_time, session.end_time, session.break_minutes),
        competences=[pix.competence(c) for c in session.competence_codes],
        level_field=level_field_name, trainer=services.trainer_label(session),
        presence_labels={p.value: label for p, label in PRESENCE_LABELS.items()},
        can_mark=session.session_date <= now().date(), format_minutes=format_minutes)
