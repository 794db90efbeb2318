"""Support requests (staff), follow-up calls (social workers) and the device page's panel."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb.accounts.access import SOCIAL, STAFF, roles_required
from refurb.accounts.permissions import sees_people
from refurb.aftercare import followups, queries, support
from refurb.aftercare.forms import CallForm, DecideForm, OpenRequestForm
from refurb.aftercare.models import SupportRequest
from refurb.allocations.models import Allocation
from refurb.allocations.warranty import warranty_of
from refurb.beneficiaries.models import Beneficiary
from refurb.clock import local_date
from refurb.core import aftercare as rules
from refurb.core.errors import DomainError
from refurb.devices.queries import paginate
from refurb.extensions import db
from refurb.web import actor_id, attempt, get_or_404, now, page_arg, per_page, translate_error

bp = Blueprint("aftercare", __name__, url_prefix="/aftercare")


def _pseudonyms(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Beneficiary.id, Beneficiary.pseudonym)
                                   .where(Beneficiary.id.in_(ids))).all())


def _labels() -> dict:
    return {"statuses": rules.STATUS_LABELS, "decisions": rules.DECISION_LABELS,
            "sources": support.SOURCE_LABELS}


@bp.get("/")
@roles_required(*STAFF)
def requests():
    page = paginate(queries.requests_query(), page_arg(), per_page())
    names = _pseudonyms(r.allocation.beneficiary_id for r in page.items)
    return render_template("aftercare/requests.html", page=page, names=names,
                           q=request.args.get("q", ""), **_labels())


def _find(text: str) -> tuple[support.Found | None, tuple | None]:
    if not text:
        return None, None
    try:
        return support.find(text), None
    except DomainError as error:
        return None, translate_error(error)


def _open_form(found: support.Found | None) -> OpenRequestForm:
    form = OpenRequestForm()
    if found is None:
        return form
    form.device_id.choices = [(d.id, f"{d.asset_tag} — {d.make} {d.model}".strip())
                              for d in found.devices]
    if not form.is_submitted():  # a scanned machine, or the only one, comes chosen
        only = found.devices[0].id if len(found.devices) == 1 else None
        form.device_id.data = found.device.id if found.device else only
        form.source.data = request.args.get("source") or ("scan" if found.device else
                                                          "agreement")
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_request():
    text = (request.values.get("q") or "").strip()
    found, problem = _find(text)
    form = _open_form(found)
    if found is not None and form.validate_on_submit():
        device = next(d for d in found.devices if d.id == form.device_id.data)
        with attempt() as done:
            opened = support.open_request(found.allocation, device, source=form.source.data,
                                          problem=form.problem.data, actor_id=actor_id(),
                                          now=now())
        if done:
            return redirect(url_for("aftercare.show_request", request_id=opened.id))
    warranty = warranty_of(found.allocation) if found else None
    return render_template(
        "aftercare/new.html", q=text, found=found, form=form, problem=problem,
        warranty=warranty, covered=bool(warranty and warranty.covers(local_date(now()))),
        pseudonym=_pseudonyms([found.allocation.beneficiary_id]).get(
            found.allocation.beneficiary_id) if found else "")


@bp.get("/requests/<int:request_id>")
@roles_required(*STAFF)
def show_request(request_id: int):
    support_request = get_or_404(SupportRequest, request_id)
    return _render_request(support_request, DecideForm())


def _render_request(support_request: SupportRequest, form: DecideForm):
    allocation = support_request.allocation
    replacement = support_request.replacement if support_request.replacement_device_id else None
    return render_template(
        "aftercare/request.html", r=support_request, form=form, allocation=allocation,
        replacement=replacement, warranty=warranty_of(allocation),
        pseudonym=_pseudonyms([allocation.beneficiary_id]).get(allocation.beneficiary_id),
        **_labels())


@bp.post("/requests/<int:request_id>/decide")
@roles_required(*STAFF)
def decide(request_id: int):
    support_request = get_or_404(SupportRequest, request_id)
    form = DecideForm()
    if form.validate_on_submit():
        with attempt() as done:
            support.decide(support_request, form.decision.data, reason=form.reason.data or "",
                           replacement_tag=form.replacement_tag.data or "",
                           actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("aftercare.show_request", request_id=request_id))
        support_request = get_or_404(SupportRequest, request_id)
    return _render_request(support_request, form), 422


@bp.post("/requests/<int:request_id>/hand-back")
@roles_required(*STAFF)
def hand_back(request_id: int):
    support_request = get_or_404(SupportRequest, request_id)
    support.hand_back(support_request, actor_id=actor_id(), now=now())
    return redirect(url_for("aftercare.show_request", request_id=request_id))


@bp.get("/followups")
@roles_required(*SOCIAL)
def followups_list():
    due = followups.followups_due(local_date(now()))
    people = {b.id: b for b in db.session.scalars(select(Beneficiary).where(
        Beneficiary.id.in_({d.beneficiary_id for d in due})))} if due else {}
    return render_template("aftercare/followups.html", due=due, people=people,
                           form=CallForm(), outcomes=rules.CALL_OUTCOME_LABELS)


@bp.post("/followups/<int:allocation_id>")
@roles_required(*SOCIAL)
def record_call(allocation_id: int):
    allocation = get_or_404(Allocation, allocation_id)
    form = CallForm()
    if form.validate_on_submit():
        with attempt():
            followups.record_call(allocation, outcome=form.outcome.data,
                                  notes=form.notes.data or "", actor_id=actor_id(), now=now())
    return redirect(url_for("aftercare.followups_list"))


def device_panel(device) -> dict | None:
    """The "after the handover" slot of the device page: agreement, warranty, requests."""
    if device is None or not current_user.is_authenticated or not current_user.is_staff:
        return None
    holder, found = queries.holder_and_requests(device.id)
    if holder is None and not found:
        return None
    data = {"requests": found, **_labels(), "number": None}
    if holder is not None:
        warranty = warranty_of(holder)
        data.update(number=holder.number, handed_over_on=warranty.handed_over_on,
                    warranty_until=warranty.until,
                    covered=warranty.covers(local_date(now())),
                    open_url=url_for("aftercare.new_request", q=device.asset_tag,
                                     source="scan"),
                    sees_people=sees_people(current_user))
    return data
