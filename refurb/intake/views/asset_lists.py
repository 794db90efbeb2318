"""A donor's asset list (CSV, Excel, LibreOffice): upload, how it is read, choose the columns,
check every line, import."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.i18n import N_
from refurb.intake import asset_lists
from refurb.intake.csv_columns import FIELD_LABELS, FIELDS, read_mapping
from refurb.intake.csv_rows import Validation
from refurb.intake.forms import CsvUploadForm
from refurb.intake.jobs import IMPORT_KIND
from refurb.intake.models import Collection, IntakeImport
from refurb.intake.views.bench import prefix
from refurb.intake.views.blueprint import bp
from refurb.jobs.forms import StartJobForm
from refurb.jobs.views import start_job
from refurb.table_reader import TableFormat
from refurb.web import actor_id, attempt, get_or_404, now, translate


@bp.route("/collections/<int:collection_id>/intake/csv", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def upload_csv(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    form = CsvUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        with attempt() as done:
            record = asset_lists.store_upload(
                collection, filename=upload.filename if upload else "",
                content=upload.read() if upload else b"", actor_id=actor_id(), now=now())
        if done:
            return redirect(url_for("intake.map_csv", collection_id=collection_id,
                                    import_id=record.id))
    return render_template("intake/csv_upload.html", collection=collection, form=form)


@bp.route("/collections/<int:collection_id>/intake/csv/<int:import_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def map_csv(collection_id: int, import_id: int):
    collection, record = _upload(collection_id, import_id)
    form = CsvUploadForm()  # CSRF; the choices are read from the form data
    action = request.form.get("action") if form.validate_on_submit() else None
    if action == "reread":  # another code page or sheet
        with attempt() as done:
            asset_lists.reread_upload(collection, record, encoding=request.form.get("encoding"),
                                      sheet=request.form.get("sheet"))
        if done:
            return redirect(request.path)
    choices = _choices(record, action)
    if action == "import":  # checked again and written by a job: a big file holds no worker
        args = {"collection_id": collection.id, "import_id": record.id}
        return start_job(IMPORT_KIND, {**args, "choices": choices.to_dict(), "prefix": prefix()},
                         StartJobForm(), record.id,
                         back=("intake.map_csv", args, N_("Revenir au fichier")))
    return _render_mapping(collection, record, choices)


def _upload(collection_id: int, import_id: int) -> tuple[Collection, IntakeImport]:
    collection = get_or_404(Collection, collection_id)
    record = get_or_404(IntakeImport, import_id)
    if record.collection_id != collection.id:
        abort(404)
    return collection, record


def _choices(record: IntakeImport, action: str | None) -> asset_lists.ImportChoices:
    """The stored reading and guess, until the technician posts columns and confirmations."""
    if action in ("preview", "import"):
        return asset_lists.upload_choices(record, read_mapping(request.form),
                                          request.form.getlist("confirm"))
    return asset_lists.upload_choices(record)


def _render_mapping(collection: Collection, record: IntakeImport,
                    choices: asset_lists.ImportChoices):
    with attempt() as read:
        fmt = asset_lists.upload_format(record)
    if not read:
        return redirect(url_for("intake.upload_csv", collection_id=collection.id))
    validation = None
    with attempt():
        validation = asset_lists.check_upload(collection, record, choices, fmt)
    return render_template(
        "intake/csv_mapping.html", collection=collection, record=record, fmt=fmt,
        mapping=choices.mapping, fields=FIELDS, labels=FIELD_LABELS, form=CsvUploadForm(),
        job_form=StartJobForm.fresh(),
        columns=column_labels(fmt),
        header_notes=list(dict.fromkeys(translate(n) for n in fmt.column_notes.values())),
        remembered=(record.reading or {}).get("source") == "remembered",
        validation=validation, **_checked(validation))


def column_labels(fmt: TableFormat) -> list[str]:
    """A column's name, with its letter when the name is repeated or missing."""
    return [
        name if index not in fmt.column_notes
        else _("%(name)s (colonne %(letter)s)", name=name or _("sans nom"),
               letter=fmt.letter(index))
        for index, name in enumerate(fmt.header)
    ]


def _checked(validation: Validation | None) -> dict:
    """What the check found, ready to show: refusals, flags per column, counts."""
    if validation is None:
        return {"refused": [], "flag_groups": [], "by_type": []}
    flag_groups = [
        {"field": name, "label": translate(FIELD_LABELS[name]),
         "count": validation.flag_counts[name], "confirmed": name in validation.confirmed,
         "lines": [(f.line, translate(f.why)) for f in validation.flags[name]]}
        for name in FIELDS if name in validation.flags
    ]
    order = list(DeviceType)
    by_type = [(translate(DEVICE_TYPE_LABELS[kind]), validation.by_type[kind.value])
               for kind in order if validation.by_type.get(kind.value)]
    return {"refused": [(r.line, translate(r.why)) for r in validation.refused],
            "flag_groups": flag_groups, "by_type": by_type}
