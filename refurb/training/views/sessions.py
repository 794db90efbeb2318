"""Session pages: the list (upcoming, past, all), a new session, editing one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.clock import local_date
from refurb.devices.queries import paginate
from refurb.extensions import db
from refurb.training import queries
from refurb.training import sessions as session_cases
from refurb.training.forms import SessionForm
from refurb.training.models import Programme, TrainingSession
from refurb.training.views.blueprint import bp
from refurb.web import actor_id, attempt, get_or_404, int_arg, now, page_arg, per_page

WHEN = ("upcoming", "past", "all")


@bp.get("/sessions")
@roles_required(*SOCIAL)
def sessions():
    when = request.args.get("when") if request.args.get("when") in WHEN else "upcoming"
    programme_id = int_arg("programme")
    query = queries.list_sessions_query(programme_id, when, local_date(now()))
    page = paginate(query, page_arg(), per_page())
    return render_template(
        "training/sessions.html", page=page, when=when, programme_id=programme_id,
        numbers=queries.session_numbers(page.items),
        counts=queries.presence_counts([s.id for s in page.items]),
        programmes=queries.programme_choices(programme_id), trainer=session_cases.trainer_label)


def _new_session_form() -> SessionForm:
    if request.method != "GET":
        return SessionForm()
    programme = db.session.get(Programme, int_arg("programme") or 0)
    return SessionForm(formdata=None, programme_id=programme and programme.id,
                       competences=programme.competence_codes if programme else [],
                       trainer_id=current_user.id)


def _values(form: SessionForm) -> session_cases.SessionValues:
    return session_cases.SessionValues(
        programme_id=form.programme_id.data, session_date=form.session_date.data,
        start_time=form.start_time.data, end_time=form.end_time.data,
        break_minutes=form.break_minutes.data or 0, place=form.place.data or "",
        trainer_id=form.trainer_id.data, trainer_name=form.trainer_name.data or "",
        topics=form.topics.data or "", group_name=form.group_name.data or "",
        competences=frozenset(form.competences.data or ()))


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_session():
    form = _new_session_form()
    form.set_choices(queries.programme_choices(), queries.trainer_choices())
    if form.validate_on_submit():
        with attempt() as done:
            session = session_cases.create_session(_values(form), actor_id=actor_id(),
                                                   now=now())
        if done:
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
        with attempt() as done:
            session_cases.update_session(session, _values(form), actor_id=actor_id(), now=now())
        if done:
            flash(_("Séance enregistrée."), "success")
            return redirect(url_for("training.show_session", session_id=session_id))
    return render_template("training/session_form.html", form=form, session_id=session_id,
                           session=session)
