"""Printing where the work is: right after a machine is saved at the bench, print its label,
send it to the workshop's network Zebra printer, or put it in the technician's « à imprimer »
tray, printed later as one sheet from the first free place.

Each technician's stock, format and next free place are remembered in the database (a desk
keeps its printer whatever browser or worker serves it). Nothing here commits.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.label_sheets import next_free_place
from refurb.devices.models import Device
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.printing import load_stock, queries
from refurb.printing.models import LabelPreference, LabelTrayItem
from refurb.printing.services import (
    DeviceUrl,
    LabelFile,
    LabelJob,
    PrintOptions,
    device_label,
    print_labels,
    stocks_for,
)
from refurb.settings import services as settings

ZEBRA_HOST = Definition(
    "printing.zebra_host", N_("Imprimante Zebra réseau : adresse (nom ou IP)"), "str", "",
    help=N_("Vide : les étiquettes ZPL sont téléchargées au lieu d'être envoyées."))
ZEBRA_PORT = Definition("printing.zebra_port", N_("Imprimante Zebra réseau : port"), "int",
                        9100, help=N_("9100 : le port d'impression brute des Zebra."), minimum=1)
SETTINGS = (ZEBRA_HOST, ZEBRA_PORT)
SEND_TIMEOUT_SECONDS = 5.0
MAX_TRAY = 500


@dataclass(frozen=True)
class Printer:
    host: str
    port: int


class PrinterUnreachable(DomainError):
    http_status = 502


def network_printer() -> Printer | None:
    host = str(settings.get(ZEBRA_HOST.key) or "").strip()
    return Printer(host, int(settings.get(ZEBRA_PORT.key) or 9100)) if host else None


def send_to_printer(payload: bytes, printer: Printer,
                    timeout: float = SEND_TIMEOUT_SECONDS) -> None:
    """Raw ZPL over TCP, as a Zebra takes it on port 9100; a clear French refusal otherwise."""
    try:
        with socket.create_connection((printer.host, printer.port), timeout=timeout) as conn:
            conn.sendall(payload)
    except TimeoutError:
        raise PrinterUnreachable(
            N_("L'imprimante %(host)s (port %(port)s) ne répond pas : vérifiez qu'elle est "
               "allumée et branchée au réseau. Rien n'a été imprimé."),
            host=printer.host, port=printer.port) from None
    except OSError:
        raise PrinterUnreachable(
            N_("Impossible de joindre l'imprimante %(host)s (port %(port)s) : vérifiez son "
               "adresse dans les réglages, et qu'elle est allumée. Rien n'a été imprimé."),
            host=printer.host, port=printer.port) from None


# ------------------------------------------------------------------------- preferences


def preference(user_id: int) -> LabelPreference | None:
    return db.session.get(LabelPreference, user_id)


def bench_options(user_id: int) -> PrintOptions:
    """What this technician printed on last (stock, format, next free place), else the first
    stock meant for machines."""
    stocks = {s.id: s for s in stocks_for("device")}
    remembered = preference(user_id)
    if remembered is not None and remembered.stock_id in stocks:
        return PrintOptions(remembered.stock_id, remembered.next_start, 1, remembered.format)
    first = next(iter(stocks), "")
    return PrintOptions(first, 1, 1, "pdf")


def _remember(user_id: int, options: PrintOptions, printed: int, now: datetime) -> None:
    stock = load_stock(options.stock_id)
    following = next_free_place(options.start, printed, stock.per_page,
                                roll=stock.kind != "sheet")
    remembered = preference(user_id)
    if remembered is None:
        remembered = LabelPreference(user_id=user_id)
        db.session.add(remembered)
    remembered.stock_id, remembered.format = options.stock_id, options.format
    remembered.next_start, remembered.updated_at = following, now
    db.session.flush()


def _print(job: LabelJob, options: PrintOptions, *, send: bool, actor_id: int,
           now: datetime) -> LabelFile:
    if send:
        printer = network_printer()
        if printer is None:
            raise InvalidInput(N_("Aucune imprimante Zebra réseau n'est réglée : choisissez "
                                  "un autre format, ou demandez à un administrateur de la "
                                  "régler."))
        options = PrintOptions(options.stock_id, options.start, options.copies, "zpl")
    output = print_labels(job, options, actor_id=actor_id, now=now)
    if send:
        send_to_printer(output.content, printer)
    _remember(actor_id, options, len(job.labels) * options.copies, now)
    return output


# ---------------------------------------------------------------------------- one label


def print_bench_label(device: Device, options: PrintOptions, device_url: DeviceUrl, *,
                      send: bool, actor_id: int, now: datetime) -> LabelFile:
    """The label of the machine just saved: a file to print, or sent to the Zebra printer."""
    number = queries.get_collection_number(device.collection_id)
    job = LabelJob("device", [device_label(device, number, device_url)],
                   f"etiquette-{device.asset_tag}", [(device, {})])
    return _print(job, options, send=send, actor_id=actor_id, now=now)


# --------------------------------------------------------------------------------- tray


def tray_devices(user_id: int) -> list[Device]:
    """The machines waiting in this technician's tray, in the order they were added."""
    return list(db.session.scalars(
        select(Device).join(LabelTrayItem, LabelTrayItem.device_id == Device.id)
        .where(LabelTrayItem.user_id == user_id).order_by(LabelTrayItem.id)))


def tray_count(user_id: int) -> int:
    return len(db.session.scalars(select(LabelTrayItem.id).where(
        LabelTrayItem.user_id == user_id)).all())


def add_to_tray(device: Device, *, actor_id: int, now: datetime) -> bool:
    """False when the machine was already waiting in the tray (nothing added)."""
    waiting = db.session.scalar(select(LabelTrayItem.id).where(
        LabelTrayItem.user_id == actor_id, LabelTrayItem.device_id == device.id))
    if waiting is not None:
        return False
    if tray_count(actor_id) >= MAX_TRAY:
        raise InvalidInput(N_("Le bac « à imprimer » est plein (%(n)s étiquettes) : "
                              "imprimez-le d'abord."), n=MAX_TRAY)
    db.session.add(LabelTrayItem(user_id=actor_id, device_id=device.id, added_at=now))
    db.session.flush()
    return True


def remove_from_tray(device_id: int, *, actor_id: int) -> None:
    db.session.execute(delete(LabelTrayItem).where(LabelTrayItem.user_id == actor_id,
                                                   LabelTrayItem.device_id == device_id))


def print_tray(options: PrintOptions, device_url: DeviceUrl, *, send: bool, actor_id: int,
               now: datetime) -> LabelFile:
    """Every label of the tray on one run from the first free place; the tray is emptied."""
    devices = tray_devices(actor_id)
    if not devices:
        raise InvalidInput(N_("Le bac « à imprimer » est vide."))
    numbers = queries.get_collection_numbers(d.collection_id for d in devices)
    labels = [device_label(d, numbers.get(d.collection_id), device_url) for d in devices]
    job = LabelJob("device", labels, f"etiquettes-bac-{len(labels)}", [(d, {}) for d in devices])
    output = _print(job, options, send=send, actor_id=actor_id, now=now)
    db.session.execute(delete(LabelTrayItem).where(LabelTrayItem.user_id == actor_id))
    return output
