"""Workshop floor pages: diagnosis, work orders, parts, software, QA, locations, ready stock,
build profiles, the QA checklist and batch scanning."""

from __future__ import annotations

import io
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import ADMIN, STAFF, WORKSHOP, roles_required
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import DomainError
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.profiles import OPERATING_SYSTEMS
from refurb.core.qa import CHECK_KINDS, GRADE_LABELS, GRADES
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.devices.views import register_scan_resolver
from refurb.extensions import db
from refurb.repair import batch_actions, forms, queries, services
from refurb.repair.models import (
    DECISIONS,
    FAULTS,
    LOCATION_KINDS,
    MOVEMENT_KINDS,
    PART_CATEGORIES,
    POWER_ON,
    BatchScanSession,
    BuildProfile,
    Part,
    QACheck,
    SoftwareInstall,
    StockLocation,
)
from refurb.security.redirects import safe_redirect_target
from refurb.web import actor_id, flash_domain_error, get_or_404, int_arg, now, page_arg, per_page

bp = Blueprint("repair", __name__, url_prefix="/workshop")


@register_scan_resolver
def _location_url(text: str) -> str | None:
    """A shelf label in the scan box opens the shelf."""
    location = services.get_location_by_code(text)
    return url_for("repair.location", location_id=location.id) if location else None


def _can_edit() -> bool:
    return current_user.is_authenticated and current_user.role in WORKSHOP


@bp.app_context_processor
def _panel():
    # repair/_device_panel.html (included by the device page) calls this for ready data.
    def repair_panel(device: Device) -> queries.DevicePanel:
        return queries.device_panel(device, can_edit=_can_edit())

    return {"repair_panel": repair_panel}


@bp.app_template_global("repair_labels")
def _labels() -> dict:
    return {"power_on": POWER_ON, "faults": FAULTS, "decisions": DECISIONS,
            "grades": GRADE_LABELS, "os": OPERATING_SYSTEMS, "parts": PART_CATEGORIES,
            "movements": MOVEMENT_KINDS, "locations": LOCATION_KINDS, "check_kinds": CHECK_KINDS}


def _fail(error: DomainError) -> None:
    db.session.rollback()
    flash_domain_error(error)


def _to_device(device_id: int):
    return redirect(url_for("repair.device", device_id=device_id))


# ------------------------------------------------------------------------------- device work

@bp.get("/devices/<int:device_id>")
@roles_required(*WORKSHOP)
def device(device_id: int):
    return render_template("repair/device.html", device=get_or_404(Device, device_id))


@bp.post("/devices/<int:device_id>/diagnosis/start")
@roles_required(*WORKSHOP)
def start_diagnosis(device_id: int):
    device = get_or_404(Device, device_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    try:
        services.start_diagnosis(device, actor_id=actor_id(), now=now())
    except DomainError as error:
        _fail(error)
    else:
        db.session.commit()
    return redirect(url_for("repair.diagnose", device_id=device_id))


@bp.route("/devices/<int:device_id>/diagnosis", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def diagnose(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.DiagnosisForm()
    if form.validate_on_submit():
        try:
            services.record_diagnosis(
                device, power_on=form.power_on.data, faults=form.faults.data or [],
                fault_notes=form.fault_notes.data or "", decision=form.decision.data,
                actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(tag)s : diagnostic enregistré.", tag=device.asset_tag), "success")
            return _to_device(device_id)
    return _form_page("repair/diagnosis.html", device, form)


def _form_page(template: str, device: Device, form, **context):
    status = 400 if request.method == "POST" else 200
    return render_template(template, device=device, form=form, **context), status


@bp.route("/devices/<int:device_id>/work-order", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def work_order(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.WorkOrderForm()
    form.technician_id.choices = queries.workshop_users()
    if request.method == "GET":
        form.technician_id.data = current_user.id
    part_choices = [(0, _("— aucune —")), *queries.part_choices(in_stock_only=True)]
    for entry in form.parts:
        entry.part_id.choices = part_choices
    if form.validate_on_submit():
        try:
            services.record_work_order(
                device, actions=form.actions.data, minutes=form.minutes.data,
                technician_id=form.technician_id.data,
                parts=[services.PartUse(e.part_id.data, e.quantity.data or 1)
                       for e in form.parts if e.part_id.data],
                ram_mib_after=services.parse_ram_gb(form.ram_gb_after.data),
                actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(tag)s : bon de travail enregistré.", tag=device.asset_tag), "success")
            return _to_device(device_id)
    return _form_page("repair/work_order.html", device, form)


@bp.route("/devices/<int:device_id>/harvest", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def harvest(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.HarvestForm()
    form.part_id.choices = queries.part_choices()
    if form.validate_on_submit():
        try:
            services.harvest_part(device, get_or_404(Part, form.part_id.data),
                                  form.quantity.data, form.note.data or "",
                                  actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Pièce ajoutée au stock."), "success")
            return redirect(url_for("repair.harvest", device_id=device_id))
    return _form_page("repair/harvest.html", device, form,
                      panel=queries.device_panel(device, can_edit=True))


@bp.route("/devices/<int:device_id>/software", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def software(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.SoftwareForm()
    if form.validate_on_submit():
        try:
            services.record_software(
                device, os_name=form.os_name.data, os_version=form.os_version.data or "",
                office=form.office.data or "", other_software=form.other_software.data or "",
                licence_key=form.licence_key.data, actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(tag)s : installation enregistrée.", tag=device.asset_tag), "success")
            return _to_device(device_id)
    return _form_page("repair/software.html", device, form,
                      installs=queries.software_history(device.id), reveal_form=forms.CsrfForm())


@bp.post("/software/<int:install_id>/reveal")
@roles_required(*WORKSHOP)
def reveal_key(install_id: int):
    install = get_or_404(SoftwareInstall, install_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    try:
        key = services.reveal_licence_key(install, actor_id=actor_id(), now=now())
    except DomainError as error:
        _fail(error)
        return _to_device(install.device_id)
    db.session.commit()
    response = current_app.make_response(render_template(
        "repair/licence_key.html", install=install, key=key,
        device=db.session.get(Device, install.device_id)))
    response.headers["Cache-Control"] = "no-store"  # the key must not stay in a cache
    return response


@bp.route("/devices/<int:device_id>/qa", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def qa(device_id: int):
    device = get_or_404(Device, device_id)
    panel = queries.device_panel(device, can_edit=True)
    form = forms.qa_form_class(panel.qa_lines)()
    if request.method == "GET":  # start from the last pass: redoing QA changes a few boxes
        form.grade.data = device.grade
        for line in panel.qa_lines:
            if line.result is not None:
                form[f"check_{line.check_id}"].data = (
                    line.result.value if line.item.kind == "percent" else line.result.passed)
    if form.validate_on_submit():
        results = {line.check_id: _qa_answer(form, line) for line in panel.qa_lines}
        try:
            outcome = services.record_qa(
                device, results=results, grade=form.grade.data or None,
                notes=form.notes.data or "", mark_ready=form.mark_ready.data,
                actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            _flash_qa(device, outcome)
            return _to_device(device_id)
    return _form_page("repair/qa.html", device, form, panel=panel)


def _qa_answer(form, line) -> tuple[bool, int | None]:
    field = form[f"check_{line.check_id}"]
    return (False, field.data) if line.item.kind == "percent" else (bool(field.data), None)


def _flash_qa(device: Device, outcome: services.QAOutcome) -> None:
    if device.state == State.READY.value:
        flash(_("%(tag)s : contrôle validé, prêt à attribuer.", tag=device.asset_tag),
              "success")
        return
    flash(_("%(tag)s : contrôle qualité enregistré.", tag=device.asset_tag), "success")
    for reason in outcome.ready_refused:
        flash(reason, "warning")


@bp.post("/devices/<int:device_id>/location")
@roles_required(*WORKSHOP)
def move(device_id: int):
    device = get_or_404(Device, device_id)
    form = forms.MoveForm()
    if form.validate_on_submit():
        text = (form.location.data or "").strip()
        location = services.get_location_by_code(text) if text else None
        try:
            if text and location is None:
                raise DomainError(_("Emplacement inconnu : %(code)s", code=text))
            services.move_device(device, location, actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("%(tag)s : emplacement enregistré.", tag=device.asset_tag), "success")
    return redirect(_local(request.form.get("next")) or url_for("repair.device",
                                                                 device_id=device_id))


def _local(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would make phishing links look legitimate."""
    return safe_redirect_target(target, "") or None


# ------------------------------------------------------------------------------- stock

def _stock_filters() -> queries.StockFilters:
    args = request.args
    state = args.get("state", State.READY.value)
    kind = args.get("type") or None
    return queries.StockFilters(
        state=state if state in {s.value for s in State} else State.READY.value,
        device_type=kind if kind in {t.value for t in DeviceType} else None,
        grade=args.get("grade") if args.get("grade") in GRADES else None,
        min_ram_gb=int_arg("ram") or None,
        min_storage_gb=int_arg("storage") or None,
        profile_id=int_arg("profile") or None,
    )


@bp.get("/stock")
@roles_required(*STAFF)
def stock():
    filters = _stock_filters()
    page = paginate(queries.stock_query(filters), page_arg(), per_page())
    profiles = queries.list_profiles(include_inactive=False)
    rows = queries.stock_rows(page.items, [services.to_core_profile(p) for p in profiles])
    return render_template(
        "repair/stock.html", page=page, rows=rows, filters=filters, profiles=profiles,
        counts=queries.counts_by_type_and_state(), counted_states=queries.COUNTED_STATES,
        states=STATE_LABELS, types=DEVICE_TYPE_LABELS, grades=GRADES, can_edit=_can_edit(),
        is_admin=current_user.role in ADMIN)


# ------------------------------------------------------------------------------- parts

@bp.get("/parts")
@roles_required(*WORKSHOP)
def parts():
    category = request.args.get("category") or None
    category = category if category in PART_CATEGORIES else None
    text = (request.args.get("q") or "").strip()
    page = paginate(queries.list_parts_query(category, text), page_arg(), per_page())
    return render_template("repair/parts.html", page=page, category=category, q=text)


@bp.route("/parts/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_part():
    form = forms.PartForm()
    if form.validate_on_submit():
        try:
            part = services.create_part(form.category.data, form.name.data,
                                        form.compatibility.data or "",
                                        quantity=form.quantity.data or 0,
                                        actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            return redirect(url_for("repair.part", part_id=part.id))
    status = 400 if request.method == "POST" else 200
    return render_template("repair/part_form.html", form=form), status


@bp.route("/parts/<int:part_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def part(part_id: int):
    part = get_or_404(Part, part_id)
    form = forms.StockChangeForm()
    if form.validate_on_submit():
        change = services.receive_parts if form.kind.data == "receive" else services.adjust_stock
        try:
            change(part, form.quantity.data, form.note.data or "", actor_id=actor_id(),
                   now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Stock mis à jour : %(n)s en stock.", n=part.quantity), "success")
            return redirect(url_for("repair.part", part_id=part_id))
    page = paginate(queries.part_ledger_query(part.id), page_arg(), per_page())
    status = 400 if request.method == "POST" else 200
    return render_template("repair/part.html", part=part, page=page, form=form), status


# ------------------------------------------------------------------------------- locations

@bp.get("/locations")
@roles_required(*WORKSHOP)
def locations():
    show_all = request.args.get("all") == "1"
    page = paginate(queries.list_locations_query(show_all), page_arg(), per_page())
    counts = queries.device_counts_by_location(loc.id for loc in page.items)
    return render_template("repair/locations.html", page=page, counts=counts, show_all=show_all)


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_location():
    return _location_form(None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def edit_location(location_id: int):
    return _location_form(get_or_404(StockLocation, location_id))


def _location_form(location: StockLocation | None):
    form = forms.LocationForm(obj=location)
    if form.validate_on_submit():
        values = (form.name.data, form.kind.data, form.notes.data or "")
        try:
            if location is None:
                location = services.create_location(*values, now=now())
            else:
                services.update_location(location, *values, active=form.active.data)
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            return redirect(url_for("repair.location", location_id=location.id))
    status = 400 if request.method == "POST" else 200
    return render_template("repair/location_form.html", form=form, location=location), status


@bp.get("/locations/<int:location_id>")
@roles_required(*WORKSHOP)
def location(location_id: int):
    location = get_or_404(StockLocation, location_id)
    page = paginate(queries.devices_at_query(location.id), page_arg(), per_page())
    return render_template("repair/location.html", location=location, page=page,
                           rows=queries.stock_rows(page.items))


@bp.get("/locations/<int:location_id>/label.pdf")
@roles_required(*WORKSHOP)
def location_label(location_id: int):
    location = get_or_404(StockLocation, location_id)
    try:
        content = services.location_label_pdf(location, request.args.get("stock"))
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("repair.location", location_id=location_id))
    return send_file(io.BytesIO(content), mimetype="application/pdf",
                     download_name=f"etiquette-{location.code}.pdf")


# ------------------------------------------------------------------------------- profiles

@bp.get("/profiles")
@roles_required(*WORKSHOP)
def profiles():
    return render_template("repair/profiles.html", profiles=queries.list_profiles(),
                           can_admin=current_user.role in ADMIN)


@bp.route("/profiles/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_profile():
    return _profile_form(None)


@bp.route("/profiles/<int:profile_id>", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit_profile(profile_id: int):
    return _profile_form(get_or_404(BuildProfile, profile_id))


def _profile_form(profile: BuildProfile | None):
    form = forms.ProfileForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.min_ram_gb.data = (Decimal(profile.min_ram_mib) / 1024 if profile.min_ram_mib
                                else None)
        form.software_list.data = ", ".join(profile.software or ())
    if form.validate_on_submit():
        values = services.ProfileValues(
            name=form.name.data, description=form.description.data or "",
            device_types=tuple(form.device_types.data or ()),
            min_ram_mib=services.parse_ram_gb(form.min_ram_gb.data or None),
            min_storage_gb=form.min_storage_gb.data,
            storage_kinds=tuple(form.storage_kinds.data or ()),
            os_names=tuple(form.os_names.data or ()),
            software=tuple((form.software_list.data or "").split(",")), active=form.active.data)
        try:
            services.save_profile(profile, values, now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            return redirect(url_for("repair.profiles"))
    status = 400 if request.method == "POST" else 200
    return render_template("repair/profile_form.html", form=form, profile=profile), status


# ------------------------------------------------------------------------------- QA checklist

@bp.route("/qa/checklist", methods=["GET", "POST"])
@roles_required(*ADMIN)
def checklist():
    form = forms.CsrfForm()  # the grid's fields come from the checks themselves
    if form.validate_on_submit():
        try:
            services.save_checklist(_checklist_settings())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Contrôle qualité enregistré."), "success")
            return redirect(url_for("repair.checklist"))
    status = 400 if request.method == "POST" else 200
    return render_template("repair/checklist.html", form=form, grid=_checklist_grid(),
                           new_form=forms.NewCheckForm(formdata=None),
                           types=DEVICE_TYPE_LABELS), status


def _checklist_grid() -> list[tuple[QACheck, services.CheckSettings]]:
    """Each check with what the grid shows: what was typed when a save was refused."""
    typed = _checklist_settings() if request.method == "POST" else {}
    checks = db.session.scalars(db.select(QACheck).order_by(QACheck.position, QACheck.id))
    grid = []
    for check in checks:
        current = services.CheckSettings(
            name=check.name, minimum=check.minimum, active=check.active,
            rules={r.device_type: "mandatory" if r.mandatory else "optional"
                   for r in check.rules})
        grid.append((check, typed.get(check.id, current)))
    return grid


def _checklist_settings() -> dict[int, services.CheckSettings]:
    settings = {}
    for raw_id in request.form.getlist("check"):
        if not raw_id.isdigit():
            continue
        cid = int(raw_id)
        settings[cid] = services.CheckSettings(
            name=request.form.get(f"name-{cid}", ""),
            minimum=request.form.get(f"minimum-{cid}") or None,
            active=request.form.get(f"active-{cid}") == "1",
            rules={t.value: request.form.get(f"rule-{cid}-{t.value}", "")
                   for t in DEVICE_TYPE_LABELS})
    return settings


@bp.post("/qa/checks")
@roles_required(*ADMIN)
def new_check():
    form = forms.NewCheckForm()
    if form.validate_on_submit():
        try:
            services.create_check(form.name.data, form.kind.data, form.minimum.data)
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Contrôle ajouté : choisissez les types d'appareil concernés."), "success")
    else:
        flash(_("Donnez un nom au contrôle."), "error")
    return redirect(url_for("repair.checklist"))


# ------------------------------------------------------------------------------- batch scan

@bp.route("/batch", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def batch_scan():
    form = forms.BatchStartForm()
    if form.validate_on_submit():
        try:
            batch = batch_actions.start_batch(
                form.action.data, form.parameter.data, role=current_user.role,
                actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            return redirect(url_for("repair.batch", batch_id=batch.id))
    status = 400 if request.method == "POST" else 200
    return render_template("repair/batch_start.html", form=form, options=_batch_options(),
                           open_batches=_open_batches(), typed=request.form), status


def _batch_options() -> list[tuple]:
    """(action, parameter choices or None, parameter optional) for each allowed action."""
    return [(a, a.parameter_choices() if a.parameter_choices else None,
             a.key in services.LOCATION_ACTIONS)
            for a in batch_actions.actions_for(current_user.role)]


def _open_batches() -> list[tuple]:
    rows = []
    for batch in queries.open_batches(actor_id()):
        action = batch_actions.BATCH_ACTIONS.get(batch.action_key)
        if action is not None:
            rows.append((batch, action, batch_actions.parameter_label(action, batch.parameter)))
    return rows


def _own_batch(batch_id: int) -> BatchScanSession:
    batch = get_or_404(BatchScanSession, batch_id)
    if batch.actor_id != current_user.id and current_user.role not in ADMIN:
        abort(403)
    return batch


def _wants_json() -> bool:
    return (request.accept_mimetypes.best == "application/json"
            or request.args.get("format") == "json")


def _batch_context(batch: BatchScanSession) -> dict:
    action = batch_actions.get_action(batch.action_key)
    return {
        "batch": batch, "action": action,
        "target": batch_actions.parameter_label(action, batch.parameter),
        "items": queries.batch_items(batch.id),
        "summary": batch_actions.summary(batch.id),
    }


def _item_json(item) -> dict:
    return {"id": item.id, "scanned": item.scanned, "ok": item.ok, "message": item.message,
            "undone": item.undone_at is not None, "undo_message": item.undo_message,
            "device_url": url_for("devices.show", device_id=item.device_id)
            if item.device_id else None}


def _batch_json(batch: BatchScanSession, items, status: int = 200):
    context = _batch_context(batch)
    summary = context["summary"]
    return jsonify(items=[_item_json(i) for i in items], target=context["target"],
                   summary={"done": summary.done, "refused": summary.refused,
                            "undone": summary.undone}), status


@bp.get("/batch/<int:batch_id>")
@roles_required(*WORKSHOP)
def batch(batch_id: int):
    batch = _own_batch(batch_id)
    return render_template("repair/batch.html", scan_form=forms.ScanForm(formdata=None),
                           action_form=forms.CsrfForm(), **_batch_context(batch))


@bp.post("/batch/<int:batch_id>/scan")
@roles_required(*WORKSHOP)
def batch_scan_tag(batch_id: int):
    batch = _own_batch(batch_id)
    form = forms.ScanForm()
    if not form.validate_on_submit():
        message = (_("Le formulaire a expiré : rechargez la page.") if form.csrf_token.errors
                   else _("Étiquette illisible ou trop longue."))
        return _batch_reply(batch, [], message, 400)
    try:
        tags = batch_actions.split_scans(form.code.data, form.codes.data)
    except DomainError as error:
        return _batch_reply(batch, [], error.message, 400)
    items = [_scan_one(batch_id, tag) for tag in tags]
    return _batch_reply(batch, items, None if tags else _("Scannez une étiquette."),
                        200 if tags else 400)


def _scan_one(batch_id: int, tag: str):
    """One tag, one transaction: a refusal is rolled back alone, then recorded."""
    batch = db.session.get(BatchScanSession, batch_id)
    try:
        item = batch_actions.apply_scan(batch, tag, actor_id=actor_id(), now=now())
    except DomainError as error:
        message = batch_actions.refusal_message(error)
    except Exception:  # another domain's action failing must not stop the next tags
        current_app.logger.exception("Batch scan action failed on %s", tag)
        message = _("Erreur inattendue : rien n'a été fait pour cette étiquette.")
    else:
        db.session.commit()
        return item
    db.session.rollback()
    item = batch_actions.record_refusal(batch_id, tag, message, actor_id=actor_id(), now=now())
    db.session.commit()
    return item


def _batch_reply(batch: BatchScanSession, items, error: str | None, status: int = 200):
    if _wants_json():
        if error:
            return jsonify(error=error), status
        return _batch_json(batch, items)
    if error:
        flash(error, "error")
    # No "#scan" fragment: browsers skip autofocus on a URL with a fragment.
    return redirect(url_for("repair.batch", batch_id=batch.id))


@bp.post("/batch/<int:batch_id>/undo")
@roles_required(*WORKSHOP)
def batch_undo(batch_id: int):
    batch = _own_batch(batch_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    try:
        item = batch_actions.undo_last(batch, actor_id=actor_id(), now=now())
    except DomainError as error:
        db.session.rollback()
        message = _("Annulation impossible : %(why)s", why=batch_actions.refusal_message(error))
        return _batch_reply(batch, [], message, error.http_status)
    db.session.commit()
    if not _wants_json():
        flash(_("Annulé : %(message)s", message=item.undo_message), "success")
    return _batch_reply(batch, [item], None)


@bp.post("/batch/<int:batch_id>/close")
@roles_required(*WORKSHOP)
def batch_close(batch_id: int):
    batch = _own_batch(batch_id)
    if not forms.CsrfForm().validate_on_submit():
        abort(400)
    batch_actions.close_batch(batch, now=now())
    db.session.commit()
    return redirect(url_for("repair.batch", batch_id=batch_id))
