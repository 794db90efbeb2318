"""A network of workshops: builds W workshops × N devices (default 100 × 10,000) with the
scale benchmark's builder, each row given to a workshop as it is written (bulk COPY /
executemany, no row moved afterwards), then times every network page and every workshop
page, and a transfer of 20 devices between two workshops.

Run: scripts/bench network                     (100 × 10,000 on SQLite: long)
     .venv/bin/python scripts/benchmarks/network.py --workshops 100 --devices-per-workshop 1000
         [--database-url postgresql+psycopg://refurb@/bench_network?host=/tmp/shared-pg&port=55432]
         [--events-per-device 10] [--repeat 10] [--sample-workshops 3]

Data: scripts/benchmarks/scale.py `build` (donors, collections, ~10 events per device,
drives, reservations and hand-overs with fees, WEEE batches, training attendance), its rows
spread over the workshops: a device, its drives and events to workshop 1 + id mod W;
beneficiaries, their reservations, hand-overs, enrolments and attendance by beneficiary;
collections, WEEE batches (with their items) and sessions by their own id. A PostgreSQL
database given with --database-url is emptied (schema dropped) first.

Measures (median, p95, SQL statements): the network figures page and its CSV (network admin,
all workshops), the same for one workshop's admin, the transfer list and a 20-device note;
per sampled workshop: devices dashboard, device list, device page (a transferred device,
with its history at both workshops), scan, staff dashboard (reports). The figures must not
issue more statements with more workshops (one grouped query per figure).
"""

from __future__ import annotations

import argparse
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
    info = scale.build(workshops * per_workshop, events_per_device, rng)
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
                   "p95": sorted(e["ms"])[max(0, int(0.95 * len(e["ms"])) - 1)],
                   "queries": statistics.median(e["queries"]), "status": sorted(e["status"])}
            for name, e in sorted(samples.items(), key=lambda item: order.index(item[0]))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=100)
    parser.add_argument("--devices-per-workshop", type=int, default=10_000)
    parser.add_argument("--events-per-device", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    rng = random.Random(scale.SEED)
    import tempfile

    from refurb import create_app
    from refurb.extensions import db

    with tempfile.TemporaryDirectory(prefix="refurb-network-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'network.db'}"
        scale._prepare(url, reuse=False)
        app = create_app(scale._config(url))
        with app.app_context():
            started = time.perf_counter()
            info = build(args.workshops, args.devices_per_workshop, args.events_per_device, rng)
            built = time.perf_counter() - started
            if url.startswith("sqlite"):
                db.session.execute(text("ANALYZE"))
            else:
                db.session.execute(text("ANALYZE"))
            db.session.commit()
            from refurb.workshops.context import network_wide

            with network_wide():
                from refurb.devices.models import Device

                per = dict(db.session.execute(
                    select(Device.workshop_id, func.count()).group_by(Device.workshop_id)
                    .order_by(Device.workshop_id).limit(3)).all())
            db.session.remove()
        print(f"{args.workshops} workshops × {args.devices_per_workshop:,} devices built in "
              f"{built:.0f} s ({url.split('://')[0]}): " + ", ".join(
                  f"{v:,} {k}" for k, v in info["counts"].items())
              + f"; devices of workshops 1-3: {per}")
        for name, ms in info["transfer_ms"].items():
            print(f"{name:<52} {ms:8.1f}ms")
        results = measure(app, info, args.repeat, rng)
        print(f"\n{'page':<52} {'median':>8} {'p95':>8} {'queries':>7}  status")
        for name, r in results.items():
            print(f"{name:<52} {r['median']:7.1f}ms {r['p95']:7.1f}ms {r['queries']:7.0f}  "
                  f"{r['status']}")
        print(f"load average: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
        scale._close(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
