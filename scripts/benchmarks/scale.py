"""One million machines: builds 1k / 100k / 1M devices like the real thing, then measures every
page that must not grow with the stock against a bare primary-key route, in one run.

Run: scripts/bench scale                        (1,000 and 100,000 devices on SQLite)
     .venv/bin/python scripts/benchmarks/scale.py --sizes 1000 100000 1000000
         [--database-url postgresql+psycopg://refurb@/bench_scale?host=/run/postgresql …]
         [--keep DIR] [--reuse] [--repeat 15] [--workers 1 2 4] [--seconds 8] [--no-workers]

Data (seeded): valid tags (RF-YYYY-NNNNNN, counters moved past them), one drive per computer,
donors of very different sizes (the biggest gives ~45 % of the machines, a long tail gives a
handful), ~10 events per device along realistic paths, reservations and hand-overs to
beneficiaries, monthly WEEE batches, training attendance, collection documents. Rows go in with
COPY (PostgreSQL) or executemany on the raw connection (SQLite), in chunks; sequences are moved
past the explicit ids; the tallies are then rebuilt from the events (`tallies.rebuild`, as
`flask reports rebuild-aggregates`) and the database analysed. A PostgreSQL database given with
--database-url is emptied (schema dropped) for each size.

Measures, in the same process, in one randomised run over every size (on PostgreSQL when each
size has its own database: `--database-url URL_1k URL_1M`; one URL holds one size at a time):
a bare Flask + SQLAlchemy route reading one device by primary key, scan → device page, device
page, list, search (serial fragment, common word, 2 characters, scanned serial), donor portal
(biggest and a small donor), dashboards and report pages: median, p95, SQL statements per
request, ratio to the bare route. The sampled machines are each read once before the clock
starts (steady state: the machines at the bench are in memory); those first reads are printed
apart ("_first read of a machine"). Then scan lookups/s (`/scan?q=TAG&format=json`) and bare
requests/s with 1, 2 and 4 gunicorn workers.
Prints the ratios to the smallest size at the end. Targets (issue 22): device page and scan at
the biggest size ≤ 1.1× the smallest and ≤ 2× bare; search, list, portal, reports < 150 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, event, func, select, text, update  # noqa: E402

from refurb.core.asset_tags import counter_name, format_tag  # noqa: E402

PREFIX = "RF"
START = datetime(2023, 1, 2, 8, 0)
NOW = datetime(2026, 11, 25, 12, 0)
SEED = 20261206
CHUNK = 20_000
SECRET = "bench-scale-secret"
PAGE_TARGET_MS = 150.0

TYPES = (("laptop", 40, Decimal("2.30")), ("desktop", 28, Decimal("9.50")),
         ("monitor", 18, Decimal("4.80")), ("all_in_one", 4, Decimal("8")),
         ("mini_pc", 3, Decimal("1.40")), ("printer", 3, Decimal("7")),
         ("keyboard_mouse", 2, Decimal("0.80")), ("crt_monitor", 1, Decimal("12")),
         ("tablet", 1, Decimal("0.60")))
COMPUTERS = {"laptop", "desktop", "all_in_one", "mini_pc"}
CATEGORY = {"laptop": 2, "all_in_one": 2, "monitor": 2, "crt_monitor": 2, "tablet": 2,
            "desktop": 6, "mini_pc": 6, "printer": 6, "keyboard_mouse": 6}
MODELS = {"Dell": ("Latitude E7450", "Latitude 5490", "OptiPlex 7050", "P2419H"),
          "HP": ("EliteBook 840 G4", "ProDesk 600 G3", "EliteDisplay E243"),
          "Lenovo": ("ThinkPad T480", "ThinkCentre M720q", "ThinkVision T24"),
          "Fujitsu": ("Esprimo P757", "Lifebook E548"), "Acer": ("TravelMate P214",),
          "Apple": ("MacBook Air A1466",)}
CPUS = ("Intel Core i5-7300U", "Intel Core i5-8250U", "Intel Core i7-8650U",
        "Intel Core i3-7100", "AMD Ryzen 5 PRO 2500U", "")
MEAN_HOURS = {"received": 72, "diagnosis": 24, "wiping": 6, "repair": 96, "ready": 240,
              "reserved": 72, "allocated": 24 * 200, "returned": 48, "parts": 24 * 20,
              "to_dispose": 24 * 25}
PATHS = (
    (("received", "diagnosis", "wiping", "repair", "ready", "reserved", "allocated"), 55),
    (("received", "diagnosis", "wiping", "ready", "reserved", "allocated", "returned",
      "diagnosis", "wiping", "ready"), 4),
    (("received", "diagnosis", "wiping", "parts", "to_dispose", "disposed"), 10),
    (("received", "diagnosis", "to_dispose", "disposed"), 20),
    (("received", "to_dispose", "disposed"), 6),
    (("received", "diagnosis", "repair", "wiping", "ready"), 5),
)
RECORD_KINDS = ("label_printed", "note", "wipe_recorded", "qa_recorded")
COMMUNES = ("Fresnes-sur-Escaut", "Condé-sur-l'Escaut", "Valenciennes", "Vieux-Condé",
            "Onnaing", "Quarouble", "Anzin", "Raismes", "Bruay-sur-l'Escaut", "Saint-Saulve")
KINDS = (("household", 70), ("pupil", 22), ("school", 4), ("association", 4))


def bench_tag(year: int, number: int) -> str:
    """A tag the scan box recognises: PREFIX-YEAR-NNNNNN (numbered per year, like intake)."""
    return format_tag(PREFIX, year, number)


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


# --- bulk writing -------------------------------------------------------------------------


class Loader:
    """Rows per table, written in chunks with COPY (PostgreSQL) or the raw executemany of
    sqlite3, through each column's own bind processing (dates, decimals, JSON)."""

    def __init__(self, db):
        self.db = db
        self.dialect = db.session.get_bind().dialect
        self.postgres = self.dialect.name == "postgresql"
        self.buffers: dict = {}
        self.order: list = []
        self.written: dict[str, int] = {}

    def add(self, table, row: dict) -> None:
        if table not in self.buffers:
            self.buffers[table] = []
            self.order.append(table)
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush()  # every table, parents first (in the order they were first seen)

    def flush(self) -> None:
        for table in self.order:
            rows = self.buffers[table]
            if rows:
                self._write(table, rows)
                self.written[table.name] = self.written.get(table.name, 0) + len(rows)
                self.buffers[table] = []

    @staticmethod
    def _defaults(table, given) -> dict:
        """Python-side column defaults (the ORM applies them; raw inserts must too)."""
        found = {}
        for column in table.c:
            if column.name in given or column.default is None:
                continue
            default = column.default
            found[column.name] = default.arg(None) if default.is_callable else default.arg
        return found

    def _write(self, table, rows: list[dict]) -> None:
        defaults = self._defaults(table, rows[0])
        raw = self.db.session.connection().connection.dbapi_connection
        if not self.postgres:
            self._executemany(raw, table, rows, defaults)
            return
        if defaults:
            rows = [defaults | row for row in rows]
        names = list(rows[0])
        json_at = [i for i, n in enumerate(names)
                   if table.c[n].type.__class__.__name__ == "JSON"]
        with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        ) as copy:
            for row in rows:
                values = [row[n] for n in names]
                for i in json_at:
                    values[i] = json.dumps(values[i])
                copy.write_row(values)

    def _executemany(self, raw, table, rows: list[dict], defaults: dict) -> None:
        """SQLite: tuples in column order, converted only where a column needs it."""
        given = list(rows[0])
        names = given + list(defaults)
        tail = list(defaults.values())
        converters = [(i, convert) for i, convert in enumerate(
            self._converter(table.c[n]) for n in names) if convert]
        pick = itemgetter(*given)
        tuples = []
        for row in rows:
            values = [*pick(row), *tail] if len(given) > 1 else [pick(row), *tail]
            for i, convert in converters:
                if values[i] is not None:
                    values[i] = convert(values[i])
            tuples.append(values)
        placeholders = ", ".join("?" for _ in names)
        raw.executemany(f"INSERT INTO {table.name} ({', '.join(names)}) "
                        f"VALUES ({placeholders})", tuples)

    def _converter(self, column):
        """SQLite: the column's bind processing; date-times and JSON by a shortcut giving the
        same text (ten million events go through here)."""
        kind = column.type.__class__.__name__
        if kind == "DateTime":
            return lambda value: value.isoformat(" ", "microseconds")
        processor = column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
        if kind == "JSON":
            empty = processor({})
            return lambda value: empty if value == {} else processor(value)
        return processor


@contextmanager
def indexes_set_aside(db, tables: list[str]):
    """Bulk load without the secondary indexes and the per-row search and stay triggers, then
    put them back: indexes built once over the loaded rows, stays back-filled from the events
    with the migration's own statement, the search index filled in one pass. Each row inserted
    through the triggers and a dozen indexes cost ~100 µs; this way, a few."""
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    names = ", ".join(f"'{t}'" for t in tables)
    if postgres:
        indexes = session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            f"AND tablename IN ({names}) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)")).all()
    else:
        indexes = session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names})")).all()
    for name, _sql in indexes:
        session.execute(text(f"DROP INDEX {name}"))
    if postgres:
        session.execute(text("ALTER TABLE device_events DISABLE TRIGGER "
                             "device_events_record_stay"))
        # The stays' histograms: rebuilt with the tallies afterwards.
        session.execute(text("ALTER TABLE device_stays DISABLE TRIGGER device_stays_hours"))
        session.execute(text("ALTER TABLE allocations DISABLE TRIGGER allocations_served"))
        session.execute(text("ALTER TABLE weee_batches DISABLE TRIGGER weee_batches_categories"))
    else:
        triggers = session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            "('devices_search_insert', 'device_events_record_stay', "
            "'device_stays_hours', 'allocations_served', 'weee_batches_categories')")).all()
        for name, _sql in triggers:
            session.execute(text(f"DROP TRIGGER {name}"))
        session.execute(text("PRAGMA cache_size = -400000"))  # 400 MB for the index builds
    yield
    for _name, sql in indexes:
        session.execute(text(sql))
    # The stays back-fill of the migration that gave each stay its workshop.
    stays = _migration("0026_tallies_per_workshop")
    session.execute(text(stays.STAYS_BACKFILL.format(
        seconds=stays.POSTGRES_SECONDS if postgres else stays.SQLITE_SECONDS)))
    if postgres:
        session.execute(text("ALTER TABLE device_events ENABLE TRIGGER "
                             "device_events_record_stay"))
        session.execute(text("ALTER TABLE device_stays ENABLE TRIGGER device_stays_hours"))
        session.execute(text("ALTER TABLE allocations ENABLE TRIGGER allocations_served"))
        session.execute(text("ALTER TABLE weee_batches ENABLE TRIGGER weee_batches_categories"))
    else:
        from refurb.devices.queries import SEARCH_TEXT_SQL

        session.execute(text("INSERT INTO devices_search (rowid, body) "
                             f"SELECT id, {SEARCH_TEXT_SQL} FROM devices"))
        for _name, sql in triggers:
            session.execute(text(sql))


_PHASE = [0.0]


def _phase(done: str | None) -> None:
    """Prints how long the build step that just ended took (None: starts the clock)."""
    now = time.perf_counter()
    if done:
        print(f"  {done}: {now - _PHASE[0]:.0f} s", flush=True)
    _PHASE[0] = now


def _migration(stem: str):
    import importlib.util

    path = ROOT / "migrations" / "versions" / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"bench_migration_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _move_sequences(db) -> None:
    """PostgreSQL: explicit ids do not move the sequences; new rows must not collide."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))


# --- the data -----------------------------------------------------------------------------


def build(devices: int, events_per_device: int, rng: random.Random) -> dict:  # noqa: C901
    from refurb.accounts.services import create_user
    from refurb.allocations.models import Allocation, Reservation, ReservationItem
    from refurb.beneficiaries.models import Beneficiary
    from refurb.counters import Counter
    from refurb.devices.models import Device, DeviceEvent, Drive
    from refurb.documents.models import IssuedDocument
    from refurb.donors.models import DonorOrganisation
    from refurb.extensions import db
    from refurb.intake.models import Collection
    from refurb.reports import tallies
    from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession
    from refurb.weee.models import TreatmentOperator, WasteItem, WeeeBatch

    T = {m: m.__table__ for m in (Device, DeviceEvent, Drive, Collection, DonorOrganisation,
                                  Beneficiary, Reservation, ReservationItem, Allocation,
                                  WasteItem, WeeeBatch, IssuedDocument, Enrolment, Attendance,
                                  TrainingSession)}
    load = Loader(db)
    users = {role: create_user(email=f"{role}@bench.example", password="bench-password-1",
                               role=role, display_name=role.replace("_", " ").title(), now=NOW)
             for role in ("admin", "technician", "social_worker")}
    db.session.flush()
    _phase(None)
    bulk = ExitStack()
    bulk.enter_context(indexes_set_aside(db, sorted({t.name for t in T.values()}
                                                    | {"device_stays"})))

    # Donors: Zipf-like sizes — one big bank gives ~45 %, then a long tail of companies.
    donor_count = max(20, min(2000, devices // 500))
    weights = [1 / (i ** 1.15) for i in range(1, donor_count + 1)]
    weights[0] *= 2.2
    for i in range(1, donor_count + 1):
        load.add(T[DonorOrganisation], {
            "id": i, "name": "Banque du Nord" if i == 1 else f"Entreprise {i:04d}",
            "siret": f"{100000000 + i:09d}00017", "legal_form": "SA",
            "address": f"{i} rue du Commerce", "postal_code": "59300", "city": "Valenciennes",
            "contact_name": "", "contact_email": "", "contact_phone": "", "notes": "",
            "created_at": START})
    load.flush()

    span = (NOW - START).total_seconds()
    collection_count = max(30, devices // 60)
    collections = []
    for i in range(1, collection_count + 1):
        donor = rng.choices(range(1, donor_count + 1), weights)[0]
        day = START + timedelta(seconds=span * (i - 1) / collection_count)
        collections.append((i, donor, day))
        load.add(T[Collection], {
            "id": i, "number": f"COL-{day.year}-{i:05d}", "donor_id": donor, "pickup_site": "",
            "pickup_contact": "", "planned_on": day.date(), "collected_on": day.date(),
            "received_on": day.date(), "closed_on": None, "state": "received",
            "transport_notes": "", "measured_weight_kg": None, "created_at": day})
    load.flush()
    donor_weight = dict(enumerate(weights, start=1))

    beneficiary_count = max(300, devices // 25)
    for i in range(1, beneficiary_count + 1):
        load.add(T[Beneficiary], {
            "id": i, "pseudonym": f"B-{i:07d}", "kind": _pick(rng, KINDS), "status": "served",
            "last_name": f"Nom{i}", "first_name": "Prénom", "birth_date": None, "email": "",
            "phone": "", "address_line": "", "postal_code": "59970",
            "commune": rng.choice(COMMUNES), "organisation_name": "", "uai": None, "rna": None,
            "school_level": "", "programme": None, "adults": 1, "children": 0,
            "children_with_disability": 0, "single_parent": False,
            "member_with_disability": False, "income_basis": None, "stated_quotient": None,
            "annual_income": None, "tax_parts": None, "monthly_benefits": None,
            "qf_band": "unknown", "has_computer": False, "last_device_received_on": None,
            "referred_by": "", "referrer_detail": "", "notes": "", "submitted_on": None,
            "priority": 0, "approved_on": None, "approved_until": None, "created_at": START,
            "created_by_id": None, "updated_at": START, "last_contact_at": START,
            "anonymised_at": None, "version": 1})
    load.flush()

    # Devices, their drives and their history.
    tag_numbers: dict[int, int] = {}
    event_id = drive_id = 0
    allocated, disposed = [], {}
    sample = []
    for device_id in range(1, devices + 1):
        position = (device_id - 1) / devices
        around = int(position * collection_count)
        window = range(max(0, around - 3), min(collection_count, around + 3))
        k = rng.choices(list(window), [donor_weight[collections[w][1]] for w in window])[0]
        collection_id, _donor, arrived = collections[k]
        arrived = min(arrived + timedelta(hours=rng.uniform(0, 48)), NOW - timedelta(hours=1))
        kind, _w, weight = rng.choices(TYPES, [w for _k, w, _g in TYPES])[0]
        make = rng.choice(tuple(MODELS))
        model = rng.choice(MODELS[make])
        path = _pick(rng, PATHS)
        times = [arrived]
        for state in path[:-1]:
            times.append(times[-1] + timedelta(hours=rng.expovariate(1 / MEAN_HOURS[state])))
        steps = [(s, t) for s, t in zip(path, times, strict=True) if t <= NOW]
        state, last = steps[-1][0], steps[-1][1]
        number = tag_numbers[arrived.year] = tag_numbers.get(arrived.year, 0) + 1
        tag = bench_tag(arrived.year, number)
        serial = f"{make[:2].upper()}{rng.randrange(16 ** 8):08X}{device_id % 1000:03d}"
        load.add(T[Device], {
            "id": device_id, "asset_tag": tag, "device_type": kind, "make": make,
            "model": model, "serial": serial, "state": state,
            "legal_status": "waste" if path[1] == "to_dispose" else "reuse",
            "collection_id": collection_id, "weight_kg": weight, "weight_estimated": True,
            "cpu": rng.choice(CPUS) if kind in COMPUTERS else "",
            "ram_mib": rng.choice((4096, 8192, 16384)) if kind in COMPUTERS else None,
            "ram_slots_used": 1 if kind in COMPUTERS else None, "chassis": "",
            "condition_notes": rng.choice(("", "", "", "Rayures sur le capot",
                                           "Charnière gauche fendue", "Clavier QWERTY")),
            "created_at": arrived, "updated_at": last, "version": 1})
        if kind in COMPUTERS:
            drive_id += 1
            load.add(T[Drive], {
                "id": drive_id, "device_id": device_id, "asset_tag": None,
                "model": rng.choice(("ST500LM021", "SAMSUNG MZ7LN256", "WDC WD5000LPCX")),
                "serial": f"W{device_id:09d}", "capacity_bytes": rng.choice(
                    (256 * 10 ** 9, 500 * 10 ** 9)), "kind": rng.choice(("hdd", "ssd")),
                "power_on_hours": rng.randrange(100, 30000), "smart_passed": True,
                "created_at": arrived})
        rows = [("transition", prev, s, t) for (prev, _pt), (s, t)
                in zip([(None, None), *steps[:-1]], steps, strict=True)]
        for p in range(max(0, events_per_device - len(rows))):
            index = rng.randrange(len(steps))
            s, t = steps[index]
            after = steps[index + 1][1] if index + 1 < len(steps) else min(
                NOW, last + timedelta(days=3))
            rows.append((RECORD_KINDS[p % len(RECORD_KINDS)], s, s, t + (after - t) * rng.random()))
        rows.sort(key=lambda r: (r[3], r[0] != "transition"))
        for event_kind, from_state, to_state, moment in rows:
            event_id += 1
            load.add(T[DeviceEvent], {
                "id": event_id, "device_id": device_id, "kind": event_kind,
                "from_state": from_state, "to_state": to_state, "actor_id": None,
                "occurred_at": moment, "reason": "", "details": {}})
        visited = dict(steps)
        if "allocated" in visited:
            allocated.append((device_id, visited["allocated"], visited.get("returned")))
        if state == "disposed":
            moment = steps[-1][1]
            disposed.setdefault((moment.year, moment.month), []).append(
                (device_id, moment, kind, weight))
        if len(sample) < 400 or rng.random() < 400 / device_id:
            entry = (device_id, tag, serial)
            if len(sample) < 400:
                sample.append(entry)
            else:
                sample[rng.randrange(400)] = entry
    load.flush()

    for n, (device_id, moment, returned_at) in enumerate(allocated, start=1):
        beneficiary = rng.randrange(1, beneficiary_count + 1)
        load.add(T[Reservation], {
            "id": n, "beneficiary_id": beneficiary, "status": "handed_over",
            "reserved_at": moment - timedelta(days=3), "reserved_by_id": None,
            "expires_on": (moment + timedelta(days=10)).date(), "closed_at": moment,
            "close_reason": "", "version": 1})
        load.add(T[ReservationItem], {
            "id": n, "reservation_id": n, "device_id": device_id,
            "active": returned_at is None, "added_at": moment - timedelta(days=3),
            "released_at": returned_at, "release_reason": "retour" if returned_at else ""})
        load.add(T[Allocation], {
            "id": n, "number": f"REM-{moment.year}-{n:07d}", "reservation_id": n,
            "beneficiary_id": beneficiary, "mode": "loan" if returned_at else "gift",
            "status": "returned" if returned_at else "active", "handed_over_at": moment,
            "handed_over_by_id": None, "due_on": moment.date() if returned_at else None,
            "programme_id": None, "fee_amount": Decimal("10.00"), "fee_status": "paid",
            "fee_method": "cash", "receipt_number": "", "converted_at": None,
            "returned_at": returned_at, "version": 1})
    load.flush()

    operator = TreatmentOperator(name="Recyclage du Nord", siret="39123456700017",
                                 created_at=START)
    db.session.add(operator)
    db.session.flush()
    item_id = 0
    closing = []
    for batch_no, ((year, _m), items) in enumerate(sorted(disposed.items()), start=1):
        handover = max(m for _d, m, _k, _w in items)
        # Opened, filled, then closed: a closed batch refuses new items (trigger).
        load.add(T[WeeeBatch], {
            "id": batch_no, "number": f"DEEE-{year}-{batch_no:04d}", "state": "open",
            "container": "pallet", "label": "", "notes": "", "created_at": handover,
            "created_by_id": None})
        for device_id, _moment, kind, weight in items:
            item_id += 1
            load.add(T[WasteItem], {
                "id": item_id, "batch_id": batch_no, "kind": "device",
                "description": f"Appareil {device_id}", "quantity": 1, "weight_kg": weight,
                "weight_estimated": True, "category": CATEGORY[kind],
                "waste_code": "16 02 13*" if kind == "crt_monitor" else "16 02 14",
                "contains_pops": False, "device_id": device_id, "drive_id": None,
                "created_at": handover, "created_by_id": None})
        closing.append({"batch": batch_no, "on": handover.date(), "at": handover,
                        "kg": sum((w for *_x, w in items), Decimal("0"))})
    load.flush()
    batches = T[WeeeBatch]
    if closing:
        db.session.execute(
            update(batches).where(batches.c.id == bindparam("batch")).values(
                state="closed", operator_id=operator.id, operation_code="R4",
                operation_mode="RECYCLAGE", handover_date=bindparam("on"),
                signed_by_name="Responsable atelier", signed_on=bindparam("on"),
                total_weight_kg=bindparam("kg"), closed_at=bindparam("at")),
            closing)

    # Training: two sessions a week over the four years; a fifth of the people enrol.
    programmes = [Programme(title=title, planned_sessions=5, hours_per_session=Decimal(2),
                            created_at=START)
                  for title in ("Prise en main — 5 séances de 2 h",
                                "Internet et démarches en ligne")]
    db.session.add_all(programmes)
    db.session.flush()
    sessions: dict[int, list[tuple[int, datetime]]] = {p.id: [] for p in programmes}
    session_id, day = 0, START.date()
    while day <= NOW.date():
        for offset, hour in ((1, 9), (3, 14)):
            session_id += 1
            programme = programmes[session_id % len(programmes)]
            when = day + timedelta(days=offset)
            sessions[programme.id].append((session_id, when))
            load.add(T[TrainingSession], {
                "id": session_id, "programme_id": programme.id, "session_date": when,
                "start_time": datetime(2000, 1, 1, hour).time(),
                "end_time": datetime(2000, 1, 1, hour + 2).time(), "break_minutes": 0,
                "place": "CCAS", "trainer_id": None, "trainer_name": "Formatrice",
                "topics": "", "group_name": "", "created_at": START})
        day += timedelta(days=7)
    load.flush()
    attendance_id = 0
    for n, beneficiary in enumerate(rng.sample(range(1, beneficiary_count + 1),
                                               beneficiary_count // 5), start=1):
        programme = programmes[n % len(programmes)]
        pool = sessions[programme.id]
        first = rng.randrange(max(1, len(pool) - 6))
        load.add(T[Enrolment], {
            "id": n, "programme_id": programme.id, "beneficiary_id": beneficiary,
            "group_name": "", "enrolled_on": pool[first][1], "enrolled_by_id": None,
            "withdrawn_on": None, "certificate_number": None})
        for sid, _when in pool[first:first + 5]:
            attendance_id += 1
            load.add(T[Attendance], {
                "id": attendance_id, "session_id": sid, "beneficiary_id": beneficiary,
                "half_day": "morning" if sid % 2 else "afternoon",
                "presence": rng.choices(("present", "absent", "excused"), (85, 10, 5))[0],
                "recorded_at": NOW, "recorded_by_id": None})
    load.flush()

    for doc_id, (collection_id, donor, moment) in enumerate(collections, start=1):
        load.add(T[IssuedDocument], {
            "id": doc_id, "kind": "collection_receipt", "number": f"COL-{collection_id:05d}-BPC",
            "version": 1, "subject": f"collection:{collection_id}", "donor_id": donor,
            "filename": f"COL-{collection_id:05d}-BPC-v1.pdf", "media_type": "application/pdf",
            "sha256": "0" * 64, "content_sha256": "0" * 64, "personal": False, "summary": {},
            "content": b"%PDF-1.4 bench", "issued_at": moment, "issued_by_id": None})
    load.flush()
    _phase(f"rows written ({sum(load.written.values()):,})")
    bulk.close()
    _phase("indexes, stays and search index rebuilt")

    for year, last in tag_numbers.items():
        db.session.merge(Counter(name=counter_name(PREFIX, year), value=last))
    _move_sequences(db)
    big = _biggest_collection(db, donor_id=1)
    small = db.session.scalar(
        select(Collection.donor_id).where(Collection.donor_id > donor_count // 2)
        .order_by(Collection.donor_id).limit(1))
    donor_users = {d: create_user(email=f"donor{d}@bench.example", password="bench-password-1",
                                  role="donor", display_name=f"Donateur {d}", now=NOW,
                                  donor_organisation_id=d).id
                   for d in {1, small or 1}}
    tallies.rebuild()
    db.session.commit()
    _phase("tallies rebuilt")
    return {
        "users": {role: u.id for role, u in users.items()},
        "donor_users": donor_users, "big_donor": 1, "small_donor": small or 1,
        "big_collection": big, "sample": sample,
        "counts": {"devices": devices, "events": event_id, "drives": drive_id,
                   "donors": donor_count, "collections": collection_count,
                   "allocations": len(allocated), "waste items": item_id,
                   "attendance": attendance_id},
    }


def _biggest_collection(db, donor_id: int) -> int:
    from refurb.devices.models import Device
    from refurb.intake.models import Collection

    return db.session.scalar(
        select(Device.collection_id).join(Collection, Collection.id == Device.collection_id)
        .where(Collection.donor_id == donor_id)
        .group_by(Device.collection_id).order_by(func.count().desc()).limit(1))


def _info_from(db, rng: random.Random) -> dict:
    """What the measures need, from a database built by an earlier run (--reuse)."""
    from refurb.accounts.models import User
    from refurb.devices.models import Device

    users = {u.role: u.id for u in db.session.scalars(select(User).where(User.role != "donor"))}
    donors = {u.donor_organisation_id: u.id for u in db.session.scalars(
        select(User).where(User.role == "donor"))}
    top = db.session.scalar(select(func.max(Device.id)))
    ids = rng.sample(range(1, top + 1), min(400, top))
    sample = list(db.session.execute(select(Device.id, Device.asset_tag, Device.serial)
                                      .where(Device.id.in_(ids))).all())
    return {"users": users, "donor_users": donors, "big_donor": 1,
            "small_donor": max(donors), "big_collection": _biggest_collection(db, 1),
            "sample": sample, "counts": {"devices": top}}


# --- the app under test -------------------------------------------------------------------


def _config(url: str) -> dict:
    return {"ENV_NAME": "testing", "TESTING": False, "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
            "WORKSHOP_NAME": "Atelier banc d'essai",
            "WORKSHOP_ADDRESS": "2 rue de la Mairie, 59970 Fresnes-sur-Escaut"}


def add_bare_route(app) -> None:
    """The floor: Flask + SQLAlchemy reading one device by primary key, no template."""
    from refurb.devices.models import Device
    from refurb.extensions import db

    def bare(device_id: int):
        device = db.session.get(Device, device_id)
        return {"tag": device.asset_tag, "state": device.state} if device else ("", 404)

    app.add_url_rule("/_bench/devices/<int:device_id>", "bench_bare", bare)


def bench_app():
    """gunicorn 'scale:bench_app()': the app from REFURB_* variables, with the bare route."""
    from refurb import create_app

    app = create_app()
    add_bare_route(app)
    return app


@contextmanager
def counting(engine):
    statements = [0]

    def before(*_args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _signed_in(app, user_id: int):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def pages(app, info: dict) -> list[tuple[str, object, object]]:
    """(name, client, url chooser) — choosers draw a random device of the sample each time."""
    staff = _signed_in(app, info["users"]["technician"])
    admin = _signed_in(app, info["users"]["admin"])
    big = _signed_in(app, info["donor_users"][info["big_donor"]])
    small = _signed_in(app, info["donor_users"][info["small_donor"]])
    sample = info["sample"]

    def device(rng):
        return rng.choice(sample)

    return [
        ("bare route (pk)", staff, lambda r: f"/_bench/devices/{device(r)[0]}"),
        ("scan -> device page", staff, lambda r: ("follow", f"/scan?q={device(r)[1]}")),
        ("device page", staff, lambda r: f"/devices/{device(r)[0]}"),
        ("list page 1", staff, lambda r: "/devices"),
        ("list page 1, one state", staff, lambda r: "/devices?state=ready"),
        ("search serial fragment", staff, lambda r: f"/scan?q={device(r)[2][3:9]}"),
        ("search common word", staff, lambda r: "/scan?q=latitude"),
        ("search 2 characters", staff, lambda r: "/scan?q=hp"),
        ("scanned serial -> page", staff, lambda r: ("follow", f"/scan?q={device(r)[2]}")),
        ("portal home, biggest donor", big, lambda r: "/portal/"),
        ("portal home, small donor", small, lambda r: "/portal/"),
        ("portal biggest collection", big,
         lambda r: f"/portal/collections/{info['big_collection']}"),
        ("devices dashboard", staff, lambda r: "/"),
        ("staff dashboard (reports)", admin, lambda r: "/reports/"),
        ("reports: flows", admin, lambda r: "/reports/activity"),
        ("reports: lead times", admin, lambda r: "/reports/lead-times"),
        ("reports: reuse", admin, lambda r: "/reports/reuse"),
    ]


def _get(client, target):
    follow = isinstance(target, tuple)
    url = target[1] if follow else target
    response = client.get(url, follow_redirects=follow)
    response.get_data()
    response.close()
    return response.status_code


def measure(sized: list[tuple[int, object, dict]], repeat: int, rng: random.Random
            ) -> dict[int, dict[str, dict]]:
    """Every page of every size in one shuffled run: (size, app, info) each; load and caches
    then weigh on all sizes alike."""
    from refurb.extensions import db

    runs, engines, order, first_reads = [], {}, [], {}
    for size, app, info in sized:
        with app.app_context():
            engines[size] = db.engine
        listed = pages(app, info)
        for name, client, url in listed:
            order.append(name)
            _get(client, url(rng))  # warm-up: templates compiled, caches filled
            runs += [(size, name, client, url)] * repeat
        # Each machine of the sample read once before the clock starts: the measures are a
        # server's steady state, where the machines at the bench are in memory. These first
        # reads (from disk when the database is bigger than the memory left to it) are
        # reported apart.
        client = next(client for name, client, _url in listed if name == "device page")
        first_reads[size] = []
        for device_id, _tag, _serial in info["sample"]:
            started = time.perf_counter()
            _get(client, f"/devices/{device_id}")
            first_reads[size].append((time.perf_counter() - started) * 1000)
    rng.shuffle(runs)
    samples: dict = {}
    for size, name, client, url in runs:
        target = url(rng)
        with counting(engines[size]) as statements:
            started = time.perf_counter()
            status = _get(client, target)
            elapsed = (time.perf_counter() - started) * 1000
        entry = samples.setdefault(size, {}).setdefault(
            name, {"ms": [], "queries": [], "status": set()})
        entry["ms"].append(elapsed)
        entry["queries"].append(statements[0])
        entry["status"].add(status)
    results: dict[int, dict[str, dict]] = {}
    for size, by_name in samples.items():
        results[size] = {}
        for name, entry in sorted(by_name.items(), key=lambda item: order.index(item[0])):
            ordered = sorted(entry["ms"])
            results[size][name] = {
                "median": statistics.median(ordered),
                "p95": ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)],
                "queries": statistics.median(entry["queries"]),
                "status": sorted(entry["status"])}
        ordered = sorted(first_reads[size])
        results[size]["_first read of a machine"] = {
            "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)],
            "queries": results[size]["device page"]["queries"], "status": [200]}
    return results


def report(size: int, results: dict[str, dict]) -> None:
    bare = results["bare route (pk)"]["median"]
    print(f"\n{size:,} devices")
    print(f"{'page':<30} {'median':>8} {'p95':>8} {'queries':>7} {'× bare':>7}  status")
    for name, r in results.items():
        slow = ("" if name.startswith(("bare", "device page", "scan ->", "_"))
                or r["median"] < PAGE_TARGET_MS else "  <-- over 150 ms")
        print(f"{name:<30} {r['median']:7.1f}ms {r['p95']:7.1f}ms {r['queries']:7.0f} "
              f"{r['median'] / bare:6.1f}×  {r['status']}{slow}")


# --- gunicorn workers ---------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hammer(port: int, paths: list[str], cookie: str, seconds: float, threads: int) -> float:
    """Requests answered per second by `threads` clients sending `paths` round-robin."""
    done = [0] * threads
    failed = [0] * threads
    stop = time.perf_counter() + seconds

    def client(k: int):
        i = k
        while time.perf_counter() < stop:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{paths[i % len(paths)]}",
                                             headers={"Cookie": f"session={cookie}"})
            i += threads
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                done[k] += 1
            except Exception:  # noqa: BLE001 — counted, reported
                failed[k] += 1

    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if sum(failed):
        print(f"    ({sum(failed)} failed requests)")
    return sum(done) / (time.perf_counter() - started)


def throughput(app, url: str, info: dict, worker_counts: list[int], seconds: float
               ) -> list[tuple[int, float, float]]:
    client = _signed_in(app, info["users"]["technician"])
    client.get("/_bench/devices/1")  # the session cookie, signed with the bench secret
    cookie = client.get_cookie("session").value
    tags = [f"/scan?q={tag}&format=json" for _id, tag, _s in info["sample"]]
    bare = [f"/_bench/devices/{i}" for i, _t, _s in info["sample"]]
    env = {**os.environ, "REFURB_DATABASE_URL": url, "REFURB_SECRET_KEY": SECRET,
           "REFURB_ENV_NAME": "production", "REFURB_SESSION_COOKIE_SECURE": "false",
           "REFURB_WORKSHOP_NAME": "Atelier banc d'essai", "PYTHONPATH": str(ROOT)}
    results = []
    for workers in worker_counts:
        port = _free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
             f"127.0.0.1:{port}", "--pythonpath", str(Path(__file__).parent),
             "--log-level", "warning", "scale:bench_app()"], env=env, cwd=ROOT,
            # A production app logs every request: thousands of lines between the figures.
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_bench/devices/1", timeout=2)
                    break
                except Exception:  # noqa: BLE001 — not listening yet
                    time.sleep(0.1)
            threads = max(4, 2 * workers)
            _hammer(port, tags, cookie, 1.0, threads)  # warm every worker
            scans = _hammer(port, tags, cookie, seconds, threads)
            bares = _hammer(port, bare, cookie, seconds, threads)
            results.append((workers, scans, bares))
            print(f"  {workers} worker(s): scan lookups {scans:6.0f}/s   bare route "
                  f"{bares:6.0f}/s   ratio {scans / bares:.0%}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return results


# --- driver -------------------------------------------------------------------------------


def _prepare(url: str, reuse: bool) -> None:
    from flask_migrate import upgrade

    from refurb import create_app
    from refurb.extensions import db

    if not reuse and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
    app = create_app(_config(url))
    with app.app_context():
        if not reuse:
            if url.startswith("postgresql"):
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade(directory=str(ROOT / "migrations"), revision="heads")
        db.session.remove()
        db.engine.dispose()


def setup(url: str, devices: int, args, rng: random.Random):
    """The app on a database of `devices` devices (built now, or as an earlier run left it)."""
    from refurb import create_app
    from refurb.extensions import db

    _prepare(url, args.reuse)
    app = create_app(_config(url))
    add_bare_route(app)
    with app.app_context():
        if args.reuse:
            info = _info_from(db, rng)
        else:
            started = time.perf_counter()
            info = build(devices, args.events_per_device, rng)
            built = time.perf_counter() - started
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            print(f"{devices:,} devices built in {built:.0f} s: " + ", ".join(
                f"{v:,} {k}" for k, v in info["counts"].items()))
        db.session.remove()
    return app, info


def _close(app) -> None:
    from refurb.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--events-per-device", type=int, default=10)
    parser.add_argument("--database-url", nargs="+", metavar="URL",
                        help="PostgreSQL database to empty and fill; or one per size, in the "
                             "order of --sizes, to measure the sizes in one run as on SQLite")
    parser.add_argument("--keep", type=Path, help="directory for the SQLite files (kept)")
    parser.add_argument("--reuse", action="store_true", help="measure databases already built")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--no-workers", action="store_true")
    args = parser.parse_args(argv)
    if args.reuse and not (args.keep or args.database_url):
        parser.error("--reuse needs --keep DIR or --database-url")
    if args.database_url and len(args.database_url) not in (1, len(args.sizes)):
        parser.error("--database-url: one URL, or one per size")

    summary: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="refurb-scale-") as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if args.database_url and len(args.database_url) == 1:
            # One PostgreSQL database: each size in turn (emptied, built, measured).
            rounds = [[size] for size in args.sizes]
        else:
            rounds = [list(args.sizes)]  # every size at once, measured together
        for sizes in rounds:
            sized, urls = [], {}
            for size in sizes:
                if not args.database_url:
                    urls[size] = f"sqlite:///{directory / f'scale-{size}.db'}"
                elif len(args.database_url) == 1:
                    urls[size] = args.database_url[0]
                else:
                    urls[size] = args.database_url[args.sizes.index(size)]
                engine = "PostgreSQL" if urls[size].startswith("postgresql") else "SQLite"
                print(f"\n==> {size:,} devices on {engine}")
                app, info = setup(urls[size], size, args, random.Random(SEED + size))
                sized.append((size, app, info))
            print(f"\nload average before measuring: {_load()}")
            results = measure(sized, args.repeat, random.Random(SEED))
            for size, _app, _info in sized:
                report(size, results[size])
                summary[size] = results[size]
            print(f"load average after measuring: {_load()}")
            if not args.no_workers:
                for size, app, info in sized:
                    print(f"\n{size:,} devices, gunicorn (load {_load()}):")
                    throughput(app, urls[size], info, args.workers, args.seconds)
            for _size, app, _info in sized:
                _close(app)
    _print_ratios(summary)
    return 0


def _print_ratios(summary: dict) -> None:
    sizes = sorted(summary)
    if len(sizes) < 2:
        return
    first, last = sizes[0], sizes[-1]
    print(f"\nratios {last:,} / {first:,} devices (median), and × bare route at {last:,}:")
    for name, r in summary[last].items():
        base = summary[first][name]["median"]
        bare = summary[last]["bare route (pk)"]["median"]
        print(f"  {name:<30} {r['median'] / base:5.2f}×   {r['median'] / bare:5.1f}× bare")


if __name__ == "__main__":
    raise SystemExit(main())
