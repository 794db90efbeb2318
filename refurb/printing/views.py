"""Label printing pages: a collection after intake, one device, removed drives, the stocks."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from refurb.accounts.access import WORKSHOP, roles_required
from refurb.core.errors import DomainError
from refurb.devices.models import Device
from refurb.donors.models import Collection
from refurb.extensions import db
from refurb.printing import LabelStock, list_stocks, queries, renderers_for, services
from refurb.printing.forms import FORMAT_LABELS, DriveLabelForm, LabelPrintForm
from refurb.web import actor_id, flash_domain_error, get_or_404, int_arg, now

bp = Blueprint("printing", __name__, url_prefix="/printing")

_STOCK_KEY = "printing.stock.{}"  # the last stock used per kind: one printer per desk


# ------------------------------------------------------------------------- helpers


def _setup(form: LabelPrintForm, kind: str) -> LabelPrintForm:
    """Stock and format choices; defaults to the stock this user printed on last."""
    stocks = services.stocks_for(kind)
    form.stock.choices = [(s.id, s.title) for s in stocks]
    formats = {r.name for s in stocks for r in renderers_for(s)}
    form.format.choices = [(k, v) for k, v in FORMAT_LABELS.items() if k in formats]
    if not form.is_submitted() and stocks:
        remembered = session.get(_STOCK_KEY.format(kind))
        form.stock.data = remembered if remembered in dict(form.stock.choices) else stocks[0].id
    return form


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
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                job, options = make_job(), _options(form)
                if request.form.get("action") == "preview":
                    return _send(services.preview_labels(job, options), attachment=False)
                output = services.print_labels(job, options, actor_id=actor_id(), now=now())
            except DomainError as error:
                db.session.rollback()
                flash_domain_error(error)
            else:
                db.session.commit()
                session[_STOCK_KEY.format(kind)] = options.stock_id
                return _send(output)
    return render_template(template, form=form, **context), status


# -------------------------------------------------------------------------- routes


@bp.route("/collections/<int:collection_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def collection(collection_id: int):
    collection = get_or_404(Collection, collection_id)
    device_url = services.device_url_builder(current_app)
    return _print(_setup(LabelPrintForm(), "device"), "device",
                  lambda: services.collection_job(collection, device_url),
                  "printing/collection.html", collection=collection,
                  devices=queries.list_collection_devices(collection.id))


@bp.route("/devices/<int:device_id>", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def device(device_id: int):
    device = get_or_404(Device, device_id)
    device_url = services.device_url_builder(current_app)
    return _print(_setup(LabelPrintForm(), "device"), "device",
                  lambda: services.device_job(device, device_url),
                  "printing/device.html", device=device,
                  drives_url=_drives_url(device))


@bp.route("/drives", methods=["GET", "POST"])
@roles_required(*WORKSHOP)
def drives():
    form = _setup(DriveLabelForm(), "drive")
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
    try:
        output = services.sample_print(stock_id, fmt,
                                       prefix=current_app.config["ASSET_TAG_PREFIX"],
                                       base_url=current_app.config["PUBLIC_BASE_URL"])
    except DomainError as error:  # unknown stock or format in a hand-typed URL
        flash_domain_error(error)
        return render_template("printing/stocks.html",
                               rows=[_stock_row(s) for s in list_stocks()]), error.http_status
    return _send(output, attachment=fmt != "png")


# ------------------------------------------------------------- page data, panels


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


def _drives_url(device: Device) -> str | None:
    tagged = [d for d in device.drives if d.asset_tag]  # drives are loaded with the device
    return url_for("printing.drives", device_id=device.id) if tagged else None


@dataclass(frozen=True)
class Panel:
    form: LabelPrintForm
    action: str
    title: str
    count: int | None = None
    drives_url: str | None = None


def _can_print() -> bool:
    return current_user.is_authenticated and current_user.role in WORKSHOP


def device_panel(device: Device) -> Panel | None:
    """The « Imprimer l'étiquette » box of a device page; None for roles that do not print."""
    if not _can_print():
        return None
    form = _setup(LabelPrintForm(formdata=None), "device")
    return Panel(form, url_for("printing.device", device_id=device.id),
                 _("Imprimer l'étiquette"), drives_url=_drives_url(device))


def collection_panel(collection: Collection, device_count: int | None = None) -> Panel | None:
    if not _can_print():
        return None
    form = _setup(LabelPrintForm(formdata=None), "device")
    return Panel(form, url_for("printing.collection", collection_id=collection.id),
                 _("Imprimer les étiquettes de la collecte"), count=device_count)


@bp.app_context_processor
def _printing_panels():
    # Functions, not values: nothing is computed unless a page includes a panel.
    return {"printing_device_panel": device_panel,
            "printing_collection_panel": collection_panel}
