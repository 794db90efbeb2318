"""The wiping station: the method is chosen once, then each scanned tag records it for every
drive behind the tag (a device's drives, or one removed drive). A scan repeated within the
same half-day with the same method is the same erasure: "déjà enregistré", nothing added."""

from __future__ import annotations

from datetime import datetime, timedelta

from refurb.core.asset_tags import normalise_scan
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.devices import queries as device_queries
from refurb.devices.scan_repeat import ALREADY_TAKEN, repeat_window
from refurb.wiping.claims import WipeInput
from refurb.wiping.models import WipeRecord
from refurb.wiping.records import AlreadyRecorded, record_wipe
from refurb.wiping.status import unsanitized_lines_for_drives


def _just_read(repeats: list[WipeRecord], now: datetime) -> bool:
    window = timedelta(seconds=repeat_window())
    return all(timedelta(0) <= now - r.created_at <= window for r in repeats)


def station_record(
    tag: str, values: WipeInput, *, actor_id: int | None, now: datetime
) -> tuple[list[WipeRecord], Message]:
    """One scan at the wiping station: the chosen method, for every drive behind the tag."""
    device = device_queries.get_device_by_tag(tag)
    if device is not None:
        drives = list(device.drives)
        if not drives:
            raise InvalidInput(
                N_("%(tag)s : aucun support de stockage enregistré ; ajoutez-le depuis la page "
                   "de l'appareil."), tag=device.asset_tag)
        name = device.asset_tag
    else:
        drive = device_queries.get_drive_by_tag(tag)
        if drive is None:
            raise InvalidInput(N_("Numéro d'inventaire inconnu : %(tag)s"), tag=normalise_scan(tag)[:40])
        drives, name = [drive], drive.asset_tag
    records, repeats = [], []
    for drive in drives:
        try:
            records.append(record_wipe(drive, values, actor_id=actor_id, now=now,
                                       source="station"))
        except AlreadyRecorded as repeat:
            repeats.append(repeat.record)
    if not records:
        if _just_read(repeats, now):  # the scanner beeped twice
            return [], Message(ALREADY_TAKEN, {"code": name})
        return [], Message(N_("%(tag)s : déjà enregistré (même méthode, même demi-journée), "
                              "rien n'a changé."), {"tag": name})
    blocked = unsanitized_lines_for_drives(drives)
    if repeats:
        message = Message(N_("%(tag)s : %(count)s effacement(s) enregistré(s), %(repeats)s déjà "
                             "enregistré(s)."), {"tag": name, "count": len(records),
                                                  "repeats": len(repeats)})
    elif blocked:
        message = Message(N_("%(tag)s : %(count)s effacement(s) enregistré(s), encore "
                             "bloquant : %(blocking)s"),
                          {"tag": name, "count": len(records), "blocking": " ; ".join(blocked)})
    else:
        message = Message(N_("%(tag)s : %(count)s effacement(s) enregistré(s), supports en "
                             "règle."), {"tag": name, "count": len(records)})
    return records, message
