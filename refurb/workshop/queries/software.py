"""Software installs: the latest per device is what the machine runs."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from refurb.extensions import db
from refurb.workshop.models import SoftwareInstall


def latest_install_ids() -> Select:
    return select(func.max(SoftwareInstall.id)).group_by(SoftwareInstall.device_id)


def latest_software(device_id: int) -> SoftwareInstall | None:
    return db.session.scalar(
        select(SoftwareInstall).where(SoftwareInstall.device_id == device_id)
        .order_by(SoftwareInstall.id.desc()).limit(1)
    )


def latest_software_by_device(device_ids: Iterable[int]) -> dict[int, SoftwareInstall]:
    wanted = set(device_ids)
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(SoftwareInstall).where(
            SoftwareInstall.id.in_(latest_install_ids().where(
                SoftwareInstall.device_id.in_(wanted)))))
    return {row.device_id: row for row in rows}


def software_history(device_id: int) -> list[SoftwareInstall]:
    return list(db.session.scalars(
        select(SoftwareInstall).where(SoftwareInstall.device_id == device_id)
        .order_by(SoftwareInstall.id.desc())))
