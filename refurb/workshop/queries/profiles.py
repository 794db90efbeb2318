"""Build profiles: the stored ones, as the pure rules see them, and their SQL mirror."""

from __future__ import annotations

from sqlalchemy import exists, select

from refurb.core.profiles import (
    GB,
    DriveFacts,
    MachineFacts,
    Profile,
    ProfileMatch,
    match_profiles,
    software_key,
)
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.workshop.models import BuildProfile, SoftwareInstall
from refurb.workshop.queries.software import latest_install_ids
from refurb.workshops import config_cache


def list_profiles(include_inactive: bool = True) -> list[BuildProfile]:
    query = select(BuildProfile).order_by(BuildProfile.name)
    if not include_inactive:
        query = query.where(BuildProfile.active)
    return list(db.session.scalars(query))


def to_core_profile(profile: BuildProfile) -> Profile:
    return Profile(
        name=profile.name,
        device_types=frozenset(profile.device_types or ()),
        min_ram_mib=profile.min_ram_mib,
        min_storage_gb=profile.min_storage_gb,
        storage_kinds=frozenset(profile.storage_kinds or ()),
        os_names=frozenset(profile.os_names or ()),
        software=tuple(profile.software or ()),
        key=profile.id,
    )


def active_core_profiles() -> list[Profile]:
    """Kept per worker until a profile changes (refurb.workshops.config_cache)."""
    return list(config_cache.cached("build_profiles", None, lambda: [
        to_core_profile(p) for p in list_profiles(include_inactive=False)]))


def machine_facts(device: Device, install: SoftwareInstall | None) -> MachineFacts:
    return MachineFacts(
        device_type=device.device_type,
        ram_mib=device.ram_mib,
        drives=tuple(DriveFacts(d.kind, d.capacity_bytes) for d in device.drives),
        os=install.os_name if install else None,
        software=tuple(install.software) if install else (),
    )


def profile_matches(device: Device, install: SoftwareInstall | None) -> list[ProfileMatch]:
    """The active profiles against a device running `install` (its latest, or None)."""
    return match_profiles(active_core_profiles(), machine_facts(device, install))


def profile_conditions(profile: BuildProfile) -> list:
    """The SQL mirror of refurb.core.profiles.match_profile (a test keeps both in step)."""
    conditions = []
    if profile.device_types:
        conditions.append(Device.device_type.in_(profile.device_types))
    if profile.min_ram_mib:
        conditions.append(Device.ram_mib >= profile.min_ram_mib)
    if profile.storage_kinds or profile.min_storage_gb:
        drive = [Drive.device_id == Device.id]
        if profile.storage_kinds:
            drive.append(Drive.kind.in_(profile.storage_kinds))
        if profile.min_storage_gb:
            drive.append(Drive.capacity_bytes >= profile.min_storage_gb * GB)
        conditions.append(exists().where(*drive))
    if profile.os_names or profile.software:
        install = [SoftwareInstall.device_id == Device.id,
                   SoftwareInstall.id.in_(latest_install_ids())]
        if profile.os_names:
            install.append(SoftwareInstall.os_name.in_(profile.os_names))
        for name in profile.software:
            install.append(SoftwareInstall.software_keys.contains(f"|{software_key(name)}|",
                                                                  autoescape=True))
        conditions.append(exists().where(*install))
    return conditions
