"""Software installs: the system and software put on a machine, and the refurbisher licence
key (Windows), shown masked; revealing it is written in the device's history."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from refurb.core.errors import DomainError, InvalidInput, NotFound
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.profiles import LICENCE_KEY_OS, OPERATING_SYSTEMS, software_key
from refurb.core.workshop import REPAIRABLE, state_name
from refurb.devices.models import Device
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.workshop.models import SoftwareInstall

LICENCE_KEY_RE = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$")


def normalise_licence_key(text: str | None) -> str | None:
    key = (text or "").strip().upper().replace(" ", "")
    if not key:
        return None
    if len(key) == 25 and "-" not in key:
        key = "-".join(key[i:i + 5] for i in range(0, 25, 5))
    if not LICENCE_KEY_RE.match(key):
        raise InvalidInput(N_("Clé de licence : 25 caractères en 5 groupes (XXXXX-XXXXX-…)."))
    return key


def record_software(
    device: Device,
    *,
    os_name: str,
    os_version: str = "",
    office: str = "",
    other_software: str = "",
    licence_key: str | None = None,
    actor_id: int | None,
    now: datetime,
) -> SoftwareInstall:
    if os_name not in OPERATING_SYSTEMS:
        raise InvalidInput(N_("Choisissez le système installé."))
    if State(device.state) not in REPAIRABLE:
        raise DomainError(N_("%(tag)s : installation impossible dans l'état « %(state)s »."),
                          tag=device.asset_tag, state=state_name(device.state))
    key = normalise_licence_key(licence_key)
    if os_name in LICENCE_KEY_OS and key is None:
        raise InvalidInput(N_("Windows : saisissez la clé de licence reconditionneur."))
    others = [s.strip() for s in (other_software or "").replace(";", ",").split(",")
              if s.strip()]
    install = SoftwareInstall(
        device_id=device.id, os_name=os_name, os_version=(os_version or "").strip(),
        office=(office or "").strip(), other_software=", ".join(others),
        licence_key=key, actor_id=actor_id, created_at=now,
    )
    install.software_keys = "|" + "".join(f"{software_key(s)}|" for s in install.software)
    db.session.add(install)
    db.session.flush()
    details: dict[str, Any] = {
        "software_install_id": install.id,
        "os": f"{OPERATING_SYSTEMS[os_name]} {install.os_version}".strip(),
    }
    if install.software:
        details["software"] = install.software
    if key:
        details["licence_key"] = "enregistrée"  # never the key itself: history is widely read
    record_event(device, "software_installed", actor_id=actor_id, now=now, details=details)
    return install


def reveal_licence_key(install: SoftwareInstall, *, actor_id: int | None,
                       now: datetime) -> str:
    """Return the key, and leave in the device's history who asked for it and when."""
    if not install.licence_key:
        raise NotFound(N_("Aucune clé de licence n'est enregistrée pour cette installation."))
    device = db.session.get(Device, install.device_id)
    record_event(device, "licence_key_revealed", actor_id=actor_id, now=now,
                 details={"software_install_id": install.id})
    return install.licence_key
