"""Which inventory drive a drive of an nwipe log is: by serial number on import, by a scanned
tag when someone attaches a drive the import could not match."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.nwipe import NwipeDrive
from refurb.core.sanitization import guess_kind
from refurb.devices import queries as device_queries
from refurb.devices.models import Drive
from refurb.wiping import queries
from refurb.wiping.drives import NewDrive, add_drive


def normalise_serial(serial: str | None) -> str | None:
    return (serial or "").strip() or None


def inventory_by_serial(found: Iterable[NwipeDrive]) -> dict[str, list[Drive]]:
    """Inventory drives whose serial is one of the log's, in one query."""
    return queries.drives_by_serial(normalise_serial(d.serial) for d in found)


def match_by_serial(found: NwipeDrive,
                    inventory: dict[str, list[Drive]]) -> tuple[Drive | None, Message | None]:
    """(the drive, None) when exactly one inventory drive has the log's serial, else
    (None, why not)."""
    serial = normalise_serial(found.serial)
    candidates = inventory.get(serial, []) if serial else []
    if len(candidates) == 1:
        return candidates[0], None
    reason = (
        N_("n° de série masqué (option --quiet)") if found.serial_masked
        else N_("pas de n° de série dans le journal") if not serial
        else N_("aucun support de l'inventaire n'a ce n° de série") if not candidates
        else N_("plusieurs supports de l'inventaire ont ce n° de série")
    )
    return None, Message(reason)


def drive_for_tag(tag: str, found: NwipeDrive, kind: str | None, *, actor_id: int | None,
                  now: datetime) -> Drive:
    """The drive a scanned tag names for this log drive: a removed drive's own tag, or the
    device's drive with the log's serial (created from the log when the device has none)."""
    serial = normalise_serial(found.serial)
    drive = device_queries.get_drive_by_tag(tag)
    if drive is not None:
        if drive.serial and serial and drive.serial.strip() != serial:
            raise InvalidInput(
                N_("Le n° de série du journal (%(serial)s) ne correspond pas à celui du "
                   "support %(tag)s (%(drive_serial)s)."),
                serial=serial, tag=drive.asset_tag, drive_serial=drive.serial)
        if not drive.serial and serial:
            drive.serial = serial
        return drive
    device = device_queries.get_device_by_tag(tag)
    if device is None:
        raise InvalidInput(N_("Numéro d'inventaire inconnu : %(tag)s"), tag=tag.strip()[:40])
    if serial:
        same = [d for d in device.drives if normalise_serial(d.serial) == serial]
        if same:
            return same[0]
    else:
        if len(device.drives) == 1:
            return device.drives[0]
        if device.drives:
            raise InvalidInput(
                N_("%(tag)s a plusieurs supports et le journal ne donne pas de n° de série : "
                   "enregistrez l'effacement depuis la page du support."), tag=device.asset_tag)
    return add_drive(
        device,
        NewDrive(model=found.model or "", serial=serial, capacity_bytes=found.size_bytes,
                 kind=kind or guess_kind(found).value),
        actor_id=actor_id,
        now=now,
    )
