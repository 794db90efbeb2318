"""Beneficiary files: social workers and admins only (invariant 4). Every opening of a file
(page, edit form, export) writes an access-log row in the same transaction."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, SOCIAL, roles_required
from refurb.beneficiaries import export, queries, services
from refurb.beneficiaries.forms import (
    DecisionForm,
    DocumentCheckForm,
    FileForm,
    PolicyForm,
    policy_form_data,
    rules_from_form,
)
from refurb.beneficiaries.models import AccessAction, Beneficiary, Kind
from refurb.core.applications import STATUS_LABELS, Status
from refurb.core.errors import DomainError
from refurb.devices.queries import paginate
from refurb.documents.pdf import workshop_letterhead
from refurb.extension_points import beneficiary_panels
from refurb.extensions import db
from refurb.web import actor_id, flash_domain_error, get_or_404, now, page_arg, per_page

bp = Blueprint("beneficiaries", __name__, url_prefix="/beneficiaries")


@bp.get("/")
@roles_required(*SOCIAL)
def list_files():
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    text = (request.args.get("q") or "").strip()
    page = paginate(queries.list_files_query(status, kind, text), page_arg(), per_page())
    return render_template(
        "beneficiaries/list.html", page=page, rows=_rows(page.items), status=status, kind=kind,
        q=text, statuses=STATUS_LABELS, kinds=services.KIND_LABELS,
    )


@bp.get("/waiting")
@roles_required(*SOCIAL)
def waiting_list():
    page = paginate(queries.waiting_list_query(), page_arg(), per_page())
    return render_template("beneficiaries/waiting.html", page=page, rows=_rows(page.items))


def _rows(items: list[Beneficiary]) -> list[dict]:
    today = now().date()
    return [{"b": b, "status": services.display_status(b, today),
             "kind": services.KIND_LABELS[Kind(b.kind)]} for b in items]


@bp.route("/new/<kind>", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def new_file(kind: str):
    if kind not in {k.value for k in Kind}:
        abort(404)
    form = FileForm()
    if form.validate_on_submit():
        try:
            beneficiary = services.create_file(kind, _values(form), actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Dossier %(p)s créé.", p=beneficiary.pseudonym), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary.id))
    return render_template("beneficiaries/form.html", form=form, kind=kind, beneficiary=None,
                           kind_label=services.KIND_LABELS[Kind(kind)])


@bp.route("/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@roles_required(*SOCIAL)
def edit_file(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = FileForm(obj=beneficiary) if request.method == "GET" else FileForm()
    if request.method == "GET":
        form.situations.data = [s.value for s in beneficiary.situations]
        form.non_taxable.data = "non_taxable" in form.situations.data
        services.record_access(beneficiary, AccessAction.EDIT, actor_id=actor_id(), now=now())
        db.session.commit()
    elif form.validate_on_submit():
        try:
            services.update_file(beneficiary, _values(form), actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Dossier %(p)s enregistré.", p=beneficiary.pseudonym), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))
    return render_template("beneficiaries/form.html", form=form, kind=beneficiary.kind,
                           beneficiary=beneficiary,
                           kind_label=services.KIND_LABELS[Kind(beneficiary.kind)])


def _values(form: FileForm) -> services.FileValues:
    names = [f.name for f in services.FileValues.__dataclass_fields__.values()]
    data = {name: form[name].data for name in names if name != "situations"}
    data["situations"] = frozenset(form.situations.data or ())
    return services.FileValues(**data)


@bp.get("/<int:beneficiary_id>")
@roles_required(*SOCIAL)
def show_file(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    services.record_access(beneficiary, AccessAction.VIEW, actor_id=actor_id(), now=now())
    db.session.commit()
    return _render_file(beneficiary)


def _render_file(beneficiary: Beneficiary, typed: dict | None = None,
                 document_form: DocumentCheckForm | None = None):
    today = now().date()
    if document_form is None:
        document_form = DocumentCheckForm(formdata=None, checked_on=today)
    policy = services.get_current_policy()
    evaluation = services.evaluate_file(beneficiary, today, policy)
    return render_template(
        "beneficiaries/show.html",
        b=beneficiary,
        panels=beneficiary_panels.render_data(beneficiary),
        status=services.display_status(beneficiary, today),
        evaluation=evaluation,
        policy=policy,
        options=services.next_options(beneficiary, actor_id=actor_id(), today=today,
                                      policy=policy, evaluation=evaluation),
        decisions=queries.get_decisions(beneficiary.id),
        checks=queries.get_document_checks(beneficiary.id),
        access_log=queries.get_access_log(beneficiary.id, limit=20),
        labels=services.template_labels(),
        decision_form=DecisionForm(formdata=None),
        document_form=document_form,
        typed=typed or {},
        can_edit=beneficiary.anonymised_at is None and beneficiary.status != Status.CLOSED,
    )


@bp.post("/<int:beneficiary_id>/decision")
@roles_required(*SOCIAL)
def decide(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = DecisionForm()
    typed = {"target": form.target.data, "reason": form.reason.data or "",
             "override": bool(form.override.data)}
    if not form.validate_on_submit():
        flash(_("Action incomplète : choisissez une décision."), "error")
        return _render_file(beneficiary, typed)
    try:
        services.decide(beneficiary, form.target.data, actor_id=actor_id(), now=now(),
                        reason=form.reason.data or "", override=bool(form.override.data))
    except DomainError as error:
        db.session.rollback()
        flash_domain_error(error)
        return _render_file(beneficiary, typed)
    db.session.commit()
    flash(_("Dossier %(p)s : décision enregistrée.", p=beneficiary.pseudonym), "success")
    return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))


@bp.post("/<int:beneficiary_id>/documents")
@roles_required(*SOCIAL)
def add_document_check(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    form = DocumentCheckForm()
    if form.validate_on_submit():
        try:
            services.record_document_check(
                beneficiary, form.kind.data, checked_on=form.checked_on.data,
                label=form.label.data or "", actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Vérification du document enregistrée."), "success")
            return redirect(url_for("beneficiaries.show_file", beneficiary_id=beneficiary_id))
    return _render_file(beneficiary, document_form=form)


@bp.get("/<int:beneficiary_id>/export.json")
@roles_required(*SOCIAL)
def export_json(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    services.record_access(beneficiary, AccessAction.EXPORT, actor_id=actor_id(), now=now(),
                           detail="json")
    data = export.subject_access_data(beneficiary, generated_at=now())
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return _download(body.encode(), "application/json", f"{beneficiary.pseudonym}-donnees.json")


@bp.get("/<int:beneficiary_id>/export.pdf")
@roles_required(*SOCIAL)
def export_pdf(beneficiary_id: int):
    beneficiary = get_or_404(Beneficiary, beneficiary_id)
    services.record_access(beneficiary, AccessAction.EXPORT, actor_id=actor_id(), now=now(),
                           detail="pdf")
    data = export.subject_access_data(beneficiary, generated_at=now())
    db.session.commit()
    content = export.render_pdf(data, workshop_letterhead(current_app.config))
    return _download(content, "application/pdf", f"{beneficiary.pseudonym}-donnees.pdf")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    # Personal data: never cached by a browser or a proxy.
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    })


@bp.route("/policy", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_policy():
    current = services.get_current_policy()
    form = PolicyForm() if request.method == "POST" else PolicyForm(
        formdata=None, data=policy_form_data(current))
    if form.validate_on_submit():
        try:
            policy = services.save_policy(
                rules_from_form(form.data), base_version=_int(form.base_version.data),
                actor_id=actor_id(), now=now(), note=form.note.data or "")
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Politique d’éligibilité enregistrée en version %(v)s.", v=policy.version),
                  "success")
            return redirect(url_for("beneficiaries.edit_policy"))
    return render_template("beneficiaries/policy_edit.html", form=form, current=current,
                           versions=queries.list_policy_versions())


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@bp.get("/policy/current")
@roles_required(*SOCIAL)
def current_policy():
    version = services.get_current_policy().version
    return redirect(url_for("beneficiaries.show_policy", version=version))


@bp.get("/policy/<int:version>")
@roles_required(*SOCIAL)
def show_policy(version: int):
    policy, row = services.policy_for_display(version)
    if policy is None:
        abort(404)
    return render_template("beneficiaries/policy_show.html", policy=policy, row=row,
                           lines=export.describe_policy(policy),
                           current_version=services.get_current_policy().version,
                           is_admin=current_user.role in ADMIN)
