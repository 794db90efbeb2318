"""Read side of label printing: the devices and drives a print job is about."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.intake.models import Collection


def tag_sort_key(tag: str) -> tuple:
    """Numeric order of tags (RF-2026-000999 before RF-2026-1000000), unknown shapes last."""
    parsed = parse_tag(tag)
    if parsed is None:
        return (1, tag)
    return (0, parsed.prefix, parsed.year, parsed.number)


def list_collection_devices(collection_id: int) -> list[Device]:
    """Every device of a collection, in tag order (their drives come with them)."""
    devices = db.session.scalars(select(Device).where(Device.collection_id == collection_id))
    return sorted(devices, key=lambda d: tag_sort_key(d.asset_tag))


def get_collection_number(collection_id: int | None) -> str | None:
    if collection_id is None:
        return None
    return db.session.scalar(select(Collection.number).where(Collection.id == collection_id))


def list_tagged_drives(device_id: int) -> list[Drive]:
    """Drives of a host that got their own tag (taken out to travel on their own)."""
    return sorted(
        db.session.scalars(
            select(Drive).where(Drive.device_id == device_id, Drive.asset_tag.is_not(None))
        ),
        key=lambda d: tag_sort_key(d.asset_tag or ""),
    )


def get_drives_by_tags(tags: Iterable[str]) -> dict[str, Drive]:
    """{tag: drive} for the tags that belong to a drive, hosts loaded in the same round trip."""
    wanted = {normalise_scan(t) for t in tags}
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(Drive).options(selectinload(Drive.device)).where(Drive.asset_tag.in_(wanted))
    )
    return {d.asset_tag: d for d in rows if d.asset_tag}


def get_devices_by_tags(tags: Iterable[str]) -> dict[str, Device]:
    wanted = {normalise_scan(t) for t in tags}
    if not wanted:
        return {}
    rows = db.session.scalars(select(Device).where(Device.asset_tag.in_(wanted)))
    return {d.asset_tag: d for d in rows}


def get_collection_numbers(collection_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in collection_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Collection.id, Collection.number).where(Collection.id.in_(ids)))
    return {cid: number for cid, number in rows}
