"""The ready stock against the files' needs: how many ready machines fit each file on the
waiting list, and which ones (the stock page filtered for one file).

The stock is read once, counted by profile (type, memory, webcam): a page of files costs one
query whatever its length, and the rule itself is `refurb.core.needs.fits`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, select

from refurb.core.lifecycle import State
from refurb.core.needs import ANY_COMPUTER, Machine, Needs, acceptable_types, count_fitting
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.workshop.models import QACheck, QAResult, QARun

WEBCAM_CHECK = "webcam"


def _has_webcam():
    """True when the device's last quality control passed the webcam check."""
    last_run = (select(func.max(QARun.id)).where(QARun.device_id == Device.id)
                .correlate(Device).scalar_subquery())
    return exists().where(QAResult.run_id == last_run, QAResult.passed.is_(True),
                          QAResult.check_id == QACheck.id, QACheck.code == WEBCAM_CHECK)


def ready_profiles() -> list[tuple[Machine, int]]:
    """The ready computers counted by (type, memory, webcam): one query."""
    machines = (select(Device.device_type, Device.ram_mib, _has_webcam().label("webcam"))
                .where(Device.state == State.READY.value,
                       Device.device_type.in_(sorted(ANY_COMPUTER)))
                .subquery())
    rows = db.session.execute(
        select(machines.c.device_type, machines.c.ram_mib, machines.c.webcam, func.count())
        .group_by(machines.c.device_type, machines.c.ram_mib, machines.c.webcam))
    return [(Machine(device_type, ram_mib, bool(webcam)), count)
            for device_type, ram_mib, webcam, count in rows]


@dataclass(frozen=True)
class Fit:
    count: int
    noted: bool  # the file says what it needs (otherwise any computer counts)


def fitting_counts(files: Iterable) -> dict[int, Fit]:
    """File id → the ready machines fitting its needs, for any number of files in one query."""
    files = list(files)
    if not files:
        return {}
    stock = ready_profiles()
    return {f.id: Fit(count_fitting(f.needs, stock), f.needs.noted) for f in files}


def fitting_stock_query(needs: Needs) -> Select:
    """The ready machines that fit: the same three facts as `fits`, in SQL."""
    conditions = [Device.state == State.READY.value,
                  Device.device_type.in_(sorted(acceptable_types(needs)))]
    if needs.min_ram_mib:
        conditions.append(Device.ram_mib >= needs.min_ram_mib)
    if needs.webcam:
        conditions.append(_has_webcam())
    return select(Device).where(and_(*conditions)).order_by(Device.device_type, Device.id)
