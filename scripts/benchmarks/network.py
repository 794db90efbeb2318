"""A network of workshops: builds W workshops × N devices (default 100 × 10,000) with the
scale benchmark's builder, each row given to a workshop as it is written (bulk COPY /
executemany, no row moved afterwards), then times every network page and every workshop
page, and a transfer of 20 devices between two workshops.

Run: scripts/bench network --database-url 'postgresql+psycopg://refurb@/bench_network?host=/run/postgresql'
         (100 × 10,000 = 1M devices, ~10M events: the issue's size; on SQLite: long)
     scripts/bench network --reuse --database-url …   (measure again, no build)
     .venv/bin/python scripts/benchmarks/network.py --workshops 100 --devices-per-workshop 1000
         [--database-url postgresql+psycopg://refurb@/bench_network?host=/run/postgresql]
         [--events-per-device 10] [--repeat 10] [--sample-workshops 3]

Data: scripts/benchmarks/scale.py `build` (donors, collections, ~10 events per device,
drives, reservations and hand-overs with fees, WEEE batches, training attendance), its rows
spread over the workshops: a device, its drives and events to workshop 1 + id mod W;
beneficiaries, their reservations, hand-overs, enrolments and attendance by beneficiary;
collections, WEEE batches (with their items) and sessions by their own id. A PostgreSQL
database given with --database-url is emptied (schema dropped) first, unless --reuse.

Bulk load on PostgreSQL: COPY with triggers and foreign-key checks off for the load
(session_replication_role = replica: the generator writes consistent rows) and the secondary
indexes of the big tables dropped, then created again once; the device stays (written by a
trigger per event otherwise) filled in one set-based statement, as the migration does; the
tallies rebuilt at the end by the real command (`flask reports rebuild-aggregates` with
REFURB_WORKSHOP=network), after the transfer.

Measures (median, p95, SQL statements): the network figures page and its CSV (network admin,
all workshops), the same for one workshop's admin, the transfer list and a 20-device note;
per sampled workshop: devices dashboard, device list, device page (a transferred device,
with its history at both workshops), scan, staff dashboard (reports). The figures must not
issue more statements with more workshops (one grouped query per figure).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "scripts" / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import scale  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

YEAR = 2025


class NetworkLoader(scale.Loader):
    """The scale Loader, giving each row its workshop as it is buffered."""

    workshops = 1

    def __init__(self, db):
        super().__init__(db)
        self.owner: dict[tuple[str, int], int] = {}

    def _of(self, n: int | None) -> int:
        return 1 + (n or 0) % self.workshops

    def add(self, table, row: dict) -> None:
        if "workshop_id" in table.c and "workshop_id" not in row:
            row = dict(row, workshop_id=self._workshop(table.name, row))
        super().add(table, row)

    def _workshop(self, name: str, row: dict) -> int:
        if name in ("drives", "device_events"):
            return self._of(row["device_id"])
        if name in ("reservations", "allocations", "enrolments", "attendance"):
            workshop = self._of(row["beneficiary_id"])
            self.owner[(name, row["id"])] = workshop
            return workshop
        if name == "reservation_items":
            return self.owner[("reservations", row["reservation_id"])]
        if name == "waste_items":
            return self.owner[("weee_batches", row["batch_id"])]
        workshop = self._of(row.get("id"))
        self.owner[(name, row.get("id"))] = workshop
        return workshop


BIG_TABLES = ("device_events", "devices", "drives", "device_stays")


def _secondary_indexes(db) -> list[tuple[str, str]]:
    """(name, definition) of the big tables' indexes that no constraint owns."""
    return [tuple(row) for row in db.session.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
        "AND i.tablename = ANY(:tables) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname) ORDER BY i.indexname"), {"tables": list(BIG_TABLES)})]


def _stays_backfill(db) -> None:
    import importlib.util

    path = ROOT / "migrations/versions/0026_tallies_per_workshop.py"
    spec = importlib.util.spec_from_file_location("tallies_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    db.session.execute(text(migration.STAYS_BACKFILL.format(
        seconds=migration.POSTGRES_SECONDS)))


def _bulk_build(workshops: int, per_workshop: int, events_per_device: int,
                rng: random.Random) -> dict:
    """scale.build, loaded the fast way on PostgreSQL (see the module's docstring); its own
    tallies rebuild is left to the command, run once everything is written."""
    from refurb.extensions import db
    from refurb.reports import tallies

    postgres = db.session.get_bind().dialect.name == "postgresql"
    indexes: list[tuple[str, str]] = []
    timings: dict[str, float] = {}
    if postgres:
        indexes = _secondary_indexes(db)
        for name, _definition in indexes:
            db.session.execute(text(f"DROP INDEX {name}"))
        db.session.execute(text("SET session_replication_role = replica"))
        db.session.commit()
    rebuild = tallies.rebuild
    tallies.rebuild = lambda *_args, **_kwargs: {}
    started = time.perf_counter()
    try:
        info = scale.build(workshops * per_workshop, events_per_device, rng)
    finally:
        tallies.rebuild = rebuild
    timings["rows written (COPY)"] = time.perf_counter() - started
    if postgres:
        started = time.perf_counter()
        db.session.execute(text("SET session_replication_role = DEFAULT"))
        db.session.execute(text("SET maintenance_work_mem = '1GB'"))
        db.session.execute(text("SET work_mem = '256MB'"))
        _stays_backfill(db)
        timings["device stays (one statement)"] = time.perf_counter() - started
        started = time.perf_counter()
        for _name, definition in indexes:
            db.session.execute(text(definition))
        db.session.commit()
        timings[f"{len(indexes)} indexes created"] = time.perf_counter() - started
    else:
        # SQLite: the stays trigger ran for every event; nothing to catch up.
        db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    info["build_s"] = timings
    return info


def rebuild_with_command(app) -> tuple[float, str]:
    """The tallies of every workshop, by `flask reports rebuild-aggregates` itself."""
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["reports", "rebuild-aggregates"],
                                          env={"REFURB_WORKSHOP": "network"})
    if result.exit_code != 0:
        raise SystemExit(f"rebuild-aggregates failed: {result.output}")
    return time.perf_counter() - started, result.output.strip()


def build(workshops: int, per_workshop: int, events_per_device: int, rng: random.Random
          ) -> dict:
    from refurb.accounts.services import create_user
    from refurb.extensions import db
    from refurb.network import transfers
    from refurb.workshops.context import use_workshop
    from refurb.workshops.memberships import add_member
    from refurb.workshops.models import Workshop

    for n in range(2, workshops + 1):
        db.session.add(Workshop(id=n, code=f"W{n:03d}", name=f"Atelier {n:03d}",
                                label_prefix=f"W{n:03d}", created_at=scale.NOW))
    db.session.flush()
    NetworkLoader.workshops = workshops
    scale.Loader = NetworkLoader
    info = _bulk_build(workshops, per_workshop, events_per_device, rng)
    network_admin = create_user(email="network@bench.example", password="bench-password-1",
                                role="admin", display_name="Network", now=scale.NOW)
    network_admin.network_admin = True
    sampled = sorted({1, 2, workshops} | set(rng.sample(range(1, workshops + 1),
                                                      min(workshops, 3))))
    admins = {}
    for workshop_id in sampled:
        user = create_user(email=f"admin{workshop_id}@bench.example",
                           password="bench-password-1", role="admin",
                           display_name=f"Admin {workshop_id}", now=scale.NOW,
                           workshop_id=workshop_id)
        admins[workshop_id] = user.id
    db.session.flush()
    # One real transfer of 20 devices from workshop 1 to workshop 2, through the services.
    with use_workshop(1):
        from refurb.devices.models import Device

        tags = list(db.session.scalars(
            select(Device.asset_tag).where(Device.state.in_(("received", "diagnosis",
                                                              "ready")))
            .order_by(Device.id).limit(20)))
        started = time.perf_counter()
        note = transfers.sign_out(tags, 2, note="", actor_id=admins[1], now=scale.NOW)
        signed = time.perf_counter() - started
    add_member(db.session.get(type(network_admin), admins[2]), "admin", 2, now=scale.NOW)
    with use_workshop(2):
        started = time.perf_counter()
        transfers.receive(note, {}, actor_id=admins[2], now=scale.NOW)
        received = time.perf_counter() - started
    db.session.commit()
    info.update(network_admin=network_admin.id, admins=admins, note=note.id,
                moved=note.items[0].device_id, workshops=workshops,
                transfer_ms={"sign out (20 devices)": signed * 1000,
                             "reception (20 devices)": received * 1000})
    return info


def pages(app, info: dict) -> list[tuple[str, object, str]]:
    network = scale._signed_in(app, info["network_admin"])
    result = [
        ("network figures (all workshops)", network, f"/network/figures?year={YEAR}"),
        ("network figures CSV", network, f"/network/figures.csv?year={YEAR}"),
    ]
    sample = info["sample"]
    for workshop_id, user_id in sorted(info["admins"].items()):
        admin = scale._signed_in(app, user_id)
        mine = [s for s in sample if 1 + s[0] % info["workshops"] == workshop_id]
        device = mine[0] if mine else sample[0]
        result += [
            (f"W{workshop_id}: network figures (own)", admin, f"/network/figures?year={YEAR}"),
            (f"W{workshop_id}: devices dashboard", admin, "/"),
            (f"W{workshop_id}: device list", admin, "/devices"),
            (f"W{workshop_id}: device page", admin, f"/devices/{device[0]}"),
            (f"W{workshop_id}: scan (answers a redirect)", admin, f"/scan?q={device[1]}"),
            (f"W{workshop_id}: reports dashboard", admin, f"/reports/?year={YEAR}"),
            (f"W{workshop_id}: transfers", admin, "/network/transfers"),
        ]
        if workshop_id in (1, 2):
            result.append((f"W{workshop_id}: transfer note (20 devices)", admin,
                           f"/network/transfers/{info['note']}"))
        if workshop_id == 2:
            result.append(("W2: transferred device page (history at W1 and W2)", admin,
                           f"/devices/{info['moved']}"))
    return result


def measure(app, info: dict, repeat: int, rng: random.Random) -> dict[str, dict]:
    from refurb.extensions import db

    with app.app_context():
        engine = db.engine
    runs = []
    for name, client, url in pages(app, info):
        scale._get(client, url)  # warm-up
        runs += [(name, client, url)] * repeat
    rng.shuffle(runs)
    samples: dict[str, dict] = {}
    for name, client, url in runs:
        with scale.counting(engine) as statements:
            started = time.perf_counter()
            status = scale._get(client, url)
            elapsed = (time.perf_counter() - started) * 1000
        entry = samples.setdefault(name, {"ms": [], "queries": [], "status": set()})
        entry["ms"].append(elapsed)
        entry["queries"].append(statements[0])
        entry["status"].add(status)
    order = [name for name, _c, _u in pages(app, info)]
    return {name: {"median": statistics.median(e["ms"]),
                   "p95": sorted(e["ms"])[math.ceil(0.95 * len(e["ms"])) - 1],
                   "queries": statistics.median(e["queries"]), "status": sorted(e["status"])}
            for name, e in sorted(samples.items(), key=lambda item: order.index(item[0]))}


def info_from(db, workshops: int | None, rng: random.Random) -> dict:
    """What the measures need, from a database an earlier run built (--reuse)."""
    from refurb.accounts.models import User
    from refurb.devices.models import Device
    from refurb.network.models import TransferItem, TransferNote
    from refurb.workshops.context import network_wide
    from refurb.workshops.models import Workshop

    with network_wide():
        users = dict(db.session.execute(select(User.email, User.id)
                                        .where(User.email.like("%@bench.example"))).all())
        count = workshops or db.session.scalar(select(func.count()).select_from(Workshop))
        note = db.session.scalar(select(func.max(TransferNote.id)))
        moved = db.session.scalar(select(func.min(TransferItem.device_id))
                                  .where(TransferItem.transfer_id == note))
        top = db.session.scalar(select(func.max(Device.id)))
        admins = {int(email[5:].split("@")[0]): user_id for email, user_id in users.items()
                  if email.startswith("admin") and email[5:].split("@")[0].isdigit()}
        # A device of each sampled workshop among them (device n is workshop 1 + n mod W's).
        ids = rng.sample(range(1, top + 1), min(400, top)) + [
            count * 7 + (w - 1 or count) for w in admins]
        sample = list(db.session.execute(select(Device.id, Device.asset_tag, Device.serial)
                                          .where(Device.id.in_(ids))).all())
    return {"network_admin": users["network@bench.example"], "admins": admins, "note": note,
            "moved": moved, "workshops": count, "sample": sample, "counts": {"devices": top},
            "transfer_ms": {}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=100)
    parser.add_argument("--devices-per-workshop", type=int, default=10_000)
    parser.add_argument("--events-per-device", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database an earlier run built (PostgreSQL)")
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    args = parser.parse_args(argv)
    rng = random.Random(scale.SEED)
    import os
    import tempfile

    from refurb import create_app
    from refurb.extensions import db

    with tempfile.TemporaryDirectory(prefix="refurb-network-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'network.db'}"
        if args.reuse and url.startswith("sqlite"):
            parser.error("--reuse needs the --database-url of a database built before")
        scale._prepare(url, reuse=args.reuse)
        app = create_app(scale._config(url))
        with app.app_context():
            if args.reuse:
                info = info_from(db, None, rng)
                print(f"reused: {info['workshops']} workshops, "
                      f"{info['counts']['devices']:,} devices ({url.split('://')[0]})")
            else:
                started = time.perf_counter()
                info = build(args.workshops, args.devices_per_workshop,
                             args.events_per_device, rng)
                db.session.remove()
                rebuilt, output = rebuild_with_command(app)
                built = time.perf_counter() - started
                db.session.execute(text("ANALYZE"))
                db.session.commit()
                from refurb.workshops.context import network_wide

                with network_wide():
                    from refurb.devices.models import Device

                    per = dict(db.session.execute(
                        select(Device.workshop_id, func.count()).group_by(Device.workshop_id)
                        .order_by(Device.workshop_id).limit(3)).all())
                print(f"{args.workshops} workshops × {args.devices_per_workshop:,} devices built "
                      f"in {built:.0f} s ({url.split('://')[0]}): " + ", ".join(
                          f"{v:,} {k}" for k, v in info["counts"].items())
                      + f"; devices of workshops 1-3: {per}")
                for step, seconds in info["build_s"].items():
                    print(f"  {step:<50} {seconds:8.0f} s")
                print(f"  {'flask reports rebuild-aggregates (network)':<50} {rebuilt:8.0f} s"
                      f"  [{output.splitlines()[-1]}]")
            db.session.remove()
        for name, ms in info["transfer_ms"].items():
            print(f"{name:<52} {ms:8.1f}ms")
        if not args.build_only:
            results = measure(app, info, args.repeat, rng)
            print(f"\n{'page':<52} {'median':>8} {'p95':>8} {'queries':>7}  status")
            for name, r in results.items():
                print(f"{name:<52} {r['median']:7.1f}ms {r['p95']:7.1f}ms "
                      f"{r['queries']:7.0f}  {r['status']}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        scale._close(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
