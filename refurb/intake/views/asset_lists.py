"""A donor's asset list (CSV): upload, choose the columns, check every line, import."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.intake import asset_lists
from refurb.intake.csv_columns import FIELD_LABELS, FIELDS, Mapping
from refurb.intake.csv_file import CsvFormat, detect_format
from refurb.intake.csv_rows import Validation
from refurb.intake.forms import CsvUploadForm, read_mapping
from refurb.intake.models import Collection, IntakeImport
from refurb.intake.views.bench import prefix
from refurb.intake.views.blueprint import bp
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
    collection = get_or_404(Collection, collection_id)
    record = get_or_404(IntakeImport, import_id)
    if record.collection_id != collection.id:
        abort(404)
    form = CsvUploadForm()  # CSRF; the mapping selects are read from the form data
    fmt = detect_format(_stream(record))
    mapping = _chosen_mapping(record, fmt)
    validation = None
    if form.validate_on_submit() and request.form.get("action") == "import":
        with attempt() as done:
            outcome = asset_lists.import_upload(collection, record, mapping, actor_id=actor_id(),
                                                now=now(), prefix=prefix())
        if done:
            flash(_("%(n)s appareil(s) importé(s) : %(first)s à %(last)s.", n=outcome.imported,
                    first=outcome.first_tag, last=outcome.last_tag), "success")
            return redirect(url_for("intake.show_collection", collection_id=collection_id))
        if isinstance(done.error, asset_lists.ImportRefused):  # the refused lines, listed
            validation = done.error.validation
    return _render_mapping(collection, record, fmt, mapping, validation)


def _chosen_mapping(record: IntakeImport, fmt: CsvFormat) -> Mapping:
    """The guess stored at upload, until the technician posts a choice of columns."""
    if request.method == "POST":
        return read_mapping(request.form, fmt.header)
    return {k: v for k, v in record.mapping.items() if k in FIELDS}


def _stream(record: IntakeImport) -> io.BytesIO:
    return io.BytesIO(record.content or b"")


def _render_mapping(collection: Collection, record: IntakeImport, fmt: CsvFormat,
                    mapping: Mapping, validation: Validation | None):
    if validation is None:
        with attempt():
            validation = asset_lists.check_csv(collection, _stream(record), fmt, mapping)
    refused = [(r.line, translate(r.why)) for r in validation.refused] if validation else []
    return render_template(
        "intake/csv_mapping.html", collection=collection, record=record, fmt=fmt,
        mapping=mapping, validation=validation, refused=refused, fields=FIELDS,
        labels=FIELD_LABELS, form=CsvUploadForm(),
    )
