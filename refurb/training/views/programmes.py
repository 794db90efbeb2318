"""Programme pages: the list, a new programme, editing one, one programme with its participants'
progress and its sessions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import SOCIAL, roles_required
from refurb.clock import local_date
from refurb.core import pix
from refurb.core.training import format_minutes
from refurb.devices.queries import paginate
from refurb.training import programmes as programme_cases
from refurb.training import queries
from refurb.training.forms import ActionForm, ProgrammeForm
from refurb.training.models import Programme
from refurb.training.progress import programme_progress
from refurb.training.views.blueprint import bp
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page


@bp.get("/")
@roles_required(*SOCIAL)
def programmes():
    page = paginate(queries.list_programmes_query(), page_arg(), per_page())
    counts = queries.programme_counts([p.id for p in page.items], local_date(now()))
    return render_template("training/programmes.html", page=page, counts=counts)


def _values(form: ProgrammeForm) -> programme_cases.ProgrammeValues:
    return programme_cases.ProgrammeValues(
        title=form.title.data or "", description=form.description.data or "",
        planned_sessions=form.planned_sessions.data, hours_per_session=form.hours_per_session.data,
        competences=frozenset(form.competences.data or ()), active=bool(form.active.data))


@bp.route("/programmes/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_programme():
    form = ProgrammeForm()
    if form.validate_on_submit():
        with attempt() as done:
            programme = programme_cases.create_programme(_values(form), actor_id=actor_id(),
                                                         now=now())
        if done:
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
        with attempt() as done:
            programme_cases.update_programme(programme, _values(form), actor_id=actor_id(),
                                             now=now())
        if done:
            flash(_("Formation enregistrée."), "success")
            return redirect(url_for("training.show_programme", programme_id=programme_id))
    return render_template("training/programme_form.html", form=form, programme_id=programme_id,
                           programme=programme)


@bp.get("/programmes/<int:programme_id>")
@roles_required(*SOCIAL)
def show_programme(programme_id: int):
    programme = get_or_404(Programme, programme_id)
    enrolments = queries.enrolments_of_programme(programme_id)
    sessions = queries.sessions_of_programme(programme_id)
    return render_template(
        "training/programme.html", programme=programme, enrolments=enrolments,
        progress=programme_progress(programme, [e.beneficiary_id for e in enrolments]),
        sessions=sessions, numbers=queries.session_numbers(sessions),
        counts=queries.presence_counts([s.id for s in sessions]),
        competences=[pix.competence(c) for c in programme.competence_codes],
        action_form=ActionForm(formdata=None), format_minutes=format_minutes)
