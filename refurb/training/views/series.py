"""A programme's sessions in one form (a weekly series), one session moved, several files
enrolled at once."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.clock import local_date
from refurb.training import enrolments as enrolment_cases
from refurb.training import queries, series
from refurb.training.forms import EnrolManyForm, MoveForm, SeriesForm
from refurb.training.models import Programme, TrainingSession
from refurb.training.views.blueprint import bp
from refurb.web import actor_id, attempt, get_or_404, now


def _series_form(programme: Programme) -> SeriesForm:
    if request.method != "GET":
        form = SeriesForm()
    else:
        form = SeriesForm(formdata=None, hours=programme.hours_per_session,
                          count=programme.planned_sessions, trainer_id=current_user.id)
    return form.set_choices(queries.trainer_choices())


def _series_values(form: SeriesForm) -> series.SeriesValues:
    return series.SeriesValues(
        first_date=form.first_date.data, weekday=int(form.weekday.data),
        start_time=form.start_time.data, hours=form.hours.data, count=form.count.data,
        place=form.place.data or "", trainer_id=form.trainer_id.data,
        trainer_name=form.trainer_name.data or "", group_name=form.group_name.data or "",
        skip=form.skip.data or frozenset())


@bp.route("/programmes/<int:programme_id>/series", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_series(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    form = _series_form(programme)
    if form.validate_on_submit():
        with attempt() as done:
            created = series.create_series(programme, _series_values(form),
                                           actor_id=actor_id(), now=now())
        if done:
            flash(_("%(n)s séance(s) créée(s), du %(first)s au %(last)s.", n=len(created),
                    first=created[0].session_date.strftime("%d/%m/%Y"),
                    last=created[-1].session_date.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("training.show_programme", programme_id=programme_id))
    return render_template("training/series_form.html", form=form, programme=programme), (
        400 if form.is_submitted() else 200)


@bp.route("/sessions/<int:session_id>/move", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def move_session(session_id: int):
    session = get_or_404(TrainingSession, session_id)
    before = session.session_date, session.start_time, session.end_time
    form = MoveForm(obj=session) if request.method == "GET" else MoveForm()
    if form.validate_on_submit():
        with attempt() as done:
            people = series.move_session(session, form.session_date.data, form.start_time.data,
                                         form.end_time.data, actor_id=actor_id(), now=now())
        if done:
            # Rendered, not redirected: the list of people to tell is the point of the page.
            return render_template("training/session_moved.html", s=session, before=before,
                                   people=people)
    return render_template("training/session_move.html", s=session, form=form,
                           people=series.to_tell(session)), 400 if form.is_submitted() else 200


def _enrol_many_form(programme: Programme):
    candidates = queries.enrolment_candidates(local_date(now()))
    form = EnrolManyForm() if request.method != "GET" else EnrolManyForm(formdata=None)
    form.beneficiary_ids.choices = [(b.id, b.pseudonym) for b in candidates]
    current = {e.beneficiary_id for e in queries.enrolments_for(
        programme.id, [b.id for b in candidates]) if e.withdrawn_on is None}
    return form, candidates, current


@bp.route("/programmes/<int:programme_id>/enrol-many", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def enrol_many(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    form, candidates, current = _enrol_many_form(programme)
    if form.validate_on_submit():
        with attempt() as done:
            report = enrolment_cases.enrol_many(
                programme, form.beneficiary_ids.data, actor_id(), now(),
                group_name=form.group_name.data or "", enrolled_on=form.enrolled_on.data)
        if done:
            flash(_("%(n)s inscription(s) enregistrée(s).", n=len(report.enrolled)), "success")
            if report.already:
                flash(_("Déjà inscrit(s), laissé(s) tel(s) quel(s) : %(names)s.",
                        names=", ".join(f"{b.display_name} ({b.pseudonym})"
                                        for b in report.already)), "warning")
            return redirect(url_for("training.show_programme", programme_id=programme_id))
    chosen = set(form.beneficiary_ids.data or ())
    return render_template("training/enrol_many.html", programme=programme, form=form,
                           candidates=candidates, current=current, chosen=chosen), (
        400 if form.is_submitted() else 200)
