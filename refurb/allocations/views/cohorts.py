"""Cohort pages: the list, a cohort with its members and its parents' workshop, the pack
templates, and the distribution day (a scan box handing the cohort over machine by machine)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.allocations import cohorts, distribution, queries
from refurb.allocations.forms import CohortForm, ConfirmForm, MembersForm, PackForm, ScanForm
from refurb.allocations.models import Cohort, PackTemplate
from refurb.allocations.views.blueprint import bp, form_status
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.devices.queries import paginate
from refurb.documents.pdf import workshop_letterhead
from refurb.training import queries as training_queries
from refurb.training.progress import programme_progress
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page


@bp.get("/cohorts")
@roles_required(*SOCIAL)
def cohorts_list():
    page = paginate(queries.cohorts_query(), page_arg(), per_page())
    return render_template("allocations/cohorts.html", page=page,
                           kinds=cohorts.COHORT_KIND_LABELS)


def _cohort_form(form: CohortForm, cohort: Cohort | None = None) -> CohortForm:
    form.kind.choices = [(k, _(v)) for k, v in cohorts.COHORT_KIND_LABELS.items()]
    # A retired pack stays on the cohort that has it, and is offered to no other.
    form.pack_template_id.choices = [(0, "—"), *(
        (p.id, p.name) for p in queries.pack_templates()
        if p.retired_at is None or (cohort is not None and p.id == cohort.pack_template_id))]
    form.school_programme_id.choices = [(0, "—"), *queries.programme_choices()]
    form.training_programme_id.choices = [(0, "—"), *(
        (p.id, p.title) for p in training_queries.programme_choices())]
    return form


def _cohort_values(form: CohortForm) -> cohorts.CohortValues:
    return cohorts.CohortValues(
        kind=form.kind.data, name=form.name.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, uai=form.uai.data or "", school_name=form.school_name.data or "",
        pack_template_id=form.pack_template_id.data or None, mode=form.mode.data,
        school_programme_id=form.school_programme_id.data or None,
        fee_amount=form.fee_amount.data, fee_method=form.fee_method.data or None,
        training_programme_id=form.training_programme_id.data or None)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_cohort():
    form, outcome = _cohort_form(CohortForm()), None
    if form.validate_on_submit():
        with attempt() as outcome:
            cohort = cohorts.create_cohort(_cohort_values(form), actor_id=actor_id(), now=now())
        if outcome:
            flash(_("Cohorte « %(n)s » créée.", n=cohort.name), "success")
            return redirect(url_for("allocations.show_cohort", cohort_id=cohort.id))
    return render_template("allocations/cohort_form.html", form=form, cohort=None), \
        form_status(form, outcome)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def edit_cohort(cohort_id: int):
    cohort = get_or_404(Cohort, cohort_id)
    form = _cohort_form(CohortForm(obj=cohort if request.method == "GET" else None), cohort)
    outcome = None
    if request.method == "GET":
        for name in ("pack_template_id", "school_programme_id", "training_programme_id"):
            form[name].data = getattr(cohort, name) or 0
        form.fee_method.data = cohort.fee_method or ""
    if form.validate_on_submit():
        with attempt() as outcome:
            cohorts.update_cohort(cohort, _cohort_values(form))
        if outcome:
            flash(_("Cohorte enregistrée."), "success")
            return redirect(url_for("allocations.show_cohort", cohort_id=cohort_id))
    return render_template("allocations/cohort_form.html", form=form, cohort=cohort), \
        form_status(form, outcome)


def _cohort_page(cohort: Cohort, members_form: MembersForm | None = None, status: int = 200):
    programme = cohort.training_programme
    ids = [m.beneficiary_id for m in cohort.members]
    enrolled = {}
    if programme is not None:
        enrolled = {e.beneficiary_id: e for e in training_queries.enrolments_of_programme(
            programme.id)}
    return render_template(
        "allocations/cohort.html", c=cohort, kinds=cohorts.COHORT_KIND_LABELS,
        members_form=members_form or MembersForm(formdata=None),
        action_form=ConfirmForm(formdata=None), enrolled=enrolled,
        progress=programme_progress(programme, ids) if programme is not None else {},
    ), status


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(*SOCIAL)
def show_cohort(cohort_id: int):
    return _cohort_page(get_or_404(Cohort, cohort_id))


@bp.post("/cohorts/<int:cohort_id>/members")
@roles_required(*SOCIAL)
def add_members(cohort_id: int):
    cohort = get_or_404(Cohort, cohort_id)
    form = MembersForm()
    if not form.validate_on_submit():
        return _cohort_page(cohort, form, 400)
    with attempt() as done:
        added = cohorts.add_members(cohort, form.pseudonyms.data, now=now())
    if not done:
        return _cohort_page(get_or_404(Cohort, cohort_id), form, done.error.http_status)
    flash(_("%(n)s dossier(s) ajouté(s) à la cohorte.", n=len(added)), "success")
    return redirect(url_for("allocations.show_cohort", cohort_id=cohort_id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/remove")
@roles_required(*SOCIAL)
def remove_member(cohort_id: int, member_id: int):
    cohort = get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        with attempt() as done:
            beneficiary = cohorts.remove_member(cohort, member_id)
        if done:
            flash(_("Dossier %(p)s retiré de la cohorte.", p=beneficiary.pseudonym), "success")
    return redirect(url_for("allocations.show_cohort", cohort_id=cohort_id))


@bp.post("/cohorts/<int:cohort_id>/enrol-parents")
@roles_required(*SOCIAL)
def enrol_parents(cohort_id: int):
    cohort = get_or_404(Cohort, cohort_id)
    if ConfirmForm().validate_on_submit():
        with attempt() as done:
            enrolled = cohorts.enrol_parents(cohort, actor_id=actor_id(), now=now())
        if done:
            flash(_("%(n)s famille(s) inscrite(s) à l’atelier des parents.", n=len(enrolled)),
                  "success")
    return redirect(url_for("allocations.show_cohort", cohort_id=cohort_id))


def _day_page(cohort: Cohort, form: ScanForm | None = None, status: int = 200):
    return render_template("allocations/distribution.html",
                           day=distribution.day_state(cohort),
                           form=form or ScanForm(formdata=None)), status


@bp.get("/cohorts/<int:cohort_id>/distribution")
@roles_required(*SOCIAL)
def distribution_day(cohort_id: int):
    return _day_page(get_or_404(Cohort, cohort_id))


@bp.post("/cohorts/<int:cohort_id>/distribution")
@roles_required(*SOCIAL)
def distribution_scan(cohort_id: int):
    cohort = get_or_404(Cohort, cohort_id)
    form = ScanForm()
    if not form.validate_on_submit():
        return _day_page(cohort, form, 400)
    with attempt() as done:
        result = distribution.scan(cohort, form.tag.data, actor_id=actor_id(), now=now(),
                                   workshop=workshop_letterhead(current_app.config),
                                   signed_for_workshop=current_user.display_name)
    if not done:
        return _day_page(get_or_404(Cohort, cohort_id), ScanForm(formdata=None),
                         done.error.http_status)
    pseudonym = result.member.beneficiary.pseudonym
    if result.allocation is not None:
        flash(_("%(tag)s → %(p)s : pack complet, remise %(n)s faite et convention émise.",
                tag=result.device.asset_tag, p=pseudonym, n=result.allocation.number), "success")
    else:
        flash(_("%(tag)s → %(p)s.", tag=result.device.asset_tag, p=pseudonym), "success")
    return redirect(url_for("allocations.distribution_day", cohort_id=cohort_id))


# ------------------------------------------------------------------------- pack templates

def _pack_form(form: PackForm) -> PackForm:
    form.device_types.choices = [(k.value, _(v)) for k, v in DEVICE_TYPE_LABELS.items()]
    return form


def _pack_values(form: PackForm) -> cohorts.PackValues:
    return cohorts.PackValues(
        name=form.name.data, device_types={t: 1 for t in form.device_types.data or ()},
        accessories=form.accessories.data or "")


@bp.route("/packs", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def packs():
    form, outcome = _pack_form(PackForm()), None
    if form.validate_on_submit():
        with attempt() as outcome:
            pack = cohorts.create_pack(_pack_values(form), actor_id=actor_id(), now=now())
        if outcome:
            flash(_("Pack « %(n)s » créé.", n=pack.name), "success")
            return redirect(url_for("allocations.packs"))
    return render_template("allocations/packs.html", form=form, action_form=ConfirmForm(
        formdata=None), packs=queries.pack_templates()), form_status(form, outcome)


@bp.route("/packs/<int:pack_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def edit_pack(pack_id: int):
    pack = get_or_404(PackTemplate, pack_id)
    form, outcome = _pack_form(PackForm()), None
    if request.method == "GET":
        form.name.data = pack.name
        form.device_types.data = [line.device_type for line in pack.device_lines]
        form.accessories.data = "\n".join(f"{line.quantity} {line.label}"
                                          for line in pack.accessory_lines)
    if form.validate_on_submit():
        with attempt() as outcome:
            cohorts.update_pack(pack, _pack_values(form))
        if outcome:
            flash(_("Pack « %(n)s » enregistré : les remises déjà faites gardent ce qu’elles "
                    "ont reçu.", n=form.name.data.strip()), "success")
            return redirect(url_for("allocations.packs"))
        pack = get_or_404(PackTemplate, pack_id)
    return render_template("allocations/pack_form.html", form=form, pack=pack), \
        form_status(form, outcome)


@bp.post("/packs/<int:pack_id>/retire")
@roles_required(*SOCIAL)
def retire_pack(pack_id: int):
    pack = get_or_404(PackTemplate, pack_id)
    if ConfirmForm().validate_on_submit():
        with attempt() as done:
            cohorts.retire_pack(pack, now=now())
        if done:
            flash(_("Pack « %(n)s » retiré : il n’est plus proposé aux nouvelles cohortes.",
                    n=pack.name), "success")
    return redirect(url_for("allocations.packs"))
