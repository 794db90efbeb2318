"""The report and portal tallies move with the events: after a seeded random run of lifecycle
changes through the real services (single and bulk creations, manual steps, reservations and
hand-overs, returns, WEEE batches, refused and rolled-back changes), they equal a rebuild from
the events and records, and the figures the pages read equal a count of the devices."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from refurb.allocations import handover as allocation_handover
from refurb.allocations import loans, reservations
from refurb.core.errors import DomainError
from refurb.core.lifecycle import FLOW_ONLY_TARGETS, TRANSITIONS, DeviceFacts, State
from refurb.devices import queries as device_queries
from refurb.devices import services as devices
from refurb.devices.models import Device, DeviceEvent
from refurb.intake.models import Collection
from refurb.portal import queries as portal
from refurb.reports import queries as reports
from refurb.reports import tallies
from refurb.reports.models import Reentry
from refurb.reports.queries import Period
from refurb.weee import batches as weee_batches
from refurb.weee import closing as weee_closing
from refurb.workshops.services import label_prefix
from tests.allocations.helpers import WORKSHOP, approved_file, gift_values
from tests.beneficiaries.helpers import set_policy
from tests.factories import make_collection, make_device, make_donor
from tests.weee.helpers import configure_site, handover, make_carrier, make_operator

START = datetime(2026, 3, 3, 8, 0)
TYPES = ("laptop", "desktop", "monitor")


FORWARD = {State.RECEIVED: State.DIAGNOSIS, State.DIAGNOSIS: State.WIPING,
           State.WIPING: State.READY, State.REPAIR: State.READY, State.RETURNED: State.DIAGNOSIS}


def _manual_step(device: Device, rng: random.Random, now: datetime) -> None:
    """Mostly along the usual path to `ready`, sometimes any other manual step."""
    targets = sorted(t for t in TRANSITIONS[State(device.state)] if t not in FLOW_ONLY_TARGETS)
    forward = FORWARD.get(State(device.state))
    if forward is not None and rng.random() < 0.7:
        targets = [forward]
    if targets:
        # Clean facts: the guards' own rules are tested elsewhere; here every step counts.
        devices.transition(device, rng.choice(targets), actor_id=None, now=now, reason="essai",
                           facts=DeviceFacts(state=State(device.state), reason="essai"))


def _random_history(db, seed: int, partners: tuple | None = None) -> dict:
    rng = random.Random(seed)
    set_policy(min_training_sessions=0, now=START - timedelta(days=1))
    donors = [make_donor(f"Donateur {seed}-{i}") for i in range(2)]
    collections = [make_collection(donors[0]), make_collection(donors[0]),
                   make_collection(donors[1])]
    # One machine per approved file (a served file is not approved again here): a new file
    # for each hand-over, households and schools.
    kinds = iter(["household", "school"] * 50)
    pool: list[Device] = []
    for n in range(8):
        collection = rng.choice([*collections, None])
        pool.append(make_device(rng.choice(TYPES), collection=collection,
                                now=START + timedelta(hours=n), weight_kg=Decimal(
                                    rng.choice(("2.35", "9", "4.10")))))
    bulk = devices.create_devices_bulk(
        [(devices.NewDevice(device_type=rng.choice(TYPES)), {}) for _ in range(6)],
        asset_tags=devices.allocate_tags(label_prefix(), 2026, 6), actor_id=None, now=START,
        collection_id=collections[2].id, collection_number=collections[2].number)
    pool += [db.session.get(Device, i) for i in bulk.values()]

    moment = START + timedelta(days=1)
    handed: list = []
    for _step in range(220):
        moment += timedelta(hours=rng.randint(1, 12))
        device = rng.choice(pool)
        try:
            if device.state == State.READY and rng.random() < 0.6:
                kind = next(kinds)
                person = approved_file(kind, now=START, **(
                    {"organisation_name": "École des Tilleuls"} if kind == "school" else {}))
                reservation = reservations.reserve(person, [device], actor_id=None, now=moment)
                allocation, _doc = allocation_handover.hand_over(
                    reservation, gift_values(), actor_id=None, now=moment,
                    workshop=WORKSHOP, signed_for_workshop="Atelier")
                handed.append(allocation)
            elif device.state == State.ALLOCATED and handed and rng.random() < 0.6:
                allocation = next(a for a in handed
                                  if any(i.device_id == device.id and i.active
                                         for i in a.reservation.items))
                loans.return_devices(allocation, [device.id], actor_id=None, now=moment)
            elif rng.random() < 0.05:
                with db.session.begin_nested():  # a change undone: the tallies go back too
                    _manual_step(device, rng, moment)
                    raise DomainError("annulé")
            else:
                _manual_step(device, rng, moment)
        except DomainError as refused:
            if str(refused) != "annulé":
                raise
    waiting = [d for d in pool if d.state == State.TO_DISPOSE]
    if waiting:
        configure_site()
        operator, carrier = partners or (make_operator(), make_carrier())
        batch = weee_batches.open_batch(container="pallet", actor_id=None, now=moment)
        for device in waiting:
            # The weight stated in the batch, not the device's own, counts as recycled.
            weee_batches.add_device(batch, device, actor_id=None, now=moment,
                                    weight_kg=rng.choice(("1,5", "12", None)))
        moment += timedelta(days=1)
        weee_closing.close_batch(batch, handover(operator, [carrier],
                                                 handover_date=moment.date()),
                                 actor_id=None, now=moment)
    db.session.commit()
    reentries = db.session.scalar(select(func.count()).select_from(Reentry))
    return {"donors": donors, "collections": collections, "end": moment, "reentries": reentries}


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_tallies_equal_a_rebuild_from_the_events(db, seed):
    scene = _random_history(db, seed)
    kept = tallies.snapshot()
    assert kept["devices"] and kept["days"]

    tallies.rebuild()
    rebuilt = tallies.snapshot()
    db.session.rollback()
    assert kept == rebuilt

    # The figures the pages read are those of the devices themselves.
    by_state = Counter(dict(db.session.execute(
        select(Device.state, func.count()).group_by(Device.state)).all()))
    stock = Counter()
    for state, _kind, n in reports.stock_by_state_and_type():
        stock[state] += n
    assert stock == by_state
    # The devices dashboard and the list's page count read the same tallies.
    assert Counter(device_queries.count_by_state()) == by_state
    for state in by_state:
        assert device_queries.count_devices(state, "laptop") == db.session.scalar(
            select(func.count()).select_from(Device)
            .where(Device.state == state, Device.device_type == "laptop"))
    for donor in scene["donors"]:
        counted = Counter(dict(db.session.execute(
            select(Device.state, func.count())
            .join(Collection, Collection.id == Device.collection_id)
            .where(Collection.donor_id == donor.id).group_by(Device.state)).all()))
        assert Counter(portal.donor_state_counts(donor.id)) == counted
    period = Period(START.date(), scene["end"].date())
    totals = reports.transition_totals(period)
    assert totals[State.RECEIVED] == db.session.scalar(select(func.count()).select_from(Device))
    # Devices that left, each once per way out, in periods cutting through the history.
    for days in (0, 3, 9, 20, 40):
        cut = Period(START.date() + timedelta(days=days), scene["end"].date()
                     - timedelta(days=days // 2))
        assert _left(reports.devices_left(cut)) == _left_from_events(db, cut), days
    assert scene["reentries"]  # some devices were handed over, returned and handed over again


def test_each_workshop_keeps_its_own_tallies_equal_to_a_rebuild(db):
    """Two workshops with different histories and a transfer between them: each workshop's
    tallies equal a rebuild of that workshop alone, the network's a rebuild of all; the
    figures a workshop reads are counts of its own devices and events only."""
    from refurb.network import transfers
    from refurb.workshops.context import network_wide, use_workshop
    from refurb.workshops.services import create_workshop

    b = create_workshop("B2", "Atelier Bêta", "RB", now=START).id
    with network_wide():  # the network's treatment operator, for both workshops
        partners = (make_operator(), make_carrier())
    db.session.commit()
    with use_workshop(1):
        _random_history(db, 7, partners)
    with use_workshop(b):
        scene_b = _random_history(db, 2026, partners)
    with use_workshop(1):
        tags = list(db.session.scalars(
            select(Device.asset_tag).where(Device.state.in_(("received", "diagnosis", "ready")))
            .order_by(Device.id).limit(3)))
        assert tags
        note = transfers.sign_out(tags, b, note="", actor_id=None, now=scene_b["end"])
    with use_workshop(b):
        transfers.receive(note, {}, actor_id=None, now=scene_b["end"])
    db.session.commit()

    with network_wide():
        kept = tallies.snapshot()
        assert {row[0] for row in kept["devices"]} == {1, b}
        tallies.rebuild()
        assert tallies.snapshot() == kept
        db.session.rollback()
    for workshop_id in (1, b):
        with use_workshop(workshop_id):
            own = tallies.snapshot()
            assert own == {name: {row for row in rows if row[0] == workshop_id}
                           for name, rows in kept.items()}
            tallies.rebuild([workshop_id])
            assert tallies.snapshot() == own
        with network_wide():
            assert tallies.snapshot() == kept  # the other workshop's rows untouched
        db.session.rollback()

    for workshop_id in (1, b):
        with use_workshop(workshop_id):
            with network_wide():
                by_state = Counter(dict(db.session.execute(
                    select(Device.state, func.count()).where(Device.workshop_id == workshop_id)
                    .group_by(Device.state)).all()))
                received = db.session.scalar(
                    select(func.count()).select_from(DeviceEvent)
                    .where(DeviceEvent.workshop_id == workshop_id,
                           DeviceEvent.kind == "transition", DeviceEvent.to_state == "received"))
            stock = Counter()
            for state, _kind, n in reports.stock_by_state_and_type():
                stock[state] += n
            assert stock == by_state
            period = Period(START.date(), scene_b["end"].date())
            assert reports.transition_totals(period)[State.RECEIVED] == received
            with network_wide():
                expected = _left_from_events(db, period, workshop_id)
            assert _left(reports.devices_left(period)) == expected


def _left(rows) -> dict:
    return {(r.state, r.device_type): (r.devices, r.kg) for r in rows}


def _left_from_events(db, period: Period, workshop_id: int | None = None) -> dict:
    """The definition: distinct devices with a transition into allocated/disposed in the
    period, by way and type, with their own weight."""
    moves = (select(DeviceEvent.to_state.label("to_state"),
                    DeviceEvent.device_id.label("device_id"))
             .where(DeviceEvent.kind == "transition",
                    DeviceEvent.to_state.in_(["allocated", "disposed"]),
                    DeviceEvent.occurred_at >= period.begin,
                    DeviceEvent.occurred_at < period.finish,
                    *([] if workshop_id is None else [DeviceEvent.workshop_id == workshop_id]))
             .distinct().subquery())
    rows = db.session.execute(
        select(moves.c.to_state, Device.device_type, func.count(), func.sum(Device.weight_kg))
        .join(Device, Device.id == moves.c.device_id)
        .group_by(moves.c.to_state, Device.device_type))
    return {(s, t): (int(n), Decimal(kg or 0).quantize(Decimal("0.01"))) for s, t, n, kg in rows}


def test_rebuild_command_reports_up_to_date_tallies(app, db):
    make_device(collection=make_collection())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild-aggregates"])
    assert result.exit_code == 0, result.output
    assert "déjà à jour" in result.output


def test_migration_builds_tallies_and_search_from_existing_rows(db, app, engine_name):
    """The back-fill of the tallies (0011_scale's, grouped by workshop since 0026_tallies_per_workshop), run on
    a database that already has a history, gives the same tallies as the listener did, and
    0011_scale's search index holds the existing devices. (Later migrations cannot be undone —
    workshops are not merged back — so the back-fill's own statements are run again on
    emptied tallies.)"""
    import importlib.util
    from pathlib import Path

    from sqlalchemy import text

    path = Path(__file__).parents[2] / "migrations/versions/0018_scale_search_and_tallies.py"
    spec = importlib.util.spec_from_file_location("scale_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)

    _random_history(db, 3)
    kept = tallies.snapshot()
    serial = db.session.scalar(select(Device.serial).order_by(Device.id).limit(1))
    for table in ("device_tallies", "transition_days", "donor_recipients", "departure_days",
                  "departure_reentries"):
        db.session.execute(text(f"DELETE FROM {table}"))
    if engine_name == "sqlite":
        db.session.execute(text("INSERT INTO devices_search (devices_search) VALUES "
                                "('delete-all')"))
        db.session.execute(text(f"INSERT INTO devices_search (rowid, body) SELECT id, "
                                f"{migration.search_text()} FROM devices"))
    assert tallies.snapshot() != kept
    path = Path(__file__).parents[2] / "migrations/versions/0026_tallies_per_workshop.py"
    spec = importlib.util.spec_from_file_location("tallies_migration", path)
    per_workshop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(per_workshop)
    for statement in per_workshop.TALLY_BACKFILL:
        db.session.execute(text(statement))
    db.session.commit()
    assert tallies.snapshot() == kept
    assert serial in {d.serial for d in device_queries.search_devices(serial[2:], 1, 50).items}
