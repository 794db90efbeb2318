"""Build profiles: the workshop's standard configurations ("Pack famille"), kept by admins;
refurb.core.profiles says whether a machine meets one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.profiles import OPERATING_SYSTEMS
from refurb.extensions import db
from refurb.workshop.models import BuildProfile


@dataclass(frozen=True)
class ProfileValues:
    name: str
    description: str = ""
    device_types: tuple[str, ...] = ()
    min_ram_mib: int | None = None
    min_storage_gb: int | None = None
    storage_kinds: tuple[str, ...] = ()
    os_names: tuple[str, ...] = ()
    software: tuple[str, ...] = ()
    active: bool = True


def _check(profile: BuildProfile | None, values: ProfileValues) -> str:
    name = values.name.strip()
    if not name:
        raise InvalidInput(N_("Donnez un nom à la configuration (ex. « Pack famille »)."))
    for kind in values.device_types:
        try:
            DeviceType(kind)
        except ValueError:
            raise InvalidInput(N_("Type d'appareil inconnu : %(kind)s"), kind=kind) from None
    if any(o not in OPERATING_SYSTEMS for o in values.os_names):
        raise InvalidInput(N_("Système d'exploitation inconnu."))
    if (values.min_ram_mib or 0) < 0 or (values.min_storage_gb or 0) < 0:
        raise InvalidInput(N_("Les minimums ne peuvent pas être négatifs."))
    clash = db.session.scalar(select(BuildProfile.id).where(
        BuildProfile.name == name, BuildProfile.id != (profile.id if profile else -1)))
    if clash:
        raise InvalidInput(N_("Une configuration s'appelle déjà « %(name)s »."), name=name)
    return name


def save_profile(profile: BuildProfile | None, values: ProfileValues, *,
                 now: datetime) -> BuildProfile:
    """Create (profile None) or change a build profile."""
    name = _check(profile, values)
    if profile is None:
        profile = BuildProfile(created_at=now)
        db.session.add(profile)
    profile.name, profile.description = name, values.description.strip()
    profile.device_types = sorted(set(values.device_types))
    profile.min_ram_mib = values.min_ram_mib or None
    profile.min_storage_gb = values.min_storage_gb or None
    profile.storage_kinds = sorted(set(values.storage_kinds))
    profile.os_names = sorted(set(values.os_names))
    profile.software = list(dict.fromkeys(s.strip() for s in values.software if s.strip()))
    profile.active = values.active
    profile.updated_at = now
    db.session.flush()
    return profile
