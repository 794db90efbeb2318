"""Tallies that do not grow with the stock: devices by state and type (whole workshop, each
donor, each collection), transitions per day, and who received each donor's machines.

`record_state_changes` is a state listener (refurb.extension_points.state_listeners, wired in
refurb.wiring): the devices service calls it in the transaction that writes each event, for
single and bulk writes alike, so the tallies move with the events or not at all. Each call
adds its deltas with one multi-row upsert per table, rows in key order (two transactions that
touch the same rows lock them in the same order).

The stays per year and month (`stay_hours`, the lead times' histograms) and the people served
per year and month (`served_spans`) are kept by database triggers on `device_stays` and
`allocations` instead, like the stays themselves.

`rebuild()` recomputes every tally from the events and records (invariant 6): the command
`flask reports rebuild-aggregates`, after a bulk load that bypassed the service, and the tests
that compare both ways.

Every row is one workshop's (refurb.reports.models): the listener writes the current
workshop's; a transfer moves the devices' "now" tallies from the sender to the receiver
(`move_devices`, called by refurb.network.custody); `rebuild` groups by workshop, for one
workshop or the whole network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    text,
    true,
)

from refurb.allocations.models import Allocation, Reservation, ReservationItem
from refurb.beneficiaries.models import Beneficiary
from refurb.core.lifecycle import State
from refurb.database import DriverStatement
from refurb.devices.models import Device, DeviceEvent
from refurb.extension_points import StateChange
from refurb.extensions import db
from refurb.intake.models import Collection
from refurb.reports.models import (
    DepartureDay,
    DeviceStay,
    DeviceTally,
    DonorRecipient,
    Reentry,
    ServedSpan,
    StayHours,
    TransitionDay,
    WeeeBatchCategory,
)
from refurb.weee.models import WasteItem, WeeeBatch
from refurb.workshops.context import network_wide, require_workshop_id

ALL, DONOR, COLLECTION = "all", "donor", "collection"
DISPOSED = State.DISPOSED.value
ALLOCATED = State.ALLOCATED.value
WAYS_OUT = (State.ALLOCATED.value, State.DISPOSED.value)  # the reuse figures' "devices left"


def grams(kg: Decimal | float | int | None) -> int:
    return int((Decimal(str(kg or 0)) * 1000).to_integral_value(ROUND_HALF_UP))


def kg(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 1000).quantize(Decimal("0.001"))


# --- kept in step -------------------------------------------------------------------------


def record_state_changes(changes: list[StateChange]) -> None:
    workshop_id = require_workshop_id()
    donors = _donors_of({c.collection_id for c in changes if c.collection_id is not None})
    waste = _waste_grams({c.device_id for c in changes if DISPOSED in (c.from_state, c.to_state)})
    tallies: dict[tuple[str, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    days: dict[tuple, int] = defaultdict(int)
    for change in changes:
        scopes = _scopes(change.collection_id, donors)
        own = grams(change.weight_kg)
        for state, sign in ((change.from_state, -1), (change.to_state, 1)):
            if state is None:
                continue
            weight = waste.get(change.device_id, own) if state == DISPOSED else own
            for scope, scope_id in scopes:
                row = tallies[(scope, scope_id, state, change.device_type)]
                row[0] += sign
                row[1] += sign * weight
        days[(change.occurred_at.date(), change.to_state)] += 1
    _add_devices(workshop_id, tallies)
    _add(TransitionDay, ("workshop_id", "day", "state"), ("transitions",),
         [{"workshop_id": workshop_id, "day": d, "state": st, "transitions": n}
          for (d, st), n in days.items()])
    handed = [c for c in changes if c.to_state == ALLOCATED and c.collection_id is not None]
    if handed:
        _record_recipients(workshop_id, handed, donors)
    leaving = [c for c in changes if c.to_state in WAYS_OUT]
    if leaving:
        _record_departures(workshop_id, leaving)


def _scopes(collection_id: int | None, donors: dict[int, int]) -> list[tuple[str, int]]:
    if collection_id is None:
        return [(ALL, 0)]
    return [(ALL, 0), (DONOR, donors[collection_id]), (COLLECTION, collection_id)]


def _add_devices(workshop_id: int, tallies: dict[tuple[str, int, str, str], list[int]]) -> None:
    _add(DeviceTally, ("workshop_id", "scope", "scope_id", "state", "device_type"),
         ("devices", "grams"),
         [{"workshop_id": workshop_id, "scope": s, "scope_id": i, "state": st,
           "device_type": t, "devices": n, "grams": g}
          for (s, i, st, t), (n, g) in tallies.items() if n or g])


def move_devices(device_ids: list[int], *, from_workshop_id: int, to_workshop_id: int) -> None:
    """Devices handed from one workshop to another (a transfer received): their "now"
    tallies leave the sender's and join the receiver's, at their current state. (Events and
    their day tallies stay where they happened.) Called before the devices move."""
    if not device_ids:
        return
    with network_wide():
        rows = db.session.execute(
            select(Device.id, Device.collection_id, Device.device_type, Device.weight_kg,
                   Device.state)
            .where(Device.id.in_(device_ids), Device.workshop_id == from_workshop_id)).all()
        donors = _donors_of({r.collection_id for r in rows if r.collection_id is not None})
        waste = _waste_grams({r.id for r in rows if r.state == DISPOSED})
        moved: dict[tuple[str, int, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            own = grams(row.weight_kg)
            weight = waste.get(row.id, own) if row.state == DISPOSED else own
            for scope, scope_id in _scopes(row.collection_id, donors):
                entry = moved[(scope, scope_id, row.state, row.device_type)]
                entry[0] += 1
                entry[1] += weight
        _add_devices(from_workshop_id, {k: [-n, -g] for k, (n, g) in moved.items()})
        _add_devices(to_workshop_id, moved)


def _record_departures(workshop_id: int, changes: list[StateChange]) -> None:
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for change in changes:
        row = days[(change.occurred_at.date(), change.to_state, change.device_type)]
        row[0] += 1
        row[1] += grams(change.weight_kg)
        _chain_entry(change)
    _add(DepartureDay, ("workshop_id", "day", "state", "device_type"), ("devices", "grams"),
         [{"workshop_id": workshop_id, "day": d, "state": s, "device_type": t, "devices": n,
           "grams": g} for (d, s, t), (n, g) in days.items()])


def _chain_entry(change: StateChange) -> None:
    """Link this entry into the device's entries of the same way out at this workshop (the
    events are read in its scope), by time: it is a re-entry when one came before, and the
    one after it (a backdated event) now follows it."""
    entries = (select(DeviceEvent.occurred_at)
               .where(DeviceEvent.device_id == change.device_id,
                      DeviceEvent.to_state == change.to_state,
                      DeviceEvent.kind == "transition"))
    moment = change.occurred_at
    before, after = db.session.execute(select(
        entries.where(DeviceEvent.occurred_at < moment)
        .order_by(DeviceEvent.occurred_at.desc()).limit(1).scalar_subquery(),
        entries.where(DeviceEvent.occurred_at > moment)
        .order_by(DeviceEvent.occurred_at).limit(1).scalar_subquery())).one()
    weight = grams(change.weight_kg)
    if before is not None:
        db.session.add(Reentry(device_id=change.device_id, state=change.to_state,
                               entered_at=moment, device_type=change.device_type,
                               grams=weight, day=moment.date(), previous_day=before.date()))
    if after is not None:
        following = db.session.get(Reentry, (change.device_id, change.to_state, after))
        if following is None:
            db.session.add(Reentry(device_id=change.device_id, state=change.to_state,
                                   entered_at=after, device_type=change.device_type,
                                   grams=weight, day=after.date(), previous_day=moment.date()))
        else:
            following.previous_day = moment.date()
    db.session.flush()


def _donors_of(collection_ids: set[int]) -> dict[int, int]:
    """Each collection's donor, whichever workshop took it in (a transferred device keeps its
    collection): from the collections this transaction already loaded (a device registered
    into one has just read it), the others in one query."""
    donors: dict[int, int] = {}
    mapper = inspect(Collection)
    for collection_id in collection_ids:
        loaded = db.session.identity_map.get(mapper.identity_key_from_primary_key(
            (collection_id,)))
        donor_id = inspect(loaded).dict.get("donor_id") if loaded is not None else None
        if donor_id is not None:
            donors[collection_id] = donor_id
    missing = collection_ids - donors.keys()
    if missing:
        with network_wide():
            donors.update(db.session.execute(
                select(Collection.id, Collection.donor_id)
                .where(Collection.id.in_(missing))).all())
    return donors


def _waste_grams(device_ids: set[int]) -> dict[int, int]:
    """Weight stated for each device in WEEE batches: what the portal counts as recycled."""
    if not device_ids:
        return {}
    rows = db.session.execute(
        select(WasteItem.device_id, WasteItem.weight_kg)
        .where(WasteItem.device_id.in_(device_ids)))
    found: dict[int, int] = defaultdict(int)
    for device_id, weight in rows:
        found[device_id] += grams(weight)
    return dict(found)


def _record_recipients(workshop_id: int, handed: list[StateChange],
                       donors: dict[int, int]) -> None:
    """A device handed over goes to the beneficiary holding it (its one live reservation)."""
    holder = dict(db.session.execute(
        select(ReservationItem.device_id, Reservation.beneficiary_id)
        .join(Reservation, Reservation.id == ReservationItem.reservation_id)
        .where(ReservationItem.device_id.in_({c.device_id for c in handed}),
               ReservationItem.active.is_(True))).all())
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for change in handed:
        if change.device_id in holder:
            counts[(donors[change.collection_id], holder[change.device_id])] += 1
    _add(DonorRecipient, ("workshop_id", "donor_id", "beneficiary_id"), ("devices",),
         [{"workshop_id": workshop_id, "donor_id": d, "beneficiary_id": b, "devices": n}
          for (d, b), n in counts.items()])


def _add(model, keys: tuple[str, ...], sums: tuple[str, ...], rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n, in key order."""
    if not rows:
        return
    rows.sort(key=lambda row: tuple(row[k] for k in keys))
    _upsert(model.__table__, keys, sums).run_many(rows)


@cache
def _upsert(table, keys: tuple[str, ...], sums: tuple[str, ...]) -> DriverStatement:
    """The upsert of one row, the same SQL on SQLite and PostgreSQL, run once per row
    (executemany): written out once, where building a multi-row statement with the
    expression language at every device registered cost more than running it."""
    columns = (*keys, *sums)
    return DriverStatement(text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + name for name in columns)}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
        + ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in sums)
    ).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns)))


# --- read ---------------------------------------------------------------------------------


def counts(scope: str, scope_id: int = 0, states: Iterable[str] | None = None
           ) -> list[tuple[str, str, int, int]]:
    """(state, type, devices, grams) of one scope, rows with devices only."""
    query = select(DeviceTally.state, DeviceTally.device_type, DeviceTally.devices,
                   DeviceTally.grams).where(DeviceTally.scope == scope,
                                            DeviceTally.scope_id == scope_id,
                                            DeviceTally.devices != 0)
    if states is not None:
        query = query.where(DeviceTally.state.in_(list(states)))
    return [(s, t, int(n), int(g)) for s, t, n, g in db.session.execute(query)]


def stock_counts() -> list[tuple[str, str, int]]:
    """The whole stock by state and type (a stock_tallies source)."""
    return [(state, kind, n) for state, kind, n, _g in counts(ALL)]


def collection_state_counts(collection_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids = list(collection_ids)
    if ids:
        for collection_id, state, n in db.session.execute(
            select(DeviceTally.scope_id, DeviceTally.state, DeviceTally.devices)
            .where(DeviceTally.scope == COLLECTION, DeviceTally.scope_id.in_(ids),
                   DeviceTally.devices != 0)
        ):
            found[collection_id][state] += int(n)
    return found


def recipients_query(donor_id: int):
    """Beneficiary ids who received one of the donor's machines (a subquery)."""
    return select(DonorRecipient.beneficiary_id).where(DonorRecipient.donor_id == donor_id)


def recipients_by_kind(donor_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Beneficiary.kind, func.count())
        .join(DonorRecipient, DonorRecipient.beneficiary_id == Beneficiary.id)
        .where(DonorRecipient.donor_id == donor_id)
        .group_by(Beneficiary.kind))
    return {kind: int(n) for kind, n in rows}


# --- rebuilt from the events --------------------------------------------------------------


def handed_over_items() -> Select:
    """(device_id, beneficiary_id, workshop_id) of every device handed over: the reservation's items that
    were still held at the handover (not released before it)."""
    return (
        select(ReservationItem.device_id.label("device_id"),
               Allocation.beneficiary_id.label("beneficiary_id"),
               Allocation.workshop_id.label("workshop_id"))
        .join(Allocation, Allocation.reservation_id == ReservationItem.reservation_id)
        .where(or_(ReservationItem.released_at.is_(None),
                   ReservationItem.released_at >= Allocation.handed_over_at))
    )


def _current_devices():
    """Each device with its workshop, its state from its latest transition event and its
    tally weight."""
    latest = (
        select(DeviceEvent.device_id.label("device_id"), func.max(DeviceEvent.id).label("id"))
        .where(DeviceEvent.kind == "transition")
        .group_by(DeviceEvent.device_id)
        .subquery()
    )
    waste = (
        select(WasteItem.device_id.label("device_id"),
               func.sum(cast(func.round(WasteItem.weight_kg * 1000), BigInteger)).label("grams"))
        .where(WasteItem.device_id.is_not(None))
        .group_by(WasteItem.device_id)
        .subquery()
    )
    own = cast(func.round(func.coalesce(Device.weight_kg, 0) * 1000), BigInteger)
    weight = case((and_(DeviceEvent.to_state == DISPOSED, waste.c.grams.is_not(None)),
                   waste.c.grams), else_=own)
    return (
        select(Device.workshop_id.label("workshop_id"), Device.id.label("device_id"),
               Device.collection_id.label("collection_id"),
               Collection.donor_id.label("donor_id"), Device.device_type.label("device_type"),
               DeviceEvent.to_state.label("state"), weight.label("grams"))
        .join(latest, latest.c.device_id == Device.id)
        .join(DeviceEvent, DeviceEvent.id == latest.c.id)
        .outerjoin(Collection, Collection.id == Device.collection_id)
        .outerjoin(waste, waste.c.device_id == Device.id)
        .subquery()
    )


def rebuild(workshop_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Empty the tallies and recompute them from the events and records, grouped by
    workshop: those of `workshop_ids`, or of every workshop (None). Returns row counts.

    The statements name the workshops themselves (INSERT … SELECT is not scoped by the ORM),
    and run network-wide (row-level security lets them write to several workshops)."""
    wanted = None if workshop_ids is None else list(workshop_ids)

    def mine(column):
        return true() if wanted is None else column.in_(wanted)

    with network_wide():
        for model in TALLIES:
            db.session.execute(delete(model.__table__).where(mine(model.__table__.c.workshop_id)))
        now = _current_devices()
        table = DeviceTally.__table__
        columns = ["workshop_id", "scope", "scope_id", "state", "device_type", "devices",
                   "grams"]
        for scope, key in ((ALL, None), (DONOR, now.c.donor_id),
                           (COLLECTION, now.c.collection_id)):
            scope_id = cast(0, Integer) if key is None else key
            query = (select(now.c.workshop_id, literal(scope, type_=DeviceTally.scope.type),
                            scope_id, now.c.state, now.c.device_type, func.count(),
                            func.sum(now.c.grams))
                     .where(mine(now.c.workshop_id)))
            if key is not None:
                query = query.where(key.is_not(None))
            query = query.group_by(now.c.workshop_id, *([] if key is None else [key]),
                                   now.c.state, now.c.device_type)
            db.session.execute(insert(table).from_select(columns, query))
        day = func.date(DeviceEvent.occurred_at)
        db.session.execute(insert(TransitionDay.__table__).from_select(
            ["workshop_id", "day", "state", "transitions"],
            select(DeviceEvent.workshop_id, day, DeviceEvent.to_state, func.count())
            .where(DeviceEvent.kind == "transition", mine(DeviceEvent.workshop_id))
            .group_by(DeviceEvent.workshop_id, day, DeviceEvent.to_state)))
        items = handed_over_items().where(mine(Allocation.workshop_id)).subquery()
        db.session.execute(insert(DonorRecipient.__table__).from_select(
            ["workshop_id", "donor_id", "beneficiary_id", "devices"],
            select(items.c.workshop_id, Collection.donor_id, items.c.beneficiary_id,
                   func.count())
            .select_from(items)
            .join(Device, Device.id == items.c.device_id)
            .join(Collection, Collection.id == Device.collection_id)
            .group_by(items.c.workshop_id, Collection.donor_id, items.c.beneficiary_id)))
        _rebuild_departures(mine)
        _rebuild_stay_hours(mine)
        _rebuild_served(mine)
        _rebuild_batch_categories(mine)
        db.session.flush()
        return {model.__tablename__: int(db.session.scalar(
            select(func.count()).select_from(model.__table__)
            .where(mine(model.__table__.c.workshop_id)))) for model in TALLIES}


def _rebuild_departures(mine) -> None:
    own = cast(func.round(func.coalesce(Device.weight_kg, 0) * 1000), BigInteger)
    day = func.date(DeviceEvent.occurred_at)
    ways_out = and_(DeviceEvent.kind == "transition", DeviceEvent.to_state.in_(WAYS_OUT),
                    mine(DeviceEvent.workshop_id))
    db.session.execute(insert(DepartureDay.__table__).from_select(
        ["workshop_id", "day", "state", "device_type", "devices", "grams"],
        select(DeviceEvent.workshop_id, day, DeviceEvent.to_state, Device.device_type,
               func.count(), func.sum(own))
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(ways_out)
        .group_by(DeviceEvent.workshop_id, day, DeviceEvent.to_state, Device.device_type)))
    # A re-entry follows an earlier entry at the same workshop.
    previous = func.lag(DeviceEvent.occurred_at).over(
        partition_by=(DeviceEvent.workshop_id, DeviceEvent.device_id, DeviceEvent.to_state),
        order_by=(DeviceEvent.occurred_at, DeviceEvent.id))
    entries = (select(DeviceEvent.workshop_id.label("workshop_id"),
                      DeviceEvent.device_id.label("device_id"),
                      DeviceEvent.to_state.label("state"),
                      DeviceEvent.occurred_at.label("entered_at"),
                      previous.label("previous_at"))
               .where(ways_out).subquery())
    db.session.execute(insert(Reentry.__table__).from_select(
        ["workshop_id", "device_id", "state", "entered_at", "device_type", "grams", "day",
         "previous_day"],
        select(entries.c.workshop_id, entries.c.device_id, entries.c.state,
               entries.c.entered_at, Device.device_type, own, func.date(entries.c.entered_at),
               func.date(entries.c.previous_at))
        .join(Device, Device.id == entries.c.device_id)
        .where(entries.c.previous_at.is_not(None))))


def _rebuild_stay_hours(mine) -> None:
    """Stays by year and month of their end, state and hours, from the stays (which the
    stays trigger writes from the events)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for span, unit, pattern in (("y", "year", "%Y-01-01"), ("m", "month", "%Y-%m-01")):
        starts = (cast(func.date_trunc(unit, DeviceStay.left_at), Date) if postgres
                  else func.strftime(pattern, DeviceStay.left_at))
        db.session.execute(insert(StayHours.__table__).from_select(
            ["workshop_id", "span", "starts_on", "state", "hours", "stays"],
            select(DeviceStay.workshop_id, literal(span, type_=StayHours.span.type), starts,
                   DeviceStay.state, DeviceStay.hours, func.count())
            .where(mine(DeviceStay.workshop_id))
            .group_by(DeviceStay.workshop_id, starts, DeviceStay.state, DeviceStay.hours)))


def _rebuild_served(mine) -> None:
    """Each person handed a machine in each year and month, from the hand-overs."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for span, unit, pattern in (("y", "year", "%Y-01-01"), ("m", "month", "%Y-%m-01")):
        starts = (cast(func.date_trunc(unit, Allocation.handed_over_at), Date) if postgres
                  else func.strftime(pattern, Allocation.handed_over_at))
        db.session.execute(insert(ServedSpan.__table__).from_select(
            ["workshop_id", "span", "starts_on", "beneficiary_id"],
            select(Allocation.workshop_id, literal(span, type_=ServedSpan.span.type), starts,
                   Allocation.beneficiary_id)
            .where(mine(Allocation.workshop_id)).distinct()))


def _rebuild_batch_categories(mine) -> None:
    """Each closed WEEE batch's items by category, from the items."""
    db.session.execute(insert(WeeeBatchCategory.__table__).from_select(
        ["workshop_id", "batch_id", "category", "items", "quantity", "weight_kg"],
        select(WeeeBatch.workshop_id, WeeeBatch.id, WasteItem.category, func.count(),
               func.sum(WasteItem.quantity), func.sum(WasteItem.weight_kg))
        .join(WeeeBatch, WeeeBatch.id == WasteItem.batch_id)
        .where(WeeeBatch.state == "closed", mine(WeeeBatch.workshop_id))
        .group_by(WeeeBatch.workshop_id, WeeeBatch.id, WasteItem.category)))


TALLIES = (DeviceTally, TransitionDay, DonorRecipient, DepartureDay, Reentry, StayHours,
           ServedSpan, WeeeBatchCategory)


def snapshot() -> dict[str, set[tuple]]:
    """Every tally of the current scope as sets of rows, each with its workshop (rows that
    add up to nothing left out): to compare."""
    return {
        "devices": {tuple(r) for r in db.session.execute(
            select(DeviceTally.workshop_id, DeviceTally.scope, DeviceTally.scope_id,
                   DeviceTally.state, DeviceTally.device_type, DeviceTally.devices,
                   DeviceTally.grams)
            .where((DeviceTally.devices != 0) | (DeviceTally.grams != 0)))},
        "days": {(w, str(d)[:10], s, int(n)) for w, d, s, n in db.session.execute(
            select(TransitionDay.workshop_id, TransitionDay.day, TransitionDay.state,
                   TransitionDay.transitions))},
        "recipients": {tuple(r) for r in db.session.execute(
            select(DonorRecipient.workshop_id, DonorRecipient.donor_id,
                   DonorRecipient.beneficiary_id, DonorRecipient.devices))},
        "departures": {(w, str(d)[:10], s, t, int(n), int(g))
                       for w, d, s, t, n, g in db.session.execute(
            select(DepartureDay.workshop_id, DepartureDay.day, DepartureDay.state,
                   DepartureDay.device_type, DepartureDay.devices, DepartureDay.grams)
            .where((DepartureDay.devices != 0) | (DepartureDay.grams != 0)))},
        "stay_hours": {(w, span, str(d)[:10], s, int(h), int(n))
                       for w, span, d, s, h, n in db.session.execute(
            select(StayHours.workshop_id, StayHours.span, StayHours.starts_on, StayHours.state,
                   StayHours.hours, StayHours.stays).where(StayHours.stays != 0))},
        "weee": {(w, b, int(c), int(n), int(q), str(Decimal(kg).quantize(Decimal("0.01"))))
                 for w, b, c, n, q, kg in db.session.execute(
            select(WeeeBatchCategory.workshop_id, WeeeBatchCategory.batch_id,
                   WeeeBatchCategory.category, WeeeBatchCategory.items,
                   WeeeBatchCategory.quantity, WeeeBatchCategory.weight_kg))},
        "served": {(w, span, str(d)[:10], b) for w, span, d, b in db.session.execute(
            select(ServedSpan.workshop_id, ServedSpan.span, ServedSpan.starts_on,
                   ServedSpan.beneficiary_id))},
        "reentries": {(w, i, s, str(e)[:19], t, int(g), str(d)[:10], str(p)[:10])
                      for w, i, s, e, t, g, d, p in db.session.execute(
            select(Reentry.workshop_id, Reentry.device_id, Reentry.state, Reentry.entered_at,
                   Reentry.device_type, Reentry.grams, Reentry.day, Reentry.previous_day))},
    }
