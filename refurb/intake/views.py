"""Collection pages and the three ways in at the bench: form, hardware reports, donor CSV."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from flask import (
    Blueprint,
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

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.accounts.models import Role
from refurb.core import collections as rules
from refurb.core.errors import DomainError
from refurb.core.hardware import report_to_json
from refurb.devices.queries import paginate
from refurb.devices.services import NewDevice
from refurb.documents.services import list_versions
from refurb.donors import services as donors
from refurb.donors.models import Collection
from refurb.donors.queries import organisation_choices
from refurb.extensions import db
from refurb.intake import csv_import, queries, services
from refurb.intake.forms import (
    CollectionForm,
    CsrfForm,
    CsvUploadForm,
    IntakeForm,
    ReportConfirmForm,
    ReportUploadForm,
    StateForm,
    read_mapping,
)
from refurb.intake.models import IntakeImport
from refurb.web import actor_id, flash_domain_error, get_or_404, int_arg, now, page_arg, per_page

bp = Blueprint("intake", __name__)

STICKY = ("device_type", "make", "model", "legal_status")  # kept from one machine to the next


def _prefix() -> str:
    return current_app.config["ASSET_TAG_PREFIX"]


def _workshop() -> dict[str, str]:
    keys = ("NAME", "ADDRESS", "SIRET", "CONTACT")
    return {k.lower(): str(current_app.config.get(f"WORKSHOP_{k}") or "") for k in keys}


def _new_device(form) -> NewDevice:
    values = NewDevice(
        device_type=form.device_type.data, make=form.make.data or "",
        model=form.model.data or "", serial=form.serial.data or None,
        legal_status=form.legal_status.data, weight_kg=form.weight(),
        condition_notes=form.condition_notes.data or "",
    )
    if isinstance(form, ReportConfirmForm):
        values = replace(values, cpu=form.cpu.data or "", ram_mib=form.ram_mib.data,
                         ram_slots_used=form.ram_slots_used.data, chassis=form.chassis.data or "")
    return values


def _collection_values(form: CollectionForm) -> donors.CollectionValues:
    return donors.CollectionValues(
        pickup_site=form.pickup_site.data or "", pickup_contact=form.pickup_contact.data or "",
        planned_on=form.planned_on.data, transport_notes=form.transport_notes.data or "",
        measured_weight_kg=form.measured_weight(),
    )


# -- collections --------------------------------------------------------------------------
@bp.route("/collections/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def new_collection():
    form = CollectionForm(donor_id=int_arg("donor_id"))
    form.donor_id.choices = [(0, "—")] + organisation_choices()
    if form.validate_on_submit():
        try:
            collection = donors.plan_collection(form.donor_id.data, _collection_values(form),
                                                now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Collecte %(number)s planifiée.", number=collection.number), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection.id))
    return render_template("intake/collection_form.html", form=form, collection=None)


@bp.route("/collections/<int:collection_id>/edit", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def edit_collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CollectionForm(obj=collection)
    form.donor_id.choices = [(collection.donor_id, collection.donor.name)]
    if request.method == "GET" and collection.measured_weight_kg is not None:
        form.measured_weight_kg.data = str(collection.measured_weight_kg).replace(".", ",")
    if form.validate_on_submit():
        try:
            donors.update_collection(collection, _collection_values(form))
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("Collecte mise à jour."), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection_id))
    return render_template("intake/collection_form.html", form=form, collection=collection)


@bp.get("/collections/<int:collection_id>")
@roles_required(*WORKSHOP)
def show_collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    totals = queries.collection_totals(collection_id)
    options = [
        (target, rules.ACTION_LABELS[target],
         rules.check_transition(collection.state, target, device_count=totals.count))
        for target in rules.next_states(collection.state)
    ]
    return render_template(
        "intake/collection.html", collection=collection, totals=totals, options=options,
        page=paginate(queries.collection_devices_query(collection_id), page_arg(), per_page()),
        receipts=list_versions(f"collection:{collection_id}", kind="collection_receipt"),
        receipt_verdict=rules.can_issue_receipt(collection.state, totals.count),
        intake_verdict=rules.check_intake(collection.state), imports=queries.imports_of(collection_id),
        state_labels=rules.STATE_LABELS, form=StateForm(),
        can_open_donor_view=current_user.role == Role.ADMIN,
    )


@bp.post("/collections/<int:collection_id>/state")
@roles_required(*WORKSHOP)
def change_state(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = StateForm()
    if form.validate_on_submit():
        try:
            services.advance_collection(collection, form.target.data, now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            label = rules.STATE_LABELS[rules.CollectionState(collection.state)]
            flash(_("%(number)s : %(state)s.", number=collection.number, state=_(label)), "success")
    return redirect(url_for("intake.show_collection", collection_id=collection_id))


@bp.post("/collections/<int:collection_id>/receipt")
@roles_required(*WORKSHOP)
def issue_receipt(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        document, created = services.issue_receipt(collection, workshop=_workshop(),
                                                   actor_id=actor_id(), now=now())
    except DomainError as error:
        db.session.rollback()
        flash_domain_error(error)
    else:
        db.session.commit()
        message = (_("Bon de prise en charge émis : version %(v)s.", v=document.version)
                   if created else
                   _("Rien n’a changé depuis la version %(v)s : pas de nouvelle version.",
                     v=document.version))
        flash(message, "success" if created else "info")
    return redirect(url_for("intake.show_collection", collection_id=collection_id))


# -- bench form ---------------------------------------------------------------------------
@bp.route("/collections/<int:collection_id>/intake", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def bench(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = IntakeForm(data={k: request.args[k] for k in STICKY if request.args.get(k)})
    if form.validate_on_submit():
        try:
            device = services.register_device(collection, _new_device(form),
                                              actor_id=actor_id(), now=now(), prefix=_prefix())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("%(tag)s enregistré : collez l’étiquette.", tag=device.asset_tag), "success")
            sticky = {k: getattr(form, k).data for k in STICKY if getattr(form, k).data}
            return redirect(url_for("intake.bench", collection_id=collection_id, **sticky))
    return render_template(
        "intake/bench.html", collection=collection, form=form,
        latest=queries.latest_devices(collection_id), count=queries.device_count(collection_id),
        verdict=rules.check_intake(collection.state),
    )


# -- hardware reports ---------------------------------------------------------------------
@bp.route("/collections/<int:collection_id>/intake/report", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def report(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = ReportUploadForm()
    if form.validate_on_submit():
        texts = [form.pasted.data or ""] + [
            f.read().decode("utf-8", errors="replace") for f in form.files.data or [] if f
        ]
        if any(t.strip() for t in texts):
            found = services.read_reports(texts)
            confirm = ReportConfirmForm(formdata=None, data=_report_fields(found))
            return _render_preview(collection, confirm)
        flash(_("Collez un rapport ou choisissez au moins un fichier."), "error")
    return render_template("intake/report.html", collection=collection, form=form)


def _report_fields(found) -> dict:
    return {
        "device_type": found.device_type or "", "make": found.manufacturer or "",
        "model": found.model or "", "serial": found.serial or "", "cpu": found.cpu or "",
        "ram_mib": found.ram_mib, "ram_slots_used": found.ram_slots_used,
        "chassis": found.chassis or "", "legal_status": "reuse",
        "report": json.dumps(report_to_json(found), ensure_ascii=False),
    }


def _render_preview(collection: Collection, form: ReportConfirmForm):
    try:
        drives = services.drives_from_json(form.report.data)
        warnings = services.warnings_from_json(form.report.data)
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("intake.report", collection_id=collection.id))
    return render_template("intake/report_preview.html", collection=collection, form=form,
                           drives=drives, warnings=warnings)


@bp.post("/collections/<int:collection_id>/intake/report/confirm")
@roles_required(*WORKSHOP)
def confirm_report(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = ReportConfirmForm()
    if form.validate_on_submit():
        try:
            device = services.register_device(
                collection, _new_device(form), actor_id=actor_id(), now=now(), prefix=_prefix(),
                drives=services.drives_from_json(form.report.data),
                report=services.report_details(form.report.data),
            )
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("%(tag)s enregistré avec %(n)s support(s) de stockage.",
                    tag=device.asset_tag, n=len(device.drives)), "success")
            return redirect(url_for("intake.report", collection_id=collection_id))
    return _render_preview(collection, form)


# -- donor asset list (CSV) ---------------------------------------------------------------
@bp.route("/collections/<int:collection_id>/intake/csv", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def upload_csv(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CsvUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read() if upload else b""
        try:
            record = services.store_upload(collection, filename=upload.filename if upload else "",
                                           content=content, actor_id=actor_id(), now=now())
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            return redirect(url_for("intake.map_csv", collection_id=collection_id,
                                    import_id=record.id))
    return render_template("intake/csv_upload.html", collection=collection, form=form)


@bp.route("/collections/<int:collection_id>/intake/csv/<int:import_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def map_csv(collection_id: int, import_id: int):
    collection = get_or_404(Collection, collection_id)
    record = get_or_404(IntakeImport, import_id)
    if record.collection_id != collection.id:
        abort(404)
    form = CsvUploadForm()  # CSRF; the mapping selects are read from the form data
    fmt = csv_import.detect_format(_stream(record))
    mapping = _chosen_mapping(record, fmt)
    if form.validate_on_submit() and request.form.get("action") == "import":
        try:
            outcome = services.import_upload(collection, record, mapping, actor_id=actor_id(),
                                             now=now(), prefix=_prefix())
        except services.ImportRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return _render_mapping(collection, record, fmt, mapping, refused.validation)
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
        else:
            db.session.commit()
            flash(_("%(n)s appareil(s) importé(s) : %(first)s à %(last)s.", n=outcome.imported,
                    first=outcome.first_tag, last=outcome.last_tag), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection_id))
    return _render_mapping(collection, record, fmt, mapping, None)


def _chosen_mapping(record: IntakeImport, fmt: csv_import.CsvFormat) -> csv_import.Mapping:
    """The guess stored at upload, until the technician posts a choice of columns."""
    if request.method == "POST":
        return read_mapping(request.form, fmt.header)
    return {k: v for k, v in record.mapping.items() if k in csv_import.FIELDS}


def _stream(record: IntakeImport):
    return io.BytesIO(record.content or b"")


def _render_mapping(collection, record, fmt, mapping, validation):
    if validation is None:
        try:
            validation = services.check_csv(collection, _stream(record), fmt, mapping)
        except DomainError as error:
            db.session.rollback()
            flash_domain_error(error)
    return render_template(
        "intake/csv_mapping.html", collection=collection, record=record, fmt=fmt,
        mapping=mapping, validation=validation, fields=csv_import.FIELDS,
        labels=csv_import.FIELD_LABELS, form=CsvUploadForm(),
    )
