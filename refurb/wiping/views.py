"""Data sanitization pages: drives, wipe records, nwipe imports, the wiping station,
erasure certificates and their public verification page."""

from __future__ import annotations

import io

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

from refurb.accounts.access import STAFF, WORKSHOP, roles_required
from refurb.core.errors import DomainError
from refurb.core.sanitization import label_fr
from refurb.devices import queries as device_queries
from refurb.devices.models import Device
from refurb.devices.queries import paginate
from refurb.devices.views import register_scan_resolver
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.web import actor_id, flash_domain_error, get_or_404, now, page_arg, per_page
from refurb.wiping import certificates, queries, services
from refurb.wiping.forms import (
    AttachForm,
    DriveForm,
    EmptyForm,
    RemoveDriveForm,
    StationForm,
    UploadLogsForm,
    ValidateForm,
    VerifyForm,
    WipeRecordForm,
)
from refurb.wiping.models import WipeLog

bp = Blueprint("wiping", __name__)


@register_scan_resolver
def _drive_tag_url(text: str) -> str | None:
    """A removed drive's tag in the scan box opens the drive page."""
    drive = device_queries.get_drive_by_tag(text)
    return url_for("wiping.show_drive", drive_id=drive.id) if drive else None


@bp.app_context_processor
def _panel():
    # The device page includes wiping/_device_panel.html, which calls this for ready data.
    def wiping_panel(device: Device) -> dict:
        return services.device_overview(device, can_change=_can_change())

    return {"wiping_panel": wiping_panel}


@bp.app_template_filter("wipe_label")
def _wipe_label(value: str | None) -> str:
    return label_fr(value)


def _can_change() -> bool:
    return current_user.is_authenticated and current_user.role in WORKSHOP


def _fail(error: DomainError) -> None:
    db.session.rollback()
    flash_domain_error(error)


# ------------------------------------------------------------------------ station


@bp.get("/wiping/station")
@roles_required(*WORKSHOP)
def station():
    form = StationForm(formdata=request.args if request.args else None)
    return render_template("wiping/station.html", form=form)


@bp.post("/wiping/station")
@roles_required(*WORKSHOP)
def station_scan():
    form = StationForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        message = _("Scan incomplet : vérifiez la méthode et le numéro d’inventaire.")
        if wants_json:
            return jsonify(ok=False, message=message, errors=form.errors), 400
        flash(message, "error")
        return render_template("wiping/station.html", form=form), 400
    try:
        records, message = services.station_record(
            form.tag.data, form.to_input(), actor_id=actor_id(), now=now())
    except DomainError as error:
        db.session.rollback()
        if wants_json:
            return jsonify(ok=False, message=error.message, reasons=error.reasons), 409
        flash_domain_error(error)
    else:
        db.session.commit()
        if wants_json:
            return jsonify(ok=True, message=message, count=len(records))
        flash(message, "success")
    return redirect(url_for("wiping.station", **form.method_args()))


# ------------------------------------------------------------------------ records


@bp.get("/wiping/records")
@roles_required(*STAFF)
def list_records():
    result = request.args.get("result") or None
    source = request.args.get("source") or None
    page = paginate(queries.list_records_query(result, source), page_arg(), per_page())
    return render_template("wiping/records.html", page=page, result=result, source=source)


@bp.get("/wiping/records/<int:record_id>")
@roles_required(*STAFF)
def show_record(record_id: int):
    record = queries.get_record(record_id) or abort(404)
    overview = services.record_overview(record, viewer_id=actor_id(), can_change=_can_change())
    return render_template("wiping/record.html", **overview, form=ValidateForm())


@bp.post("/wiping/records/<int:record_id>/validate")
@roles_required(*WORKSHOP)
def validate_record(record_id: int):
    record = queries.get_record(record_id) or abort(404)
    form = ValidateForm()
    if form.validate_on_submit():
        try:
            services.validate_record(record, actor_id=actor_id(), now=now(),
                                     note=form.note.data or "")
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Effacement validé."), "success")
    return redirect(url_for("wiping.show_record", record_id=record_id))


# ------------------------------------------------------------------------- drives


@bp.get("/wiping/drives")
@roles_required(*STAFF)
def list_drives():
    where = request.args.get("where") if request.args.get("where") in ("removed",
                                                                        "installed") else None
    page = paginate(queries.list_drives_query(where), page_arg(), per_page())
    return render_template("wiping/drives.html", page=page, where=where,
                           statuses=services.statuses(page.items))


@bp.get("/wiping/drives/<int:drive_id>")
@roles_required(*STAFF)
def show_drive(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    return _drive_page(drive, WipeRecordForm(formdata=None))


def _drive_page(drive, form: WipeRecordForm, status: int = 200):
    return render_template(
        "wiping/drive.html", **services.drive_overview(drive), form=form,
        remove_form=RemoveDriveForm(), can_change=_can_change(), stocks=services.drive_stocks(),
    ), status


@bp.post("/wiping/drives/<int:drive_id>/records")
@roles_required(*WORKSHOP)
def record_manual(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    form = WipeRecordForm()
    if form.validate_on_submit():
        try:
            services.record_wipe(drive, form.to_input(), actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Effacement enregistré."), "success")
            return redirect(url_for("wiping.show_drive", drive_id=drive_id))
    return _drive_page(queries.get_drive(drive_id), form, 400)


@bp.post("/wiping/drives/<int:drive_id>/remove")
@roles_required(*WORKSHOP)
def remove_drive(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    form = RemoveDriveForm()
    if form.validate_on_submit():
        try:
            removal = services.remove_drive(
                drive, prefix=current_app.config["ASSET_TAG_PREFIX"],
                destination=form.destination.data or "", actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Support retiré : étiquette %(tag)s.", tag=removal.asset_tag), "success")
    return redirect(url_for("wiping.show_drive", drive_id=drive_id))


@bp.get("/wiping/drives/<int:drive_id>/label.pdf")
@roles_required(*WORKSHOP)
def drive_label(drive_id: int):
    drive = queries.get_drive(drive_id) or abort(404)
    try:
        content = services.drive_label_pdf(drive, request.args.get("stock"))
    except DomainError as error:
        flash_domain_error(error)
        return redirect(url_for("wiping.show_drive", drive_id=drive_id))
    return send_file(io.BytesIO(content), mimetype="application/pdf",
                     download_name=f"etiquette-{drive.asset_tag}.pdf")


@bp.route("/wiping/devices/<int:device_id>/drives/new", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def add_drive(device_id: int):
    device = get_or_404(Device, device_id)
    form = DriveForm()
    if form.validate_on_submit():
        try:
            services.add_drive(device, form.to_new_drive(), actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Support ajouté à %(tag)s.", tag=device.asset_tag), "success")
            return redirect(url_for("devices.show", device_id=device.id))
    return render_template("wiping/drive_new.html", device=device, form=form)


# ------------------------------------------------------------------- nwipe logs


@bp.get("/wiping/logs")
@roles_required(*STAFF)
def list_logs():
    page = paginate(queries.list_logs_query(), page_arg(), per_page())
    return render_template("wiping/logs.html", page=page)


@bp.route("/wiping/logs/import", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def import_logs():
    form = UploadLogsForm()
    results = None
    if form.validate_on_submit():
        files = [f for f in form.files.data or [] if getattr(f, "filename", "")]
        if not files:
            flash(_("Choisissez au moins un fichier journal."), "error")
        else:
            results = services.import_files(((f.filename, f.read()) for f in files),
                                            actor_id=actor_id(), now=now())
            db.session.commit()
    return render_template("wiping/import.html", form=form, results=results)


@bp.get("/wiping/logs/<int:log_id>")
@roles_required(*STAFF)
def show_log(log_id: int):
    log = get_or_404(WipeLog, log_id)
    return render_template("wiping/log.html", log=log, drives=services.log_drives(log),
                           attach_form=AttachForm(formdata=None), can_change=_can_change())


@bp.get("/wiping/logs/<int:log_id>/download")
@roles_required(*WORKSHOP)
def download_log(log_id: int):
    log = get_or_404(WipeLog, log_id)
    return send_file(io.BytesIO(log.text.encode("utf-8")), mimetype="text/plain",
                     as_attachment=True, download_name=log.filename)


@bp.post("/wiping/logs/<int:log_id>/drives/<int:index>/attach")
@roles_required(*WORKSHOP)
def attach_log_drive(log_id: int, index: int):
    log = get_or_404(WipeLog, log_id)
    form = AttachForm()
    if not form.validate_on_submit():
        flash(_("Scannez un numéro d’inventaire."), "error")
    else:
        try:
            services.attach_log_drive(log, index, form.tag.data, form.kind.data,
                                      actor_id=actor_id(), now=now())
        except DomainError as error:
            _fail(error)
        else:
            db.session.commit()
            flash(_("Effacement enregistré pour %(tag)s.", tag=form.tag.data.strip()),
                  "success")
    return redirect(url_for("wiping.show_log", log_id=log_id) + f"#drive-{index}")


# ------------------------------------------------------------------ certificates


@bp.post("/wiping/devices/<int:device_id>/certificate")
@roles_required(*WORKSHOP)
def device_certificate(device_id: int):
    device = get_or_404(Device, device_id)
    if EmptyForm().validate_on_submit():
        _issue(certificates.issue_device_certificate, device)
    return redirect(url_for("devices.show", device_id=device_id))


@bp.get("/wiping/collections/<int:collection_id>")
@roles_required(*WORKSHOP)
def collection_status(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    count, blockers = certificates.collection_blockers(collection)
    return render_template(
        "wiping/collection.html", collection=collection, count=count, blockers=blockers,
        versions=queries.certificate_versions(f"collection:{collection.id}"), form=EmptyForm())


@bp.post("/wiping/collections/<int:collection_id>/certificate")
@roles_required(*WORKSHOP)
def collection_certificate(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    if EmptyForm().validate_on_submit():
        _issue(certificates.issue_collection_certificate, collection)
    return redirect(url_for("wiping.collection_status", collection_id=collection_id))


def _issue(issue, subject) -> None:
    try:
        document, created = issue(subject, issuer=certificates.issuer_from_config(
            current_app.config), actor_id=actor_id(), now=now())
    except DomainError as error:
        _fail(error)
        return
    db.session.commit()
    if created:
        flash(_("Certificat %(number)s émis (version %(v)s).", number=document.number,
                v=document.version), "success")
    else:
        flash(_("Rien n’a changé depuis la version %(v)s du certificat %(number)s.",
                v=document.version, number=document.number), "info")


@bp.get("/verify")
def verify_lookup():
    """Public: type the number printed on a paper certificate, then check the file."""
    number = (request.args.get("number") or "").strip().upper()[:40]
    if number:
        return redirect(url_for("wiping.verify", number=number))
    return render_template("wiping/verify_lookup.html")


@bp.route("/verify/<number>", methods=["GET", "POST"])
def verify(number: str):
    """Public: is this certificate genuine and unaltered? Shows nothing but number, date,
    donor name and drive count — and those only to someone holding the genuine file."""
    form = VerifyForm()
    number = number.strip().upper()[:40]
    verdict = certificates.verify_certificate(number)  # "unknown" or not checked yet
    if verdict.status != "unknown":
        verdict = None
        if form.validate_on_submit():
            upload = form.document.data
            data = upload.read() if getattr(upload, "filename", "") else None
            if data is None and not form.sha256.data:
                form.sha256.errors = [_("Déposez le fichier PDF ou collez son empreinte.")]
            else:
                verdict = certificates.verify_certificate(number, data=data,
                                                          sha256=form.sha256.data)
    status = 404 if verdict and verdict.status == "unknown" else 200
    return render_template("wiping/verify.html", number=number, form=form,
                           verdict=verdict), status
