"""Donor asset-list import: time and memory of an all-or-nothing import, from a CSV file and
from an Excel workbook (.xlsx) holding the same list.

Run: .venv/bin/python scripts/benchmarks/intake.py [--rows 40000] [--small 10000] [--kinds csv,xlsx]

Each measure runs in a fresh child process on a fresh SQLite database (migrated to "heads" in
a temp dir), so peak RSS is that import's own. Two children per size: one timed, one under
tracemalloc (which slows Python down) for the peak of Python allocations during the import.
A CSV is streamed: memory should not grow with the file (compare the small and the large one).
A workbook's sheet is loaded whole by the spreadsheet reader: its memory grows with the sheet.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 20.0
TYPES = ("Portable", "Unité centrale", "Écran plat", "Tout-en-un", "Imprimante", "laptop")
MAKES = ("Dell", "HP", "Lenovo", "Fujitsu", "Acer")


def write_csv(path: Path, rows: int) -> int:
    """A French-Excel-like list (UTF-8 BOM, ';', decimal comma), written line by line."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("Type;Marque;Modèle;N° de série;Poids (kg);Statut;Remarques\r\n")
        for i in range(rows):
            weight = f"{1 + i % 9},{i % 10}" if i % 4 == 0 else ""
            status = "déchet" if i % 10 == 9 else "réemploi"
            note = "écran rayé" if i % 17 == 0 else ""
            out.write(f"{TYPES[i % len(TYPES)]};{MAKES[i % len(MAKES)]};Modèle {i % 97};"
                      f"SN{i:08d};{weight};{status};{note}\r\n")
    return path.stat().st_size


def write_xlsx(path: Path, rows: int) -> int:
    """The same list as an Excel workbook: numbers as numbers, written row by row."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Parc")
    sheet.write_row(0, 0, ["Type", "Marque", "Modèle", "N° de série", "Poids (kg)", "Statut",
                           "Remarques"])
    for i in range(rows):
        weight = 1 + i % 9 + (i % 10) / 10 if i % 4 == 0 else ""
        status = "déchet" if i % 10 == 9 else "réemploi"
        note = "écran rayé" if i % 17 == 0 else ""
        sheet.write_row(i + 1, 0, [TYPES[i % len(TYPES)], MAKES[i % len(MAKES)],
                                   f"Modèle {i % 97}", f"SN{i:08d}", weight, status, note])
    book.close()
    return path.stat().st_size


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def child(rows: int, trace: bool, kind: str = "csv") -> dict:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from refurb import create_app
    from refurb.clock import utcnow
    from refurb.devices.models import Device, DeviceEvent
    from refurb.donors.models import DonorOrganisation
    from refurb.extensions import db
    from refurb.intake import asset_lists
    from refurb.intake.models import Collection

    with tempfile.TemporaryDirectory(prefix="refurb-bench-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / f"parc.{kind}"
        size = WRITERS[kind](csv_path, rows)
        app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'bench.db'}"})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"), revision="heads")
            now = utcnow()
            donor = DonorOrganisation(name="Banque du Nord", siret="48774196900033",
                                      created_at=now)
            db.session.add(donor)
            db.session.flush()
            collection = Collection(number="COL-2026-0001", donor_id=donor.id,
                                    state="received", created_at=now)
            db.session.add(collection)
            db.session.commit()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if trace:
                tracemalloc.start()
            started = time.perf_counter()
            with csv_path.open("rb") as stream:
                outcome = asset_lists.import_file(collection, stream, actor_id=None, now=now,
                                                  prefix="RF", filename=csv_path.name)
            db.session.commit()
            elapsed = time.perf_counter() - started
            traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
            if trace:
                tracemalloc.stop()
            rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            devices = db.session.scalar(select(func.count()).select_from(Device))
            events = db.session.scalar(select(func.count()).select_from(DeviceEvent))
            db.session.remove()
            db.engine.dispose()
    assert outcome.imported == devices == events == rows, (outcome.imported, devices, events)
    return {"kind": kind, "rows": rows, "bytes": size, "seconds": elapsed, "rss_before_kib": rss_before,
            "rss_peak_kib": rss_peak, "traced_peak_bytes": traced_peak,
            "tags": [outcome.first_tag, outcome.last_tag]}


def run_child(rows: int, trace: bool, kind: str) -> dict:
    command = ([sys.executable, __file__, "--child", str(rows), "--kinds", kind]
               + (["--trace"] if trace else []))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"benchmark child failed ({rows} rows)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--kinds", default="csv,xlsx")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    if args.child:
        print(json.dumps(child(args.child, args.trace, kinds[0])))
        return 0

    ok = True
    for kind in kinds:
        results = {}
        for rows in (args.small, args.rows):
            timed, traced = run_child(rows, False, kind), run_child(rows, True, kind)
            results[rows] = (timed, traced)
            print(f"{kind:>4} {rows:>7} lines ({timed['bytes'] / 1e6:.1f} MB): "
                  f"{timed['seconds']:.2f} s ({rows / timed['seconds']:,.0f} lines/s) · "
                  f"RSS {timed['rss_before_kib'] / 1024:.0f} → "
                  f"{timed['rss_peak_kib'] / 1024:.0f} MiB "
                  f"(+{(timed['rss_peak_kib'] - timed['rss_before_kib']) / 1024:.1f}) · "
                  f"tracemalloc peak {traced['traced_peak_bytes'] / 2**20:.1f} MiB "
                  f"(import under tracemalloc {traced['seconds']:.1f} s) · "
                  f"tags {timed['tags'][0]} … {timed['tags'][1]}")
        small, large = results[args.small][0], results[args.rows][0]
        growth = lambda r: r["rss_peak_kib"] - r["rss_before_kib"]  # noqa: E731
        traced_small = results[args.small][1]["traced_peak_bytes"]
        traced_large = results[args.rows][1]["traced_peak_bytes"]
        print(f"{kind:>4} RSS growth during import: {growth(small) / 1024:.1f} MiB "
              f"({args.small} lines) vs {growth(large) / 1024:.1f} MiB ({args.rows} lines); "
              f"Python peak {traced_small / 2**20:.1f} vs {traced_large / 2**20:.1f} MiB "
              f"(×{traced_large / traced_small:.2f} for ×{args.rows / args.small:.0f} lines)")
        fast = large["seconds"] < TARGET_SECONDS
        ok = ok and fast
        print(f"{kind:>4} {'OK' if fast else 'TOO SLOW'}: {args.rows} lines in "
              f"{large['seconds']:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
