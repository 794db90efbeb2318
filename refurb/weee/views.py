"""WEEE pages: batches (lots DEEE), operators and carriers, the waste register, the rates.

Technicians open batches and fill them; admins manage operators and carriers, close batches
and correct the register.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, WORKSHOP, roles_required
from refurb.clock import today
from refurb.core.errors import DomainError, InvalidInput
from refurb.core.weee import (
    CATEGORY_LABELS,
    ECO_ORGANISMS,
    OPERATION_CODES,
    OPERATION_MODE_LABELS,
    OUTCOME_LABELS,
    PART_KIND_LABELS,
    TRANSPORT_MODE_LABELS,
    WASTE_CODE_LABELS,
    Outcome,
)
from refurb.devices.queries import get_device_by_tag, get_drive_by_tag, paginate
from refurb.documents.services import latest_version
from refurb.extensions import db
from refurb.web import actor_id, flash_domain_error, get_or_404, now, page_arg, per_page
from refurb.weee import forms, queries, register, services
from refurb.weee.models import Carrier, TreatmentOperator, WasteItem, WasteRegisterLine, WeeeBatch

bp = Blueprint("weee", __name__, url_prefix="/weee")


@bp.context_processor
def _flags():
    return {"weee_admin": current_user.is_authenticated and current_user.role in ADMIN}


def _fail(error: DomainError) -> None:
    db.session.rollback()
    flash_domain_error(error)


# ------------------------------------------------------------------------------ batches


@bp.get("/")
@roles_required(*WORKSHOP)
def batches():
    state = request.args.get("state") or None
    page = paginate(queries.list_batches_query(state), page_arg(), per_page())
    return render_template("weee/batches.html", page=page, state=state,
                           totals=queries.batch_totals([b.id for b in page.items]),
                           form=forms.OpenBatchForm(), containers=services.CONTAINERS)


@bp.post("/batches")
@roles_required(*WORKSHOP)
def open_batch():
    form = forms.OpenBatchForm()
    if not form.validate_on_submit():
        flash(_("Contenant ou repère invalide."), "error")
        return redirect(url_for("weee.batches"))
    batch = services.open_batch(container=form.container.data, label=form.label.data or "",
                                actor_id=actor_id(), now=now())
    db.session.commit()
    flash(_("Lot %(number)s ouvert.", number=batch.number), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


def _render_batch(batch: WeeeBatch, status: int = 200, **forms_):
    items = services.batch_items(batch)
    weights: dict[str, Decimal] = {}
    for item in items:
        weights[item.waste_code] = weights.get(item.waste_code, Decimal("0")) + item.weight_kg
    return render_template(
        "weee/batch.html", batch=batch, items=items, weights=sorted(weights.items()),
        total=sum(weights.values(), Decimal("0")),
        carriers=[] if batch.is_open else queries.batch_carriers(batch.id),
        document=None if batch.is_open else latest_version(batch.number),
        disposable=queries.disposable_devices() if batch.is_open else [],
        device_form=forms_.get("device_form") or forms.AddDeviceForm(formdata=None),
        part_form=forms_.get("part_form") or forms.AddPartForm(formdata=None),
        edit_form=forms.EditItemForm(formdata=None), remove_form=forms.RemoveItemForm(),
        can_edit=batch.is_open, can_close=batch.is_open and current_user.role in ADMIN,
        labels=_labels(),
    ), status


def _labels() -> dict:
    return {"categories": CATEGORY_LABELS, "codes": WASTE_CODE_LABELS,
            "kinds": PART_KIND_LABELS, "containers": services.CONTAINERS,
            "operations": OPERATION_CODES, "modes": OPERATION_MODE_LABELS,
            "transport": TRANSPORT_MODE_LABELS}


@bp.get("/batches/<int:batch_id>")
@roles_required(*WORKSHOP)
def batch(batch_id: int):
    return _render_batch(get_or_404(WeeeBatch, batch_id))


@bp.post("/batches/<int:batch_id>/devices")
@roles_required(*WORKSHOP)
def add_device(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    form = forms.AddDeviceForm()
    if not form.validate_on_submit():
        return _render_batch(batch, 400, device_form=form)
    device = get_device_by_tag(form.tag.data)
    if device is None:
        form.tag.errors.append(_("Numéro d'inventaire inconnu : %(tag)s", tag=form.tag.data))
        return _render_batch(batch, 400, device_form=form)
    try:
        services.add_device(batch, device, actor_id=actor_id(), now=now(),
                            waste_code=form.waste_code.data or None,
                            contains_pops=form.contains_pops.data, weight_kg=form.weight.data)
    except DomainError as error:
        _fail(error)
        return _render_batch(batch, 409, device_form=form)
    db.session.commit()
    flash(_("%(tag)s ajouté au lot.", tag=device.asset_tag), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


@bp.post("/batches/<int:batch_id>/parts")
@roles_required(*WORKSHOP)
def add_part(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    form = forms.AddPartForm()
    if not form.validate_on_submit():
        return _render_batch(batch, 400, part_form=form)
    drive = _find_drive(form.drive_tag.data)
    if form.drive_tag.data and drive is None:
        form.drive_tag.errors.append(_("Disque introuvable : %(text)s", text=form.drive_tag.data))
        return _render_batch(batch, 400, part_form=form)
    values = services.PartValues(
        kind=form.kind.data, description=form.description.data or "",
        quantity=form.quantity.data, weight_kg=form.weight.data,
        weight_measured=form.weight_measured.data, category=form.category.data,
        waste_code=form.waste_code.data, contains_pops=form.contains_pops.data)
    try:
        services.add_part(batch, values, actor_id=actor_id(), now=now(), drive=drive)
    except DomainError as error:
        _fail(error)
        return _render_batch(batch, 409, part_form=form)
    db.session.commit()
    flash(_("Élément ajouté au lot."), "success")
    return redirect(url_for("weee.batch", batch_id=batch.id))


def _find_drive(text: str | None):
    """A removed drive by its own tag, else by its serial number when only one drive has it."""
    text = (text or "").strip()
    if not text:
        return None
    return get_drive_by_tag(text) or queries.drive_by_serial(text)


@bp.post("/items/<int:item_id>")
@roles_required(*WORKSHOP)
def edit_item(item_id: int):
    item = get_or_404(WasteItem, item_id)
    form = forms.EditItemForm()
    if not form.validate_on_submit():
        flash(_("Modification invalide : vérifiez le code déchet et le poids."), "error")
    else:
        try:
            services.update_item(item, waste_code=form.waste_code.data,
                                 contains_pops=form.contains_pops.data,
                                 weight_kg=form.weight.data, actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Élément modifié."), "success")
    return redirect(url_for("weee.batch", batch_id=item.batch_id))


@bp.post("/items/<int:item_id>/remove")
@roles_required(*WORKSHOP)
def remove_item(item_id: int):
    item = get_or_404(WasteItem, item_id)
    batch_id = item.batch_id
    if forms.RemoveItemForm().validate_on_submit():
        try:
            services.remove_item(item, actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Élément retiré du lot."), "success")
    return redirect(url_for("weee.batch", batch_id=batch_id))


@bp.route("/batches/<int:batch_id>/close", methods=["GET", "POST"])
@roles_required(*ADMIN)
def close(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    if not batch.is_open:
        flash(_("Le lot %(number)s est déjà clôturé.", number=batch.number), "info")
        return redirect(url_for("weee.batch", batch_id=batch.id))
    form = _close_form()
    if form.validate_on_submit():
        try:
            services.close_batch(batch, _handover(form), actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Lot %(number)s clôturé et remis.", number=batch.number), "success")
            return redirect(url_for("weee.batch", batch_id=batch.id))
    items = services.batch_items(batch)
    return render_template("weee/close.html", batch=batch, form=form, items=items,
                           blockers=services.closing_blockers(items), labels=_labels(),
                           total=sum((i.weight_kg for i in items), Decimal("0")))


def _close_form() -> forms.CloseBatchForm:
    form = forms.CloseBatchForm()
    form.operator_id.choices = [(0, "—")] + [
        (o.id, f"{o.name} ({o.siret})") for o in queries.list_operators(active_only=True)]
    carriers = [(c.id, f"{c.name} ({c.siret})") for c in queries.list_carriers(active_only=True)]
    for name in form.CARRIER_FIELDS:
        getattr(form, name).choices = [(0, "—")] + carriers
    if request.method == "GET":
        form.handover_date.data = today()
    return form


def _handover(form: forms.CloseBatchForm) -> services.Handover:
    return services.Handover(
        operator_id=form.operator_id.data,
        carrier_ids=[getattr(form, name).data for name in form.CARRIER_FIELDS],
        handover_date=form.handover_date.data, operation_code=form.operation_code.data,
        operation_mode=form.operation_mode.data or None,
        signed_by_name=form.signed_by_name.data, signature_confirmed=form.signature_confirmed.data,
        signed_on=form.signed_on.data, tracking_reference=form.tracking_reference.data or "")


# -------------------------------------------------------------- operators and carriers


@bp.get("/partners")
@roles_required(*ADMIN)
def partners():
    return render_template("weee/partners.html", operators=queries.list_operators(),
                           carriers=queries.list_carriers(), labels=_labels())


@bp.route("/operators/new", methods=["GET", "POST"], defaults={"operator_id": None})
@bp.route("/operators/<int:operator_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def operator_form(operator_id: int | None):
    operator = get_or_404(TreatmentOperator, operator_id) if operator_id else None
    form = forms.OperatorForm(obj=operator, **_eco_defaults(operator))
    if form.validate_on_submit():
        values = services.OperatorValues(**{f: getattr(form, f).data or "" for f in (
            "name", "siret", "address", "postal_code", "city", "country_code", "authorisation",
            "eco_organism", "eco_other_name", "eco_other_siret")}, active=form.active.data)
        try:
            services.save_operator(values, now=now(), operator=operator)
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Prestataire de traitement enregistré."), "success")
            return redirect(url_for("weee.partners"))
    return render_template("weee/partner_form.html", form=form, subject=operator,
                           title=_("Prestataire de traitement"))


def _eco_defaults(operator: TreatmentOperator | None) -> dict:
    """The eco-organism as the form shows it: a known one, or "other" with name and SIRET."""
    if operator is None or not operator.eco_organism_siret:
        return {}
    if operator.eco_organism_siret in ECO_ORGANISMS:
        return {"eco_organism": operator.eco_organism_siret}
    return {"eco_organism": "other", "eco_other_name": operator.eco_organism_name,
            "eco_other_siret": operator.eco_organism_siret}


@bp.route("/carriers/new", methods=["GET", "POST"], defaults={"carrier_id": None})
@bp.route("/carriers/<int:carrier_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def carrier_form(carrier_id: int | None):
    carrier = get_or_404(Carrier, carrier_id) if carrier_id else None
    form = forms.CarrierForm(obj=carrier)
    if form.validate_on_submit():
        values = services.CarrierValues(**{f: getattr(form, f).data or "" for f in (
            "name", "siret", "receipt_number", "transport_mode", "address", "postal_code",
            "city", "country_code")}, receipt_exempted=form.receipt_exempted.data,
            active=form.active.data)
        try:
            services.save_carrier(values, now=now(), carrier=carrier)
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Transporteur enregistré."), "success")
            return redirect(url_for("weee.partners"))
    return render_template("weee/partner_form.html", form=form, subject=carrier,
                           title=_("Transporteur"))


# ---------------------------------------------------------------------- the register


def _period() -> tuple[date, date]:
    """?start=&end= (ISO dates); anything unreadable falls back to the current year."""
    current = today()
    start, end = date(current.year, 1, 1), current
    for name in ("start", "end"):
        try:
            value = date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            continue
        if not 1900 <= value.year <= 2999:  # keeps date arithmetic away from year 9999
            continue
        if name == "start":
            start = value
        else:
            end = value
    return (start, end) if start <= end else (end, start)


def _direction() -> str:
    return "incoming" if request.args.get("direction") == "incoming" else "outgoing"


@bp.get("/register")
@roles_required(*WORKSHOP)
def register_page():
    start, end = _period()
    direction = _direction()
    page = paginate(queries.register_query(direction, start, end), page_arg(), per_page())
    return render_template(
        "weee/register.html", page=page, start=start, end=end, direction=direction,
        latest=queries.latest_revisions([line.public_id for line in page.items]),
        pending=queries.count_pending_incoming(), incoming_form=forms.IncomingForm(),
        can_admin=current_user.role in ADMIN)


@bp.get("/register.<any(csv, jsonl):fmt>")
@roles_required(*WORKSHOP)
def register_export(fmt: str):
    start, end = _period()
    document = services.issue_register_export(_direction(), start, end, fmt,
                                              actor_id=actor_id(), now=now())
    db.session.commit()
    response = Response(document.content, mimetype=document.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-SHA256"] = document.sha256
    return response


@bp.post("/register/incoming")
@roles_required(*ADMIN)
def record_incoming():
    if forms.IncomingForm().validate_on_submit():
        try:
            lines = services.record_incoming_lines(actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(n)s ligne(s) ajoutée(s) au registre entrant.", n=len(lines)), "success")
    return redirect(url_for("weee.register_page", direction="incoming"))


@bp.route("/register/<int:line_id>/correct", methods=["GET", "POST"])
@roles_required(*ADMIN)
def correct(line_id: int):
    line = get_or_404(WasteRegisterLine, line_id)
    form = forms.CorrectionForm(data=_line_data(line))
    if form.validate_on_submit():
        try:
            changes = _changes(form, line.direction)
            services.correct_line(line, changes, note=form.note.data, actor_id=actor_id(),
                                  now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Correction ajoutée au registre (ligne %(id)s).", id=line.public_id),
                  "success")
            return redirect(url_for("weee.register_page", direction=line.direction,
                                    start=line.line_date.isoformat()))
    return render_template("weee/correct.html", line=line, form=form)


def _line_data(line: WasteRegisterLine) -> dict:
    f = line.fields
    return {"waste_description": f.get("wasteDescription"), "waste_code": f.get("wasteCode"),
            "waste_pop": f.get("wastePop"), "waste_is_dangerous": f.get("wasteIsDangerous"),
            "weight_tonnes": str(f.get("weightValue")).replace(".", ","),
            "weight_is_estimate": f.get("weightIsEstimate"), "line_date": line.line_date,
            "operation_code": f.get("operationCode"), "operation_mode": f.get("operationMode")}


def _changes(form: forms.CorrectionForm, direction: str) -> dict:
    try:
        weight = float(Decimal(form.weight_tonnes.data.strip().replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("Poids en tonnes illisible.")) from None
    return {"wasteDescription": form.waste_description.data.strip(),
            "wasteCode": form.waste_code.data, "wastePop": form.waste_pop.data,
            "wasteIsDangerous": form.waste_is_dangerous.data, "weightValue": weight,
            "weightIsEstimate": form.weight_is_estimate.data,
            "operationCode": form.operation_code.data,
            "operationMode": form.operation_mode.data or None,
            register.DATE_FIELD[direction]: form.line_date.data}


# --------------------------------------------------------------------------- rates


@bp.get("/rates")
@roles_required(*WORKSHOP)
def rates():
    start, end = _period()
    return render_template("weee/rates.html", start=start, end=end,
                           report=queries.rates(start, end), outcomes=Outcome,
                           outcome_labels=OUTCOME_LABELS, categories=CATEGORY_LABELS)


@bp.get("/batches/<int:batch_id>/handover")
@roles_required(*WORKSHOP)
def handover_document(batch_id: int):
    batch = get_or_404(WeeeBatch, batch_id)
    document = None if batch.is_open else latest_version(batch.number)
    if document is None:
        abort(404)
    return redirect(url_for("documents.download", document_id=document.id,
                            filename=document.filename))
