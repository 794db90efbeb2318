"""The only way to create a device or change its state. Every change writes its event."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Exists, bindparam, insert, select

from refurb.concurrency import flush_or_conflict
from refurb.core.asset_tags import counter_name, format_tag
from refurb.core.device_types import DeviceType, estimated_weight
from refurb.core.errors import IllegalTransition, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, DeviceFacts, Option, State, check_transition
from refurb.core.lifecycle import next_states as core_next_states
from refurb.counters import take_numbers
from refurb.database import DriverStatement, insert_rows
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.extension_points import StateChange, fact_providers, state_listeners
from refurb.extensions import db

# Later domains (wiping, workshop) add the facts their guards need without this module
# importing them: each provider returns DeviceFacts fields to fill for one device.
FactsProvider = Callable[[Device], dict[str, Any]]
FACT_PROVIDERS = fact_providers  # tests swap this name for a fixed set of providers



def gather_facts(device: Device, reason: str = "") -> DeviceFacts:
    facts = DeviceFacts(state=State(device.state), reason=reason)
    for provider in FACT_PROVIDERS:
        facts = replace(facts, **provider(device))
    return facts


_held_changes: ContextVar[list[StateChange] | None] = ContextVar("held_state_changes",
                                                                 default=None)


def _announce(changes: list[StateChange]) -> None:
    """Tell later domains (report tallies) in this transaction: the one place every new
    device and every change of state goes through, single or bulk."""
    held = _held_changes.get()
    if held is not None:
        held.extend(changes)
        return
    if changes:
        for listener in state_listeners:
            listener(changes)


@contextmanager
def announcing_at_end() -> Iterator[None]:
    """A long bulk write tells the listeners of its changes once, when the block ends: the
    tally rows every change of state updates stay locked from then to the commit only, not
    for the whole write (on PostgreSQL other writers would wait for them meanwhile)."""
    held: list[StateChange] = []
    token = _held_changes.set(held)
    try:
        yield
    finally:
        _held_changes.reset(token)
    _announce(held)


def _change(device: Device, from_state: str | None, to_state: str, now: datetime) -> StateChange:
    return StateChange(device.id, device.collection_id, device.device_type, device.weight_kg,
                       from_state, to_state, now)


def next_states(device: Device) -> list[Option]:
    return core_next_states(gather_facts(device))


def allocate_tags(prefix: str, year: int, count: int) -> list[str]:
    return [format_tag(prefix, year, n) for n in take_numbers(counter_name(prefix, year), count)]


@dataclass(frozen=True)
class NewDevice:
    device_type: str
    make: str = ""
    model: str = ""
    serial: str | None = None
    legal_status: str = "reuse"
    weight_kg: Decimal | None = None
    condition_notes: str = ""
    cpu: str = ""
    ram_mib: int | None = None
    ram_slots_used: int | None = None
    chassis: str = ""
    donor_inventory_number: str | None = None  # the donor's own number for this machine
    screen_inches: Decimal | None = None


def _check(values: NewDevice) -> None:
    try:
        DeviceType(values.device_type)
    except ValueError:
        raise InvalidInput(N_("Type d'appareil inconnu : %(type)s"),
                           type=values.device_type) from None
    if values.legal_status not in {"reuse", "waste"}:
        raise InvalidInput(N_("Statut : « réemploi » ou « déchet »."))
    if values.screen_inches is not None and not 0 < values.screen_inches < 100:
        raise InvalidInput(N_("Écran : indiquez sa diagonale en pouces (ex. 15,6)."))


def _device_columns(
    values: NewDevice, *, asset_tag: str, now: datetime, collection_id: int | None,
    weight_overrides: dict[str, Decimal] | None,
) -> dict[str, Any]:
    """One place for what a new device row holds, for the single and the bulk paths."""
    measured = values.weight_kg is not None
    return {
        "asset_tag": asset_tag,
        "device_type": values.device_type,
        "make": values.make.strip(),
        "model": values.model.strip(),
        "serial": (values.serial or "").strip() or None,
        "donor_inventory_number": (values.donor_inventory_number or "").strip() or None,
        "legal_status": values.legal_status,
        "weight_kg": values.weight_kg if measured
        else estimated_weight(values.device_type, weight_overrides),
        "weight_estimated": not measured,
        "condition_notes": values.condition_notes,
        "cpu": values.cpu,
        "ram_mib": values.ram_mib,
        "ram_slots_used": values.ram_slots_used,
        "screen_inches": values.screen_inches,
        "chassis": values.chassis,
        "collection_id": collection_id,
        "state": State.RECEIVED.value,
        "created_at": now,
        "updated_at": now,
    }


def _received_event(
    values: NewDevice, *, actor_id: int | None, now: datetime, collection_number: str | None,
    extra_details: dict[str, Any] | None,
) -> dict[str, Any]:
    details: dict[str, Any] = {"legal_status": values.legal_status}
    if collection_number:
        details["collection"] = collection_number
    details.update(extra_details or {})
    return {"kind": "transition", "from_state": None, "to_state": State.RECEIVED.value,
            "actor_id": actor_id, "occurred_at": now, "reason": "", "details": details}


def create_device(
    values: NewDevice,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    collection_id: int | None = None,
    collection_number: str | None = None,
    asset_tag: str | None = None,
    weight_overrides: dict[str, Decimal] | None = None,
    extra_details: dict[str, Any] | None = None,
    drives: Sequence[Drive] = (),
) -> Device:
    """A new device, its `received` event and the storage drives read with it (a hardware
    report), written in one flush."""
    _check(values)
    device = Device(**_device_columns(
        values, asset_tag=asset_tag or allocate_tags(prefix, now.year, 1)[0], now=now,
        collection_id=collection_id, weight_overrides=weight_overrides))
    db.session.add(device)
    db.session.add(DeviceEvent(device=device, **_received_event(
        values, actor_id=actor_id, now=now, collection_number=collection_number,
        extra_details=extra_details)))
    for drive in drives:
        drive.device = device  # the device is new: its list of drives starts empty, unread
        db.session.add(drive)
    db.session.flush()
    _announce([_change(device, None, device.state, now)])
    return device


@dataclass(frozen=True)
class DeviceRows:
    """A new device's rows, built before the write (no database read): the device (its tag
    still to take), its `received` event, its drives (the device id still to fill)."""

    device: dict[str, Any]
    event: dict[str, Any]
    drives: list[dict[str, Any]]


@dataclass(frozen=True)
class WrittenDevice:
    id: int
    asset_tag: str
    drives: list[Any]  # rows of DRIVE_COLUMNS, in no particular order


# What the caller of write_device_rows gets back of each drive (no row read again).
DRIVE_COLUMNS = ("id", "model", "serial", "capacity_bytes", "kind", "power_on_hours",
                 "smart_passed")
# Run under SQLite's write lock at every machine registered (refurb.database.DriverStatement).
_INSERT_DEVICE = DriverStatement(insert(Device.__table__).returning(Device.__table__.c.id))
_INSERT_EVENT = DriverStatement(insert(DeviceEvent.__table__))


def device_rows(
    values: NewDevice,
    *,
    actor_id: int | None,
    now: datetime,
    collection_id: int | None = None,
    collection_number: str | None = None,
    weight_overrides: dict[str, Decimal] | None = None,
    extra_details: dict[str, Any] | None = None,
    drives: Sequence[dict[str, Any]] = (),
) -> DeviceRows:
    """The rows create_device would write, as plain values: built and checked before a
    writer takes SQLite's write lock, written by write_device_rows under it. `drives` are
    Drive column values (model, serial, capacity_bytes, kind, power_on_hours, smart_passed,
    created_at)."""
    _check(values)
    return DeviceRows(
        device=_device_columns(values, asset_tag="", now=now, collection_id=collection_id,
                               weight_overrides=weight_overrides) | {"version": 1},
        event=_received_event(values, actor_id=actor_id, now=now,
                              collection_number=collection_number,
                              extra_details=extra_details),
        drives=[dict(drive) for drive in drives],
    )


def write_device_rows(rows: DeviceRows, *, prefix: str, asset_tag: str | None = None,
                      unless: Exists | None = None, unless_values: dict[str, Any] | None = None
                      ) -> WrittenDevice | None:
    """create_device's rows (device, `received` event, drives) and announcement, written
    without the ORM's unit of work: a tag, then one INSERT per table, nothing read back.

    `unless`: a rule the very INSERT of the device checks (an EXISTS over bound parameters
    named apart from the device's columns, given in `unless_values`): when it holds, nothing
    is written and None is returned; the caller refuses, and its rollback takes back the tag
    number taken."""
    device = rows.device
    tag = asset_tag or allocate_tags(prefix, device["created_at"].year, 1)[0]
    values = device | {"asset_tag": tag}
    if unless is None:
        device_id = _INSERT_DEVICE.scalar(values)
    else:
        device_id = _insert_device_unless(tuple(values), unless).scalar(
            values | (unless_values or {}))
        if device_id is None:
            return None
    _INSERT_EVENT.rows(rows.event | {"device_id": device_id})
    drives = insert_rows(Drive.__table__, [d | {"device_id": device_id} for d in rows.drives],
                         returning=DRIVE_COLUMNS, hot=True)
    _announce([StateChange(device_id, device["collection_id"], device["device_type"],
                           device["weight_kg"], None, device["state"], device["created_at"])])
    return WrittenDevice(device_id, tag, drives)


_GUARDED_INSERTS: dict[tuple, DriverStatement] = {}


def _insert_device_unless(names: tuple[str, ...], unless: Exists) -> DriverStatement:
    """INSERT INTO devices (…) SELECT :values WHERE NOT (unless) RETURNING id, built once per
    rule (the rule is a module's constant)."""
    key = (names, id(unless))
    statement = _GUARDED_INSERTS.get(key)
    if statement is None:
        table = Device.__table__
        statement = DriverStatement(insert(table).from_select(names, select(
            *(bindparam(name, type_=table.c[name].type) for name in names)).where(~unless)
        ).returning(table.c.id))
        _GUARDED_INSERTS[key] = statement
    return statement


def create_devices_bulk(
    items: Sequence[tuple[NewDevice, dict[str, Any]]],
    *,
    asset_tags: Sequence[str],
    actor_id: int | None,
    now: datetime,
    collection_id: int | None = None,
    collection_number: str | None = None,
    weight_overrides: dict[str, Decimal] | None = None,
) -> dict[str, int]:
    """Large imports: the same rows and `received` events as create_device, in two
    multi-row INSERTs. Each item is (values, extra event details). Returns {asset_tag: id}."""
    for values, _extra in items:
        _check(values)
    rows = [
        _device_columns(values, asset_tag=tag, now=now, collection_id=collection_id,
                        weight_overrides=weight_overrides) | {"version": 1}
        for (values, _extra), tag in zip(items, asset_tags, strict=True)
    ]
    # RETURNING in any order (batched); asking for parameter order goes row by row on SQLite.
    ids = dict(insert_rows(Device.__table__, rows, returning=("asset_tag", "id")))
    events = [
        _received_event(values, actor_id=actor_id, now=now, collection_number=collection_number,
                        extra_details=extra) | {"device_id": ids[row["asset_tag"]]}
        for (values, extra), row in zip(items, rows, strict=True)
    ]
    insert_rows(DeviceEvent.__table__, events)
    _announce([StateChange(ids[row["asset_tag"]], collection_id, row["device_type"],
                           row["weight_kg"], None, row["state"], now) for row in rows])
    return ids


def transition(
    device: Device,
    target: State | str,
    *,
    actor_id: int | None,
    now: datetime,
    reason: str = "",
    details: dict[str, Any] | None = None,
    facts: DeviceFacts | None = None,
) -> DeviceEvent:
    """Check the table and every guard, then change the state and write the event."""
    facts = facts or gather_facts(device, reason)
    verdict = check_transition(target, facts)
    if not verdict.allowed:
        raise IllegalTransition(N_("%(tag)s : changement d'état refusé."),
                                reasons=list(verdict.reasons), tag=device.asset_tag)
    target = State(target)
    change = _change(device, device.state, target.value, now)
    event = DeviceEvent(
        device=device,
        kind="transition",
        from_state=device.state,
        to_state=target.value,
        actor_id=actor_id,
        occurred_at=now,
        reason=reason.strip(),
        details=details or {},
    )
    device.state = target.value
    device.updated_at = now
    db.session.add(event)
    flush_or_conflict(Message(
        N_("%(tag)s vient d'être modifié par quelqu'un d'autre : rechargez la page."),
        {"tag": device.asset_tag}))
    _announce([change])
    return event


def record_event(
    device: Device,
    kind: str,
    *,
    actor_id: int | None,
    now: datetime,
    details: dict[str, Any] | None = None,
    reason: str = "",
) -> DeviceEvent:
    """A fact about the device that does not change its state (label printed, wipe, note)."""
    event = DeviceEvent(
        device=device,
        kind=kind,
        from_state=device.state,
        to_state=device.state,
        actor_id=actor_id,
        occurred_at=now,
        reason=reason,
        details=details or {},
    )
    db.session.add(event)
    db.session.flush()
    return event


def state_label(state: str) -> str:
    return STATE_LABELS[State(state)]
