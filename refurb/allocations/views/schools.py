"""School programme pages: the list with their loans' outcome, a new programme, one programme
with the schools it serves."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import queries, schools
from refurb.allocations.forms import ProgrammeForm, SchoolForm, WarrantyForm
from refurb.allocations.models import SchoolProgramme
from refurb.allocations.views.blueprint import bp, form_status
from refurb.allocations.warranty import months_for
from refurb.clock import local_date
from refurb.core.handover import school_year_start
from refurb.devices.queries import paginate
from refurb.extensions import db
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page


@bp.get("/programmes")
@roles_required(*SOCIAL)
def programmes():
    page = paginate(queries.programmes_query(), page_arg(), per_page())
    return render_template("allocations/programmes.html", page=page,
                           counts=queries.programme_counts((p.id for p in page.items),
                                                           local_date(now())))


def _programme_values(form: ProgrammeForm) -> schools.ProgrammeValues:
    return schools.ProgrammeValues(name=form.name.data, start_level=form.start_level.data,
                                   cohort_year=form.cohort_year.data, due_on=form.due_on.data,
                                   notes=form.notes.data or "",
                                   warranty_months=form.warranty_months.data)


@bp.route("/programmes/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_programme():
    form, outcome = ProgrammeForm(), None
    if request.method == "GET":
        form.cohort_year.data = school_year_start(local_date(now()))
    if form.validate_on_submit():
        with attempt() as outcome:
            programme = schools.create_programme(_programme_values(form), actor_id=actor_id(),
                                                 now=now())
        if outcome:
            flash(_("Dispositif « %(n)s » créé.", n=programme.name), "success")
            return redirect(url_for("allocations.show_programme", programme_id=programme.id))
    return render_template("allocations/programme_form.html", form=form), form_status(form,
                                                                                      outcome)


@bp.route("/programmes/<int:programme_id>", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def show_programme(programme_id: int):
    programme = get_or_404(SchoolProgramme, programme_id)
    form, outcome = SchoolForm(), None
    if form.validate_on_submit():
        with attempt() as outcome:
            schools.add_school(programme, form.uai.data, form.name.data)
        if outcome:
            flash(_("École ajoutée au dispositif."), "success")
            return redirect(url_for("allocations.show_programme", programme_id=programme_id))
        programme = db.session.get(SchoolProgramme, programme_id)
    return _programme_page(programme, form), form_status(form, outcome)


def _programme_page(programme: SchoolProgramme, form: SchoolForm | None = None,
                    warranty_form: WarrantyForm | None = None):
    return render_template(
        "allocations/programme.html", p=programme, form=form or SchoolForm(formdata=None),
        warranty_form=warranty_form or WarrantyForm(
            formdata=None, warranty_months=programme.warranty_months),
        default_warranty=months_for(programme) if programme.warranty_months is None else None,
        counts=queries.programme_counts([programme.id], local_date(now())).get(programme.id, {}),
    )


@bp.post("/programmes/<int:programme_id>/warranty")
@roles_required(*SOCIAL)
def programme_warranty(programme_id: int):
    programme = get_or_404(SchoolProgramme, programme_id)
    form, outcome = WarrantyForm(), None
    if form.validate_on_submit():
        with attempt() as outcome:
            schools.set_warranty(programme, form.warranty_months.data)
        if outcome:
            flash(_("Garantie du dispositif enregistrée : elle vaut pour les prochaines "
                    "remises."), "success")
            return redirect(url_for("allocations.show_programme", programme_id=programme_id))
        programme = db.session.get(SchoolProgramme, programme_id)
    return _programme_page(programme, warranty_form=form), form_status(form, outcome)
