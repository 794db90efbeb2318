"""The « Imprimer » boxes on the device and collection pages (registered as page panels in
refurb.wiring), and the print form set-up they share with the printing pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from refurb.devices.models import Device
from refurb.intake.models import Collection
from refurb.printing import bench, renderers_for, services
from refurb.printing.forms import FORMAT_LABELS, PREFIX, BenchLabelForm, LabelPrintForm
from refurb.printing.permissions import can_print_labels

STOCK_KEY = "printing.stock.{}"  # the last stock used per kind: one printer per desk


@dataclass(frozen=True)
class Panel:
    form: LabelPrintForm | None
    action: str
    title: str
    count: int | None = None
    drives_url: str | None = None
    # The device page's box: its print options already rendered, and the name of the form's
    # CSRF field (None when the application checks none).
    options: Markup | None = None
    csrf_field: str | None = None


def setup_form(form: LabelPrintForm, kind: str) -> LabelPrintForm:
    """Stock and format choices; defaults to the stock this user printed on last."""
    stocks = services.stocks_for(kind)
    form.stock.choices = [(s.id, s.title) for s in stocks]
    formats = {r.name for s in stocks for r in renderers_for(s)}
    form.format.choices = [(k, v) for k, v in FORMAT_LABELS.items() if k in formats]
    if not form.is_submitted() and stocks:
        remembered = session.get(STOCK_KEY.format(kind))
        form.stock.data = remembered if remembered in dict(form.stock.choices) else stocks[0].id
    return form


def drives_url(device: Device) -> str | None:
    tagged = [d for d in device.drives if d.asset_tag]  # drives are loaded with the device
    return url_for("printing.drives", device_id=device.id) if tagged else None


def device_panel(device: Device) -> Panel | None:
    """The « Imprimer l'étiquette » box of a device page; None for roles that do not print."""
    if not can_print_labels(current_user):
        return None
    csrf = current_app.config.get("WTF_CSRF_ENABLED", True)
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return Panel(None, url_for("printing.device", device_id=device.id),
                 _("Imprimer l'étiquette"), drives_url=drives_url(device),
                 options=print_options("device"), csrf_field=f"{PREFIX}-{field}" if csrf else None)


# Rendered print options by (language, stocks, formats, stock chosen): the same few variants
# on every device page, and building then rendering the form cost more than the rest of the
# box. The stocks are files read again when they change (refurb.printing.stocks): a changed
# title or a new stock is a new key.
_OPTIONS: dict[tuple, Markup] = {}


def print_options(kind: str) -> Markup:
    """The print form's fields and buttons, as a fresh form shows them to this user."""
    stocks = services.stocks_for(kind)
    choices = tuple((s.id, s.title) for s in stocks)
    remembered = session.get(STOCK_KEY.format(kind))
    chosen = remembered if remembered in dict(choices) else (stocks[0].id if stocks else None)
    key = (str(get_locale()), kind, choices, chosen)
    options = _OPTIONS.get(key)
    if options is None:
        form = setup_form(LabelPrintForm(formdata=None), kind)
        options = Markup(render_template("printing/_form_options.html", form=form))
        if len(_OPTIONS) > 64:  # stocks edited many times over: start again
            _OPTIONS.clear()
        _OPTIONS[key] = options
    return options


def collection_panel(collection: Collection) -> Panel | None:
    if not can_print_labels(current_user):
        return None
    form = setup_form(LabelPrintForm(formdata=None), "device")
    return Panel(form, url_for("printing.collection", collection_id=collection.id),
                 _("Imprimer les étiquettes de la collecte"))


@dataclass(frozen=True)
class BenchPanel:
    form: LabelPrintForm
    action: str
    tag: str
    tray_count: int
    tray_url: str
    printer: str | None  # "host:port" of the network Zebra printer, when one is set
    next_url: str


def bench_options_form(user_id: int) -> LabelPrintForm:
    """Stock, format and first free place as this technician left them."""
    options = bench.bench_options(user_id)
    form = setup_form(BenchLabelForm(formdata=None), "device")
    form.stock.data, form.start.data = options.stock_id, options.start
    form.format.data = options.format
    return form


def bench_panel(device: Device) -> BenchPanel | None:
    """After a machine is saved at the bench: its label right there, or into the tray."""
    if not can_print_labels(current_user):
        return None
    printer = bench.network_printer()
    return BenchPanel(bench_options_form(current_user.id),
                      url_for("printing.bench_label", device_id=device.id), device.asset_tag,
                      bench.tray_count(current_user.id), url_for("printing.tray"),
                      f"{printer.host}:{printer.port}" if printer else None,
                      request.full_path.rstrip("?"))
