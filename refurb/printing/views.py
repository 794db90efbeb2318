"""Label printing pages: a collection after intake, one device, removed drives, the stocks."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.devices.models import Device
from refurb.intake.models import Collection
from refurb.printing import LabelStock, bench, list_stocks, queries, renderers_for, services
from refurb.printing.forms import BenchLabelForm, DriveLabelForm, LabelPrintForm
from refurb.printing.panels import STOCK_KEY, bench_options_form, drives_url, setup_form
from refurb.security.redirects import safe_redirect_target
from refurb.web import actor_id, attempt, get_or_404, int_arg, now, public_base_url
from refurb.workshops.services import label_prefix as workshop_label_prefix

bp = Blueprint("printing", __name__, url_prefix="/printing")


class CsrfOnly(FlaskForm):
    """A button that changes something: the token and nothing else."""


# ------------------------------------------------------------------------- helpers


def _options(form: LabelPrintForm) -> services.PrintOptions:
    return services.PrintOptions(form.stock.data, form.start.data, form.copies.data,
                                 form.format.data)


def _send(output: services.LabelFile, attachment: bool = True):
    return send_file(io.BytesIO(output.content), mimetype=output.media_type,
                     as_attachment=attachment, download_name=output.filename,
                     max_age=0)


def _print(form: LabelPrintForm, kind: str, make_job: Callable[[], services.LabelJob],
           template: str, **context):
    """POST: preview (PNG inline, nothing recorded) or print (file + history), else the form."""
    if not form.is_submitted():
        return render_template(template, form=form, **context)
    if form.validate():
        preview = request.form.get("action") == "preview"
        with attempt() as done:
            job, options = make_job(), _options(form)
            output = (services.preview_labels(job, options) if preview else
                      services.print_labels(job, options, actor_id=actor_id(), now=now()))
        if done:
            if not preview:
                session[STOCK_KEY.format(kind)] = options.stock_id
            return _send(output, attachment=not preview)
    # Refused: nothing recorded (the 400 rolls back), the form keeps what was chosen.
    return render_template(template, form=form, **context), 400


# -------------------------------------------------------------------------- routes


@bp.route("/collections/<int:collection_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    device_url = services.device_url_builder(current_app)
    return _print(setup_form(LabelPrintForm(), "device"), "device",
                  lambda: services.collection_job(collection, device_url),
                  "printing/collection.html", collection=collection,
                  devices=queries.list_collection_devices(collection.id))


@bp.route("/devices/<int:device_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def device(device_id: int):
    device = get_or_404(Device, device_id)
    device_url = services.device_url_builder(current_app)
    return _print(setup_form(LabelPrintForm(), "device"), "device",
                  lambda: services.device_job(device, device_url),
                  "printing/device.html", device=device,
                  drives_url=drives_url(device))


@bp.route("/drives", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def drives():
    form = setup_form(DriveLabelForm(), "drive")
    host = int_arg("device_id")
    if not form.is_submitted():
        tags = request.args.getlist("tag") or (services.tagged_drive_tags(host) if host else [])
        form.tags.data = "\n".join(tags)
    return _print(form, "drive", lambda: services.drives_job(services.parse_tags(form.tags.data)),
                  "printing/drives.html")


@bp.get("/stocks")
@roles_required(*WORKSHOP)
def stocks():
    return render_template("printing/stocks.html",
                           rows=[_stock_row(s) for s in list_stocks()])


@bp.get("/stocks/<stock_id>/test.<fmt>")
@roles_required(*WORKSHOP)
def test_print(stock_id: str, fmt: str):
    with attempt() as done:  # unknown stock or format in a hand-typed URL
        output = services.sample_print(stock_id, fmt,
                                       prefix=workshop_label_prefix(),
                                       base_url=public_base_url())
    if not done:
        return render_template("printing/stocks.html",
                               rows=[_stock_row(s) for s in list_stocks()]), done.error.http_status
    return _send(output, attachment=fmt != "png")


# ---------------------------------------------------------------------------- page data


def _mm(value: float) -> str:
    return format_decimal(value, format="#,##0.##")


@dataclass(frozen=True)
class StockRow:
    stock: LabelStock
    size: str  # "70 × 37 mm"
    layout: str  # "3 × 8 = 24 par planche" or "rouleau"
    printer: str
    tests: list[tuple[str, str]]  # (format label, test print URL)


def _stock_row(stock: LabelStock) -> StockRow:
    size = f"{_mm(stock.label_width)} × {_mm(stock.label_height)} mm"
    if stock.kind == "sheet":
        layout = _("%(cols)s × %(rows)s = %(n)s par planche", cols=stock.columns,
                   rows=stock.rows, n=stock.per_page)
    else:
        layout = _("rouleau, une étiquette à la fois")
    printer = (_("thermique %(dpi)s dpi", dpi=stock.dpi) if stock.thermal
               else _("laser / jet d'encre %(dpi)s dpi", dpi=stock.dpi))
    tests = [(r.name.upper(), url_for("printing.test_print", stock_id=stock.id, fmt=r.name))
             for r in renderers_for(stock)]
    return StockRow(stock, size, layout, printer, tests)


# ------------------------------------------------------------------ bench and tray


def _back(fallback: str) -> str:
    return safe_redirect_target(request.form.get("next"), fallback, host_url=request.host_url)


def _refused(form: LabelPrintForm) -> None:
    for errors in form.errors.values():
        flash(str(errors[0]), "error")
        return


def _sent_or_file(output: services.LabelFile, sent: bool, back: str):
    if not sent:
        return _send(output)
    printer = bench.network_printer()
    flash(_("%(n)s étiquette(s) envoyée(s) à l'imprimante %(host)s.", n=output.labels,
            host=printer.host if printer else ""), "success")
    return redirect(back)


@bp.post("/bench/<int:device_id>")
@roles_required(*WORKSHOP)
def bench_label(device_id: int):
    """The label of a machine just saved at the bench: print it, send it, or put it in the
    tray; the stock, format and next free place are remembered for this technician."""
    device = get_or_404(Device, device_id)
    back = _back(url_for("devices.show", device_id=device.id))
    form = setup_form(BenchLabelForm(), "device")
    action = request.form.get("action", "print")
    if action == "tray":
        with attempt() as done:
            added = bench.add_to_tray(device, actor_id=actor_id(), now=now())
        if done:
            flash(_("%(tag)s ajouté au bac « à imprimer ».", tag=device.asset_tag) if added else
                  _("%(tag)s est déjà dans le bac « à imprimer ».", tag=device.asset_tag), "success")
        return redirect(back)
    if not form.validate():
        _refused(form)
        return redirect(back)
    device_url = services.device_url_builder(current_app)
    with attempt() as done:
        output = bench.print_bench_label(device, _options(form), device_url,
                                         send=action == "send", actor_id=actor_id(), now=now())
    return _sent_or_file(output, action == "send", back) if done else redirect(back)


@bp.route("/tray", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def tray():
    """The « à imprimer » tray: the machines put aside at the bench, printed as one run from
    the first free place of the sheet."""
    form = (setup_form(BenchLabelForm(), "device") if request.method == "POST"
            else bench_options_form(current_user.id))
    if form.is_submitted() and form.validate():
        device_url = services.device_url_builder(current_app)
        sent = request.form.get("action") == "send"
        with attempt() as done:
            output = bench.print_tray(_options(form), device_url, send=sent,
                                      actor_id=actor_id(), now=now())
        if done:
            return _sent_or_file(output, sent, url_for("printing.tray"))
    printer = bench.network_printer()
    status = 400 if form.is_submitted() else 200
    return render_template("printing/tray.html", form=form,
                           devices=bench.tray_devices(current_user.id),
                           printer=f"{printer.host}:{printer.port}" if printer else None,
                           ), status


@bp.post("/tray/<int:device_id>/remove")
@roles_required(*WORKSHOP)
def tray_remove(device_id: int):
    if CsrfOnly().validate_on_submit():
        bench.remove_from_tray(device_id, actor_id=actor_id())
    return redirect(url_for("printing.tray"))
