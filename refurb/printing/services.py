"""Label printing use cases: gather what to print, render it, record it in the device history.

The engine (stocks, layout, renderers) stays free of Flask and the database; this module turns
devices and drives into `LabelData`, checks the technician's choices against the stock, and
writes one ``label_printed`` event per device and print job. Nothing here commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask

from refurb.core.asset_tags import normalise_scan
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.label_facts import device_facts_line, drive_facts_line
from refurb.devices.models import Device, Drive
from refurb.devices.services import record_event
from refurb.intake.models import Collection
from refurb.printing import (
    RENDERERS,
    LabelData,
    LabelError,
    LabelStock,
    list_stocks,
    load_stock,
    queries,
)
from refurb.printing.pagination import ROLL_HAS_NO_START

# A job is rendered inside one request: 2,000 labels take about 0.2 s, but 7-10 s on a stock
# with QR codes (one unique symbol per device), plus as many history rows.
MAX_LABELS_PER_JOB = 2000
EVENT_KIND = "label_printed"
# Words for the device history (registered in refurb.wiring).
EVENT_KINDS = {EVENT_KIND: N_("Étiquette imprimée")}
EVENT_DETAILS = {"stock": N_("Support d’étiquette"), "copies": N_("Exemplaires"),
                 "format": N_("Format"), "start": N_("Première position")}
PREVIEW_FORMAT = "png"

DeviceUrl = Callable[[int], str]


@dataclass(frozen=True)
class PrintOptions:
    stock_id: str
    start: int = 1
    copies: int = 1
    format: str = "pdf"


@dataclass(frozen=True)
class LabelFile:
    content: bytes
    media_type: str
    filename: str
    labels: int  # labels on the output, copies included


@dataclass
class LabelJob:
    """What one print run is about: the labels, and the devices whose history records it."""

    kind: str  # "device" | "drive": decides which stocks fit
    labels: list[LabelData]
    basename: str  # download file name without extension
    hosts: list[tuple[Device, dict[str, Any]]] = field(default_factory=list)


def device_url_builder(app: Flask) -> DeviceUrl:
    """Public URL of a device page (for QR codes), usable outside a request (CLI)."""
    from refurb.web import public_base_url  # the request's host when none is configured

    base = public_base_url()
    adapter = app.url_map.bind("")
    return lambda device_id: base + adapter.build("devices.show", {"device_id": device_id})


# ------------------------------------------------------------------------------ stocks


def stocks_for(kind: str) -> list[LabelStock]:
    """Stocks meant for device or drive labels, sheets first, then by id."""
    return sorted((s for s in list_stocks() if kind in s.usage),
                  key=lambda s: (s.kind != "sheet", s.id))


def _stock(stock_id: str, kind: str) -> LabelStock:
    try:
        stock = load_stock(stock_id)
    except LabelError as error:
        raise InvalidInput(error.message) from None
    if kind not in stock.usage:
        raise InvalidInput(
            N_("Le support « %(stock)s » n'est pas prévu pour les étiquettes des disques.")
            if kind == "drive" else
            N_("Le support « %(stock)s » n'est pas prévu pour les étiquettes des appareils."),
            stock=stock.title)
    return stock


def _check(options: PrintOptions, stock: LabelStock, count: int) -> None:
    """The technician's choices against the stock, before anything is drawn or recorded."""
    renderer = RENDERERS.get(options.format)
    if renderer is None:
        raise InvalidInput(N_("Format inconnu : « %(format)s » (PDF, PNG ou ZPL)."),
                           format=options.format)
    if not renderer.supports(stock):
        raise InvalidInput(N_("Le format %(format)s n'est proposé que pour les rouleaux Zebra, "
                              "pas pour « %(stock)s »."),
                           format=renderer.name.upper(), stock=stock.title)
    if stock.kind == "roll" and options.start != 1:
        raise InvalidInput(ROLL_HAS_NO_START)
    if not 1 <= options.start <= stock.per_page:
        raise InvalidInput(N_("Première place libre invalide : %(start)s ; la planche "
                              "« %(stock)s » a %(places)s places (de 1 à %(places)s)."),
                           start=options.start, stock=stock.title, places=stock.per_page)
    if options.copies < 1:
        raise InvalidInput(N_("Le nombre d'exemplaires doit être au moins 1."))
    total = count * options.copies
    if total > MAX_LABELS_PER_JOB:
        raise InvalidInput(
            N_("Trop d'étiquettes pour une seule impression : %(total)s (%(count)s × %(copies)s "
               "exemplaire(s)) pour %(maximum)s au maximum.%(hint)s"),
            total=total, count=count, copies=options.copies, maximum=MAX_LABELS_PER_JOB,
            hint=Message(N_(" Réduisez le nombre d'exemplaires.")) if options.copies > 1 else "")


def _render(job: LabelJob, options: PrintOptions, stock: LabelStock) -> LabelFile:
    renderer = RENDERERS[options.format]
    try:
        content = renderer.render(stock, job.labels, start=options.start, copies=options.copies)
    except LabelError as error:  # e.g. a tag too long for this stock, fit to show
        raise InvalidInput(error.message) from None
    return LabelFile(content, renderer.media_type, job.basename + renderer.extension,
                     len(job.labels) * options.copies)


# --------------------------------------------------------------------------------- jobs


def device_label(device: Device, collection_number: str | None,
                 device_url: DeviceUrl) -> LabelData:
    facts = device_facts_line(device.device_type, cpu=device.cpu, ram_mib=device.ram_mib,
                              screen_inches=device.screen_inches,
                              collection_number=collection_number)
    # The stock decides whether the QR code is drawn (layout ignores it when disabled).
    return LabelData(device.asset_tag, facts, device_url(device.id), "device")


def drive_label(drive: Drive) -> LabelData:
    if not drive.asset_tag:
        raise InvalidInput(N_("Ce disque n'a pas de numéro d'inventaire : il n'a pas "
                              "d'étiquette."))
    return LabelData(drive.asset_tag, drive_facts_line(drive.model, drive.capacity_bytes),
                     None, "drive")


def collection_job(collection: Collection, device_url: DeviceUrl) -> LabelJob:
    devices = queries.list_collection_devices(collection.id)
    if not devices:
        raise InvalidInput(N_("La collecte %(number)s n'a encore aucun appareil : rien à "
                              "imprimer."), number=collection.number)
    labels = [device_label(d, collection.number, device_url) for d in devices]
    return LabelJob("device", labels, f"etiquettes-{collection.number}",
                    [(d, {}) for d in devices])


def device_job(device: Device, device_url: DeviceUrl) -> LabelJob:
    number = queries.get_collection_number(device.collection_id)
    return LabelJob("device", [device_label(device, number, device_url)],
                    f"etiquette-{device.asset_tag}", [(device, {})])


def parse_tags(text: str) -> list[str]:
    """Tags typed or scanned one per line (or separated by spaces/commas), duplicates dropped."""
    seen: dict[str, None] = {}
    for chunk in text.replace(",", " ").replace(";", " ").split():
        seen.setdefault(normalise_scan(chunk))
    return list(seen)


def drives_job(tags: Iterable[str]) -> LabelJob:
    tags = list(dict.fromkeys(normalise_scan(t) for t in tags if t.strip()))
    if not tags:
        raise InvalidInput(N_("Indiquez au moins un numéro d'inventaire de disque."))
    drives = queries.get_drives_by_tags(tags)
    unknown = [t for t in tags if t not in drives]
    if unknown:
        raise InvalidInput(N_("Aucun disque ne porte ce numéro d'inventaire : %(tags)s."),
                           tags=", ".join(unknown))
    ordered = [drives[t] for t in tags]  # the order typed or scanned
    # One event per host and job, listing its drives; a drive without host has no history.
    per_host: dict[int, tuple[Device, dict[str, Any]]] = {}
    for drive in ordered:
        if drive.device is not None:
            host = per_host.setdefault(drive.device.id, (drive.device, {"drives": []}))
            host[1]["drives"].append(drive.asset_tag)
    name = f"etiquette-disque-{tags[0]}" if len(tags) == 1 else f"etiquettes-disques-{len(tags)}"
    return LabelJob("drive", [drive_label(d) for d in ordered], name, list(per_host.values()))


def tagged_drive_tags(device_id: int) -> list[str]:
    return [d.asset_tag for d in queries.list_tagged_drives(device_id) if d.asset_tag]


def tag_labels(tags: Iterable[str], device_url: DeviceUrl) -> list[LabelData]:
    """Labels for the CLI: known devices and drives get their facts, other tags print alone."""
    tags = [t.strip() for t in tags]
    devices = queries.get_devices_by_tags(tags)
    drives = queries.get_drives_by_tags(tags)
    numbers = queries.get_collection_numbers(d.collection_id for d in devices.values())
    labels = []
    for tag in tags:
        key = normalise_scan(tag)
        if key in devices:
            device = devices[key]
            labels.append(device_label(device, numbers.get(device.collection_id), device_url))
        elif key in drives:
            labels.append(drive_label(drives[key]))
        else:
            labels.append(LabelData(tag))
    return labels


# ---------------------------------------------------------------------- print / preview


def print_labels(job: LabelJob, options: PrintOptions, *, actor_id: int | None,
                 now: datetime) -> LabelFile:
    """Render the job, then record it once per device; nothing is recorded if rendering fails."""
    stock = _stock(options.stock_id, job.kind)
    _check(options, stock, len(job.labels))
    output = _render(job, options, stock)
    details = {"stock": stock.id, "copies": options.copies, "format": options.format,
               "start": options.start}
    for device, extra in job.hosts:
        record_event(device, EVENT_KIND, actor_id=actor_id, now=now,
                     details={**details, **extra})
    return output


def preview_labels(job: LabelJob, options: PrintOptions) -> LabelFile:
    """First page as PNG, whatever format was chosen; a preview is not a print: no event."""
    stock = _stock(options.stock_id, job.kind)
    options = PrintOptions(options.stock_id, options.start, options.copies, PREVIEW_FORMAT)
    _check(options, stock, len(job.labels))
    return _render(job, options, stock)


def sample_print(stock_id: str, fmt: str, *, prefix: str, base_url: str) -> LabelFile:
    """A full sheet (three labels on a roll) of sample labels to check alignment; no history."""
    try:
        stock = load_stock(stock_id)
    except LabelError as error:
        raise InvalidInput(error.message) from None
    count = stock.per_page if stock.kind == "sheet" else 3
    kind = "device" if "device" in stock.usage else "drive"
    # Year 0000: obviously not a real tag if one of these ends up stuck on a machine.
    labels = [LabelData(f"{prefix}-0000-{n:06d}", f"Test d'impression · place {n}",
                        base_url.rstrip("/") + "/" if kind == "device" else None, kind)
              for n in range(1, count + 1)]
    job = LabelJob(kind, labels, f"test-{stock.id}")
    options = PrintOptions(stock.id, 1, 1, fmt)
    _check(options, stock, count)
    return _render(job, options, stock)
