"""Drives in and out of devices: adding one to a device, taking one out (it gets its own tag
and is scanned like a device from then on), and the label of a removed drive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.sanitization import MediaKind, label_fr
from refurb.devices.models import Device, Drive
from refurb.devices.services import allocate_tags, record_event
from refurb.extensions import db
from refurb.printing import LabelData, LabelError, LabelStock, list_stocks, load_stock, render_pdf
from refurb.wiping.claims import media_kind
from refurb.wiping.models import DriveRemoval
from refurb.wiping.status import drive_label


@dataclass(frozen=True)
class NewDrive:
    model: str = ""
    serial: str | None = None
    capacity_bytes: int | None = None
    kind: str = MediaKind.OTHER.value


def add_drive(device: Device, values: NewDrive, *, actor_id: int | None, now: datetime) -> Drive:
    kind = media_kind(values.kind)
    if values.capacity_bytes is not None and values.capacity_bytes <= 0:
        raise InvalidInput(N_("La capacité doit être positive."))
    drive = Drive(
        device=device,
        model=values.model.strip()[:120],
        serial=(values.serial or "").strip()[:120] or None,
        capacity_bytes=values.capacity_bytes,
        kind=kind.value,
        created_at=now,
    )
    db.session.add(drive)
    db.session.flush()
    record_event(device, "drive_added", actor_id=actor_id, now=now,
                 details={"drive": drive_label(drive), "media": label_fr(kind)})
    return drive


def remove_drive(
    drive: Drive, *, prefix: str, destination: str, actor_id: int | None, now: datetime
) -> DriveRemoval:
    """Take a drive out of its host: it gets its own tag and is scanned like a device."""
    device = drive.device
    if device is None:
        raise InvalidInput(N_("%(drive)s n'est dans aucun appareil."), drive=drive_label(drive))
    tag = drive.asset_tag or allocate_tags(prefix, now.year, 1)[0]
    removal = DriveRemoval(
        drive_id=drive.id,
        device_id=device.id,
        asset_tag=tag,
        destination=destination.strip()[:200],
        removed_at=now,
        removed_by_id=actor_id,
    )
    drive.asset_tag = tag
    drive.device = None
    db.session.add(removal)
    db.session.flush()
    record_event(device, "drive_removed", actor_id=actor_id, now=now,
                 reason=removal.destination,
                 details={"drive": drive_label(drive), "tag": tag})
    return removal


# ----------------------------------------------------------------- removed drive labels


def drive_stocks() -> list[LabelStock]:
    return [s for s in list_stocks() if "drive" in s.usage]


def drive_label_pdf(drive: Drive, stock_id: str | None) -> bytes:
    """A label for a removed drive, on a drive label stock (first one by default)."""
    if not drive.asset_tag:
        raise InvalidInput(
            N_("Ce support n'a pas d'étiquette : retirez-le d'abord de l'appareil."))
    stocks = {s.id: s for s in drive_stocks()}
    if not stocks:
        raise InvalidInput(N_("Aucun support d'étiquettes pour disques n'est défini."))
    try:
        stock = stocks.get(stock_id or "") or load_stock(next(iter(stocks)))
        facts = " · ".join(p for p in (drive.model, label_fr(drive.kind),
                                       f"S/N {drive.serial}" if drive.serial else "") if p)
        return render_pdf(stock, [LabelData(tag=drive.asset_tag, facts_line=facts,
                                            kind="drive")])
    except LabelError as error:
        raise InvalidInput(N_("Étiquette impossible : %(reason)s"), reason=str(error)) from None
