"""Lists, the waiting list, creating, editing and showing a file."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import SOCIAL, roles_required
from refurb.beneficiaries import files, queries, workflow
from refurb.beneficiaries.access_log import record_access
from refurb.beneficiaries.evaluation import evaluate_file
from refurb.beneficiaries.forms import DecisionForm, DocumentCheckForm, FileForm, file_values
from refurb.beneficiaries.labels import KIND_LABELS, template_labels
from refurb.beneficiaries.models import AccessAction, Beneficiary, Kind
from refurb.beneficiaries.permissions import can_edit_file
from refurb.beneficiaries.policy import get_current_policy
from refurb.beneficiaries.views.blueprint import bp
from refurb.clock import local_date
from refurb.core.applications import STATUS_LABELS
from refurb.database import writes_on_get
from refurb.devices.queries import paginate
from refurb.extension_points import beneficiary_panels, stock_fits
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page, translate

KINDS = frozenset(k.value for k in Kind)


@bp.get("/")
@roles_required(*SOCIAL)
def list_files():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    text = (request.args.get("q") or "").strip()
    # ?decide=1: the home page's queue, submitted files this reader may decide on.
    decide = request.args.get("decide") == "1"
    decidable_by = (current_user.id, get_current_policy().four_eyes) if decide else None
    page = paginate(queries.list_files_query(status, kind, text, decidable_by), page_arg(),
                    per_page())
    return render_template(
        "beneficiaries/list.html", page=page, rows=_rows(page.items), status=status, kind=kind,
        q=text, statuses=STATUS_LABELS, kinds=KIND_LABELS, decide=decide,
    )


@bp.get("/waiting")
@roles_required(*SOCIAL)
def waiting_list():
    page = paginate(queries.waiting_list_query(), page_arg(), per_page())
    fits: dict = {}
    for fitting in stock_fits:  # the ready stock is a later domain's
        fits.update(fitting(page.items))
    return render_template("beneficiaries/waiting.html", page=page, rows=_rows(page.items),
                           fits=fits, labels=template_labels())


def _rows(items: list[Beneficiary]) -> list[dict]:
    today = local_date(now())
    return [{"b": b, "status": workflow.display_status(b, today),
             "kind": KIND_LABELS[Kind(b.kind)]} for b in items]


@bp.route("/new/<kind>", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_file(kind: str):
    if kind not in KINDS:
        abort(404)
    form = FileForm()
    if form.validate_on_submit():
        with attempt() as done:
            beneficiary = files.create_file(kind, file_values(form), actor_id=actor_id(),
                                            now=now())
        if done:
            flash(_("Dossier %(p)s créé.", p=beneficiary.pseudonym), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary.id))
    return render_template("beneficiaries/form.html", form=form, kind=kind, beneficiary=None,
                           kind_label=KIND_LABELS[Kind(kind)])


@bp.route("/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
@writes_on_get
def edit_file(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    if request.method == "GET":
        form = _prefilled_form(beneficiary)
        record_access(beneficiary, AccessAction.EDIT, actor_id=actor_id(), now=now())
    else:
        form = FileForm()
    if form.validate_on_submit():
        with attempt() as done:
            files.update_file(beneficiary, file_values(form), actor_id=actor_id(), now=now())
        if done:
            flash(_("Dossier %(p)s enregistré.", p=beneficiary.pseudonym), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))
    return render_template("beneficiaries/form.html", form=form, kind=beneficiary.kind,
                           beneficiary=beneficiary, kind_label=KIND_LABELS[Kind(beneficiary.kind)])


def _prefilled_form(beneficiary: Beneficiary) -> FileForm:
    form = FileForm(obj=beneficiary)
    form.situations.data = [s.value for s in beneficiary.situations]
    form.non_taxable.data = "non_taxable" in form.situations.data
    form.need_kind.data = beneficiary.need_kind or ""
    form.need_min_ram_gib.data = (beneficiary.need_min_ram_mib // 1024
                                  if beneficiary.need_min_ram_mib else None)
    return form


@bp.get("/<int:beneficiary_id>")
@roles_required(*SOCIAL)
@writes_on_get
def show_file(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    record_access(beneficiary, AccessAction.VIEW, actor_id=actor_id(), now=now())
    return render_file(beneficiary)


def render_file(beneficiary: Beneficiary, typed: dict | None = None,
                document_form: DocumentCheckForm | None = None):
    """The file page; ``typed`` and ``document_form`` bring back what a refused form held."""
    today = local_date(now())
    if document_form is None:
        document_form = DocumentCheckForm(formdata=None, checked_on=today)
    policy = get_current_policy()
    evaluation = evaluate_file(beneficiary, today, policy)
    options = workflow.next_options(beneficiary, actor_id=actor_id(), today=today,
                                    policy=policy, evaluation=evaluation)
    return render_template(
        "beneficiaries/show.html",
        b=beneficiary,
        panels=beneficiary_panels.render_data(beneficiary),
        status=workflow.display_status(beneficiary, today),
        evaluation=evaluation,
        record=evaluation.to_record() if evaluation is not None else None,
        policy=policy,
        options=options,
        why={o.target.value: [translate(r) for r in o.verdict.reasons] for o in options},
        decisions=queries.get_decisions(beneficiary.id),
        checks=queries.get_document_checks(beneficiary.id),
        access_log=queries.get_access_log(beneficiary.id, limit=20),
        labels=template_labels(),
        decision_form=DecisionForm(formdata=None),
        document_form=document_form,
        typed=typed or {},
        can_edit=can_edit_file(current_user, beneficiary),
    )
