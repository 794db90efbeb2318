"""The device page against the bare route: CPU time per request and SQL statements, in one
process and one randomised run (issue 22: device page and scan → device page ≤ 2× bare).

Run: scripts/bench device_page                       (SQLite file in a temporary directory)
     .venv/bin/python scripts/benchmarks/device_page.py [--repeat 200] [--profile]
         [--database-url postgresql+psycopg://refurb@/DB?host=/run/postgresql]
         [--pool 40] [--prepare-threshold N]
         [--scale-db DIR/scale-1000.db]   (random machines of a stock that
                                           scripts/benchmarks/scale.py --keep DIR built;
                                           or the PostgreSQL URL it built, read only)

Data: the demo workshop (`flask demo load`), then two machines made through the services like
a workshop would: "rich" has one drive erased, a diagnosis, software, a QA pass, a work order
with a spare part, notes and an open after-sales request; "many" has the same plus 8 drives and
120 more events. Measures, for a technician signed in: the bare primary-key route of
scripts/benchmarks/scale.py, the device page of each machine and `/scan?q=TAG` (which answers
the device page itself; a redirect would be followed and counted). Prints the median CPU time
(time.process_time: what this process spent, the machine's other load left out) and wall time
per request, statements per request and the ratio to the bare route. --profile prints where the
rich device page spends its CPU (cProfile).
A PostgreSQL database given with --database-url is emptied (schema dropped).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import scale  # noqa: E402  (the bare route, the app config, statement counting)
from scale import ROOT  # noqa: E402,F401  (puts the worktree on the path)


def _rich_device(actor_id: int, now, *, extra_drives: int = 0, extra_events: int = 0):
    """A machine with something in every panel, made through the services."""
    from sqlalchemy import select

    from refurb.aftercare import support
    from refurb.devices import services as devices
    from refurb.devices.models import Device, Drive
    from refurb.extensions import db
    from refurb.workshop.models import Diagnosis
    from refurb.workshop.spare_parts import create_spare_part
    from refurb.workshop.work_orders import SparePartUse, record_work_order

    # A demo machine already in the ready stock (erased drive, software, QA pass) or handed over.
    device = db.session.scalar(select(Device).where(Device.state.in_(("allocated", "ready")))
                               .order_by(Device.state, Device.id).limit(1).offset(
                                   1 if extra_drives else 0))
    part = create_spare_part("ram", f"DDR4 SO-DIMM 8 Go #{device.id}", quantity=4,
                             actor_id=actor_id, now=now)
    # The demo walks its machines through diagnosis without findings: add the findings.
    db.session.add(Diagnosis(device_id=device.id, power_on="ok", faults=["keyboard"],
                             fault_notes="Touche Entrée dure", decision="reuse",
                             actor_id=actor_id, created_at=now))
    record_work_order(device, actions="Barrette ajoutée, nettoyage", minutes=25,
                      technician_id=actor_id, parts=[SparePartUse(part.id, 1)],
                      actor_id=actor_id, now=now)
    for k in range(3 + extra_events):
        devices.record_event(device, "note", actor_id=actor_id, now=now + timedelta(minutes=k),
                             reason=f"Note {k} : clavier <b>nettoyé</b>")
    for k in range(extra_drives):
        db.session.add(Drive(device=device, model=f"SSD {k}", serial=f"XD{device.id}-{k}",
                             capacity_bytes=(k + 1) * 120 * 10**9, kind="ssd", created_at=now))
    holder = support.holding_allocation(device)
    if holder is not None:
        support.open_request(holder, device, source="call", problem="Ne démarre plus",
                             actor_id=actor_id, now=now)
    db.session.flush()
    return device


def build(app) -> dict:
    from sqlalchemy import select

    from refurb.accounts.models import User
    from refurb.clock import utcnow
    from refurb.demo import load_demo
    from refurb.extensions import db

    with app.app_context():
        load_demo()
        tech = db.session.scalar(select(User).where(User.role == "technician"))
        now = utcnow()
        rich = _rich_device(tech.id, now)
        many = _rich_device(tech.id, now, extra_drives=8, extra_events=120)
        db.session.commit()
        info = {"technician": tech.id, "bare": rich.id,
                "rich": (rich.id, rich.asset_tag), "many": (many.id, many.asset_tag)}
        db.session.remove()
    return info


def _scale_info(app) -> dict:
    from refurb.extensions import db

    with app.app_context():
        info = scale._info_from(db, random.Random(scale.SEED))
        db.session.remove()
    return {"technician": info["users"]["technician"], "sample": info["sample"]}


def pages(info: dict) -> list[tuple[str, object]]:
    """(name, target chooser): the demo machines, or random machines of a scale database."""
    if "sample" in info:
        def pick(rng):
            return rng.choice(info["sample"])

        return [
            ("bare route (pk)", lambda r: f"/_bench/devices/{pick(r)[0]}"),
            ("device page", lambda r: f"/devices/{pick(r)[0]}"),
            ("scan -> device page", lambda r: ("follow", f"/scan?q={pick(r)[1]}")),
        ]
    rich_id, rich_tag = info["rich"]
    many_id, _ = info["many"]
    return [
        ("bare route (pk)", lambda r: f"/_bench/devices/{rich_id}"),
        ("device page", lambda r: f"/devices/{rich_id}"),
        ("device page, 9 drives 120 notes", lambda r: f"/devices/{many_id}"),
        ("scan -> device page", lambda r: ("follow", f"/scan?q={rich_tag}")),
    ]


def measure(app, info: dict, repeat: int, rng: random.Random) -> dict[str, dict]:
    from refurb.extensions import db

    client = scale._signed_in(app, info["technician"])
    with app.app_context():
        engine = db.engine
    plan = pages(info)
    for _name, choose in plan:  # warm-up: templates compiled, caches filled
        target = choose(rng)
        assert scale._get(client, target) == 200, target
    runs = [entry for entry in plan for _ in range(repeat)]
    rng.shuffle(runs)
    samples: dict[str, dict] = {name: {"cpu": [], "wall": [], "sql": []} for name, _ in plan}
    for name, choose in runs:
        target = choose(rng)
        with scale.counting(engine) as statements:
            cpu, wall = time.process_time(), time.perf_counter()
            scale._get(client, target)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        samples[name]["cpu"].append(cpu * 1000)
        samples[name]["wall"].append(wall * 1000)
        samples[name]["sql"].append(statements[0])
    return {name: {k: statistics.median(v) for k, v in s.items()} for name, s in samples.items()}


def spread_over_pool(app, connections: int) -> None:
    """Open `connections` pooled connections at once and give them back: the pool hands them
    out in turn afterwards, as the threads of a gunicorn worker use theirs (on PostgreSQL each
    has its own prepared statements)."""
    from refurb.extensions import db

    with app.app_context():
        opened = [db.engine.connect() for _ in range(connections)]
        for connection in opened:
            connection.close()


def database_server_cpu(url: str) -> float | None:
    """CPU seconds used so far by the PostgreSQL server processes of this database (a server
    on this machine); None for SQLite."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text

    from scripts.benchmarks.processes import cpu_seconds

    engine = create_engine(url)
    with engine.connect() as connection:
        pids = connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


def report(results: dict[str, dict]) -> None:
    bare = results["bare route (pk)"]
    print(f"{'page':<34} {'CPU ms':>7} {'× bare':>7} {'wall ms':>8} {'× bare':>7} {'SQL':>4}")
    for name, r in results.items():
        print(f"{name:<34} {r['cpu']:7.2f} {r['cpu'] / bare['cpu']:6.2f}× {r['wall']:8.2f} "
              f"{r['wall'] / bare['wall']:6.2f}× {r['sql']:4.0f}")


def profile(app, info: dict, repeat: int) -> None:
    client = scale._signed_in(app, info["technician"])
    url = f"/devices/{info['rich'][0] if 'rich' in info else info['sample'][0][0]}"
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        scale._get(client, url)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL database to empty and fill")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pool", type=int, default=1,
                        help="spread the requests over this many pooled connections, as a "
                             "gunicorn worker's threads do (default 1)")
    parser.add_argument("--prepare-threshold", type=int,
                        help="PostgreSQL: DB_PREPARE_THRESHOLD for this run (-1: never prepare)")
    parser.add_argument("--scale-db",
                        help="a SQLite file of scripts/benchmarks/scale.py --keep, or the "
                             "PostgreSQL URL it built (--database-url, left as it is): random "
                             "machines of that stock instead of the demo's")
    args = parser.parse_args(argv)
    from refurb import create_app

    with tempfile.TemporaryDirectory(prefix="refurb-device-page-") as tmp:
        if args.scale_db:
            url = (args.scale_db if args.scale_db.startswith("postgresql")
                   else f"sqlite:///{Path(args.scale_db).resolve()}")
            app = create_app(_run_config(url, args))
            scale.add_bare_route(app)
            info = _scale_info(app)
        else:
            url = args.database_url or f"sqlite:///{Path(tmp) / 'device-page.db'}"
            scale._prepare(url, reuse=False)
            app = create_app(_run_config(url, args))
            scale.add_bare_route(app)
            info = build(app)
        engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"\n{engine}, {args.repeat} requests per page, technician signed in "
              "(medians per request)")
        spread_over_pool(app, args.pool)
        server_before = database_server_cpu(url)
        results = measure(app, info, args.repeat, random.Random(scale.SEED))
        report(results)
        if server_before is not None:
            requests = args.repeat * len(results) + len(results)  # with the warm-up
            spent = database_server_cpu(url) - server_before
            print(f"PostgreSQL server CPU: {spent * 1000 / requests:.2f} ms per request "
                  f"({args.pool} pooled connection(s))")
        if args.profile:
            profile(app, info, max(20, args.repeat // 4))
        scale._close(app)
    return 0


def _run_config(url: str, args) -> dict:  # noqa: ANN001
    config = scale._config(url)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": max(args.pool, 1)}
    if args.prepare_threshold is not None:
        config["DB_PREPARE_THRESHOLD"] = (None if args.prepare_threshold < 0
                                          else args.prepare_threshold)
    return config


if __name__ == "__main__":
    raise SystemExit(main())
