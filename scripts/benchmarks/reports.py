"""Reports and donor portal on a large workshop: every dashboard and portal page timed through
the Flask test client.

Run: .venv/bin/python scripts/benchmarks/reports.py [--devices 100000] [--events 1000000]
     [--keep PATH] [--reuse PATH] [--repeat 7]

Builds a fresh SQLite database (migrated to "heads" in a temp dir) with N devices and M device
events spread over four years (2023 → today's date of the data, 2026-11-25), over donors (a few
big banks, many small companies), types and lifecycle paths — reused, returned loans, parts,
WEEE, still in progress — with the allocations, beneficiaries, WEEE batches, training
attendance and issued documents those paths imply. Rows go in with executemany in chunks; the
device-stay projection is filled by its trigger as the events go in, as in production.

Each page: one warm-up request, then the median of --repeat requests. Target < 300 ms.
SQLite only; scripts/benchmarks/scale.py builds the same kind of data faster, on SQLite and
PostgreSQL (sequences moved past the explicit ids, tallies rebuilt), and measures more pages.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from refurb.core.asset_tags import format_tag  # noqa: E402

TARGET_MS = 300.0
START = datetime(2023, 1, 2, 8, 0)
NOW = datetime(2026, 11, 25, 12, 0)
CHUNK = 20_000
MEGA_COLLECTION = 2_000
SEED = 20261125

TYPES = (("laptop", 40, Decimal("3")), ("desktop", 28, Decimal("10")),
         ("monitor", 18, Decimal("5")), ("all_in_one", 4, Decimal("8")),
         ("mini_pc", 3, Decimal("1.5")), ("printer", 3, Decimal("7")),
         ("keyboard_mouse", 2, Decimal("0.8")), ("crt_monitor", 1, Decimal("12")),
         ("tablet", 1, Decimal("0.6")))
CATEGORY = {"laptop": 2, "all_in_one": 2, "monitor": 2, "crt_monitor": 2, "tablet": 2,
            "desktop": 6, "mini_pc": 6, "printer": 6, "keyboard_mouse": 6}
MAKES = ("Dell", "HP", "Lenovo", "Fujitsu", "Acer", "Apple")
# Mean hours spent in each state before the next transition.
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
SITUATIONS = ("rsa", "young_mission_locale", "pupil_in_household", "senior", "job_seeker",
              "disability", "non_taxable")
KINDS = (("household", 70), ("pupil", 22), ("school", 4), ("association", 4))


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


class Loader:
    """Buffers rows per table and writes them with executemany in chunks."""

    def __init__(self, db):
        self.db, self.buffers = db, {}

    def add(self, table, row: dict) -> None:
        buffer = self.buffers.setdefault(table, [])
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush()  # every table, parents first (in the order they were first seen)

    def flush(self, table=None) -> None:
        for t in [table] if table is not None else list(self.buffers):
            rows = self.buffers.get(t)
            if rows:
                self.db.session.execute(insert(t), rows)
                self.buffers[t] = []


def build(devices: int, events: int) -> dict:
    """Fill the database of the current app; returns what the timings need."""
    from refurb.accounts.models import User
    from refurb.accounts.services import create_user
    from refurb.allocations.models import Allocation, Reservation, ReservationItem
    from refurb.beneficiaries.models import Beneficiary, BeneficiarySituation
    from refurb.devices.models import Device, DeviceEvent
    from refurb.documents.models import IssuedDocument
    from refurb.donors.models import DonorOrganisation
    from refurb.extensions import db
    from refurb.intake.models import Collection
    from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession
    from refurb.weee.models import TreatmentOperator, WasteItem, WeeeBatch

    rng = random.Random(SEED)
    load = Loader(db)
    T = {m: m.__table__ for m in (Device, DeviceEvent, Collection, DonorOrganisation,
                                  Beneficiary, BeneficiarySituation, Reservation,
                                  ReservationItem, Allocation, WasteItem, IssuedDocument,
                                  Enrolment, Attendance)}
    users = {role: create_user(email=f"{role}@bench.example", password="bench-password-1",
                               role=role, display_name=role.title(), now=NOW)
             for role in ("admin", "technician", "social_worker")}

    # Donors: three banks give most machines, then a long tail of companies.
    donor_count = 300
    for i in range(1, donor_count + 1):
        load.add(T[DonorOrganisation], {
            "id": i, "name": ("Banque du Nord", "Crédit de l'Escaut", "Assurances Hainaut")[i - 1]
            if i <= 3 else f"Entreprise {i}", "siret": f"{100000000 + i:09d}00017",
            "legal_form": "SA", "address": f"{i} rue du Commerce", "postal_code": "59300",
            "city": "Valenciennes", "contact_name": "", "contact_email": "", "contact_phone": "",
            "notes": "", "created_at": START})
    load.flush()
    donor_weights = [150, 80, 50] + [1] * (donor_count - 3)

    # Collections: dated along the four years; the big donors give big collections.
    span_days = (NOW - START).days
    collections = []
    for i in range(1, 4001):
        donor = rng.choices(range(1, donor_count + 1), donor_weights)[0]
        day = START + timedelta(days=span_days * (i - 1) / 4000)
        collections.append((i, donor, day))
        load.add(T[Collection], {
            "id": i, "number": f"COL-{day.year}-{i:05d}", "donor_id": donor, "pickup_site": "",
            "pickup_contact": "", "planned_on": day.date(), "collected_on": day.date(),
            "received_on": day.date(), "closed_on": None, "state": "received",
            "transport_notes": "", "measured_weight_kg": None, "created_at": day})
    # One fleet renewal of the biggest bank: a single collection of MEGA_COLLECTION devices
    # (the heaviest collection page, CSV and receipt).
    mega_day = START + timedelta(days=span_days // 2)
    load.add(T[Collection], {
        "id": 4001, "number": f"COL-{mega_day.year}-04001", "donor_id": 1, "pickup_site": "",
        "pickup_contact": "", "planned_on": mega_day.date(), "collected_on": mega_day.date(),
        "received_on": mega_day.date(), "closed_on": None, "state": "received",
        "transport_notes": "", "measured_weight_kg": None, "created_at": mega_day})
    load.flush()
    sizes = [(8 if donor <= 3 else 1) for _i, donor, _d in collections]
    mega_first = devices // 2

    # Beneficiaries (counted, never named, in reports).
    beneficiary_count = 30_000
    kinds = {}
    for i in range(1, beneficiary_count + 1):
        kind = _pick(rng, KINDS)
        kinds[i] = kind
        load.add(T[Beneficiary], {
            "id": i, "pseudonym": f"B-{i:06d}", "kind": kind, "status": "served",
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
        for situation in rng.sample(SITUATIONS, rng.choice((0, 1, 1, 2))):
            load.add(T[BeneficiarySituation], {"beneficiary_id": i, "situation": situation})
    load.flush()

    operator = TreatmentOperator(name="Recyclage du Nord", siret="39123456700017",
                                 created_at=START)
    db.session.add(operator)
    db.session.flush()

    # Devices and their history.
    event_budget = events
    per_device = events / devices
    event_id = 0
    disposed_by_month: dict[tuple[int, int], list[tuple[int, datetime, str, Decimal]]] = {}
    allocated: list[tuple[int, datetime, str, bool, datetime | None]] = []
    order = sorted(range(len(collections)), key=lambda k: collections[k][2])
    for device_id in range(1, devices + 1):
        # Devices arrive in date order; each joins a collection of its time.
        position = (device_id - 1) / devices
        window = order[max(0, int(position * len(order)) - 3):int(position * len(order)) + 3]
        k = rng.choices(window, [sizes[w] for w in window])[0]
        collection_id, _donor, arrived = collections[k]
        if mega_first <= device_id < mega_first + min(MEGA_COLLECTION, devices // 10):
            collection_id, arrived = 4001, mega_day
        arrived = min(arrived + timedelta(hours=rng.uniform(0, 48)), NOW - timedelta(hours=1))
        kind, weight = _type(rng)
        path = _pick(rng, PATHS)
        times = [arrived]
        for state in path[:-1]:
            times.append(times[-1] + timedelta(hours=rng.expovariate(1 / MEAN_HOURS[state])))
        steps = [(s, t) for s, t in zip(path, times, strict=True) if t <= NOW]
        state = steps[-1][0]
        remaining_devices = devices - device_id + 1
        target = max(len(steps), round(event_budget / remaining_devices)) if device_id < devices \
            else max(len(steps), event_budget)
        target = min(target, len(steps) + int(per_device * 2))
        padding = target - len(steps)
        rows = []
        previous = None
        for s, t in steps:
            rows.append(("transition", previous, s, t))
            previous = s
        last = steps[-1][1]
        for p in range(padding):
            # Facts recorded along the way (labels, wipes, notes): same state before and after.
            index = rng.randrange(len(steps))
            s, t = steps[index]
            after = steps[index + 1][1] if index + 1 < len(steps) else min(NOW, last +
                                                                           timedelta(days=3))
            moment = t + (after - t) * rng.random()
            rows.append((RECORD_KINDS[p % len(RECORD_KINDS)], s, s, moment))
        rows.sort(key=lambda r: (r[3], r[0] != "transition"))
        load.add(T[Device], {
            # A tag the scan box recognises (RF-YYYY-NNNNNN), not a search for text.
            "id": device_id, "asset_tag": format_tag("RF", arrived.year, device_id),
            "device_type": kind, "make": rng.choice(MAKES), "model": f"Modèle {device_id % 97}",
            "serial": f"SN{device_id:08d}", "state": state,
            "legal_status": "waste" if path[1] == "to_dispose" else "reuse",
            "collection_id": collection_id, "weight_kg": weight, "weight_estimated": True,
            "cpu": "", "ram_mib": None, "ram_slots_used": None, "chassis": "",
            "condition_notes": "", "created_at": arrived, "updated_at": last, "version": 1})
        for event_kind, from_state, to_state, moment in rows:
            event_id += 1
            load.add(T[DeviceEvent], {
                "id": event_id, "device_id": device_id, "kind": event_kind,
                "from_state": from_state, "to_state": to_state, "actor_id": None,
                "occurred_at": moment, "reason": "", "details": {}})
        event_budget -= len(rows)
        visited = [s for s, _t in steps]
        if "allocated" in visited:
            at = dict((s, t) for s, t in steps if s in ("allocated", "returned"))
            allocated.append((device_id, at["allocated"], kind, "returned" in at,
                              at.get("returned")))
        if state == "disposed":
            moment = steps[-1][1]
            disposed_by_month.setdefault((moment.year, moment.month), []).append(
                (device_id, moment, kind, weight))
    load.flush()

    # Allocations: one reservation and one allocation per handed-over device.
    for n, (device_id, moment, _kind, returned, returned_at) in enumerate(allocated, start=1):
        beneficiary = rng.randrange(1, beneficiary_count + 1)
        load.add(T[Reservation], {
            "id": n, "beneficiary_id": beneficiary, "status": "handed_over",
            "reserved_at": moment - timedelta(days=3), "reserved_by_id": None,
            "expires_on": (moment + timedelta(days=10)).date(), "closed_at": moment,
            "close_reason": "", "version": 1})
        load.add(T[ReservationItem], {
            "id": n, "reservation_id": n, "device_id": device_id, "active": not returned,
            "added_at": moment - timedelta(days=3), "released_at": returned_at,
            "release_reason": "retour" if returned else ""})
        load.add(T[Allocation], {
            "id": n, "number": f"REM-{moment.year}-{n:06d}", "reservation_id": n,
            "beneficiary_id": beneficiary, "mode": "loan" if returned else "gift",
            "status": "returned" if returned else "active", "handed_over_at": moment,
            "handed_over_by_id": None, "due_on": moment.date() if returned else None,
            "programme_id": None, "fee_amount": Decimal("10.00"), "fee_status": "paid",
            "fee_method": "cash", "receipt_number": "", "converted_at": None,
            "returned_at": returned_at, "version": 1})
    load.flush()

    # WEEE: one batch a month, closed when its devices were disposed of.
    item_id = 0
    for batch_no, ((year, _month), items) in enumerate(sorted(disposed_by_month.items()), 1):
        handover = max(m for _d, m, _k, _w in items)
        batch = WeeeBatch(number=f"DEEE-{year}-{batch_no:04d}", state="open",
                          container="pallet", created_at=handover)
        db.session.add(batch)
        db.session.flush()
        for device_id, _moment, kind, weight in items:
            item_id += 1
            load.add(T[WasteItem], {
                "id": item_id, "batch_id": batch.id, "kind": "device",
                "description": f"Appareil {device_id}", "quantity": 1, "weight_kg": weight,
                "weight_estimated": True, "category": CATEGORY[kind],
                "waste_code": "16 02 13*" if kind == "crt_monitor" else "16 02 14",
                "contains_pops": False, "device_id": device_id, "drive_id": None,
                "created_at": handover, "created_by_id": None})
        item_id += 1
        load.add(T[WasteItem], {
            "id": item_id, "batch_id": batch.id, "kind": "cable", "description": "Câbles",
            "quantity": 40, "weight_kg": Decimal("12.5"), "weight_estimated": True,
            "category": 5, "waste_code": "16 02 16", "contains_pops": False,
            "device_id": None, "drive_id": None, "created_at": handover,
            "created_by_id": None})
        load.flush()
        batch.state, batch.operator_id, batch.operation_code = "closed", operator.id, "R4"
        batch.operation_mode, batch.handover_date = "RECYCLAGE", handover.date()
        batch.signed_by_name, batch.signed_on = "Camille Martin", handover.date()
        batch.total_weight_kg = sum((w for *_x, w in items), Decimal("12.5"))
        batch.closed_at = handover
        db.session.flush()

    # Training: two sessions a week; a fifth of the equipped households enrol.
    programmes = []
    for title in ("Prise en main — 5 séances de 2 h", "Internet et démarches en ligne",
                  "Atelier parents (Besançon-Clic)"):
        programme = Programme(title=title, planned_sessions=5, hours_per_session=Decimal(2),
                              created_at=START)
        db.session.add(programme)
        programmes.append(programme)
    db.session.flush()
    sessions = []
    day = START.date()
    while day <= NOW.date():
        for offset, start in ((1, (9, 30)), (3, (14, 0))):
            programme = programmes[len(sessions) % len(programmes)]
            session = TrainingSession(
                programme_id=programme.id, session_date=day + timedelta(days=offset),
                start_time=datetime(2000, 1, 1, *start).time(),
                end_time=datetime(2000, 1, 1, start[0] + 2, start[1]).time(),
                break_minutes=0, place="CCAS", trainer_name="Claire", topics="",
                created_at=START)
            db.session.add(session)
            sessions.append(session)
        day += timedelta(days=7)
    db.session.flush()
    by_programme = {p.id: [s for s in sessions if s.programme_id == p.id] for p in programmes}
    enrolled = rng.sample(range(1, beneficiary_count + 1), beneficiary_count // 5)
    attendance_id = 0
    for n, beneficiary in enumerate(enrolled, start=1):
        programme = programmes[n % len(programmes)]
        pool = by_programme[programme.id]
        first = rng.randrange(max(1, len(pool) - 6))
        load.add(T[Enrolment], {
            "id": n, "programme_id": programme.id, "beneficiary_id": beneficiary,
            "group_name": "", "enrolled_on": pool[first].session_date,
            "enrolled_by_id": None, "withdrawn_on": None, "certificate_number": None})
        for session in pool[first:first + 5]:
            attendance_id += 1
            load.add(T[Attendance], {
                "id": attendance_id, "session_id": session.id, "beneficiary_id": beneficiary,
                "half_day": "morning" if session.start_time.hour < 12 else "afternoon",
                "presence": rng.choices(("present", "absent", "excused"), (85, 10, 5))[0],
                "recorded_at": NOW, "recorded_by_id": None})
    load.flush()

    # Issued documents (small fake PDFs): a receipt and a certificate per collection.
    doc_id = 0
    for collection_id, donor, moment in collections:
        for kind, number in (("collection_receipt", f"COL-{collection_id:05d}-BPC"),
                             ("erasure_certificate", f"CERT-{collection_id:05d}")):
            doc_id += 1
            load.add(T[IssuedDocument], {
                "id": doc_id, "kind": kind, "number": number, "version": 1,
                "subject": f"collection:{collection_id}", "donor_id": donor,
                "filename": f"{number}-v1.pdf", "media_type": "application/pdf",
                "sha256": "0" * 64, "content_sha256": "0" * 64, "personal": False,
                "summary": {}, "content": b"%PDF-1.4 bench", "issued_at": moment,
                "issued_by_id": None})
    load.flush()

    donor_users = {}
    for donor_id in (1, 150):
        donor_users[donor_id] = create_user(
            email=f"donor{donor_id}@bench.example", password="bench-password-1", role="donor",
            display_name=f"Donateur {donor_id}", now=NOW, donor_organisation_id=donor_id)
    # Rows went in without the devices service: the report tallies are rebuilt from them.
    from refurb.reports import tallies

    tallies.rebuild()
    db.session.commit()
    big_collection = _biggest_collection(db, donor_id=1)
    small_donor = db.session.scalar(
        select(Collection.donor_id).where(Collection.donor_id > 3).limit(1))
    if small_donor and small_donor not in donor_users:
        donor_users[small_donor] = create_user(
            email=f"donor{small_donor}@bench.example", password="bench-password-1",
            role="donor", display_name="Petit donateur", now=NOW,
            donor_organisation_id=small_donor)
        db.session.commit()
    device_of_big = db.session.scalar(
        select(Device.id).where(Device.collection_id == big_collection[0]).limit(1))
    counts = {
        "devices": db.session.scalar(select(func.count()).select_from(Device)),
        "events": db.session.scalar(select(func.count()).select_from(DeviceEvent)),
        "stays": db.session.scalar(text("SELECT count(*) FROM device_stays")),
        "allocations": len(allocated),
        "waste_items": item_id,
        "attendance": attendance_id,
    }
    return {
        "users": {role: u.id for role, u in users.items()},
        "donor_users": {d: u.id for d, u in donor_users.items()},
        "big_collection": big_collection[0], "big_collection_devices": int(big_collection[1]),
        "big_donor": 1,
        "device": device_of_big, "counts": counts,
        "user_ids": [u for u in db.session.scalars(select(User.id))],
    }


def _biggest_collection(db, donor_id: int):
    """(collection id, devices) of the donor's biggest collection: the heaviest portal page."""
    from refurb.devices.models import Device
    from refurb.intake.models import Collection

    return db.session.execute(
        select(Device.collection_id, func.count())
        .join(Collection, Collection.id == Device.collection_id)
        .where(Collection.donor_id == donor_id)
        .group_by(Device.collection_id).order_by(func.count().desc()).limit(1)).one()


def _type(rng: random.Random) -> tuple[str, Decimal]:
    kind, _weight, kg = rng.choices(TYPES, [w for _k, w, _g in TYPES])[0]
    return kind, kg


def timed(client, url: str, repeat: int) -> tuple[float, int]:
    response = client.get(url)  # warm-up (and the status we report)
    status = response.status_code
    response.get_data()  # a streamed CSV must be read before the next request
    response.close()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append((time.perf_counter() - started) * 1000)
        response.close()
    return statistics.median(samples), status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the database at this path and keep it")
    parser.add_argument("--reuse", type=Path, help="time an existing database (from --keep)")
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from refurb import create_app
    from refurb.extensions import db

    with tempfile.TemporaryDirectory(prefix="refurb-bench-") as tmp:
        path = args.reuse or args.keep or Path(tmp) / "bench.db"
        app = create_app({"ENV_NAME": "testing", "TESTING": True, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                          "WORKSHOP_NAME": "Atelier banc d'essai", "WTF_CSRF_ENABLED": False,
                          "WORKSHOP_ADDRESS": "2 rue de la Mairie, 59970 Fresnes-sur-Escaut"})
        with app.app_context():
            if args.reuse:
                info = _info_from(db)
            else:
                upgrade(directory=str(ROOT / "migrations"), revision="heads")
                started = time.perf_counter()
                info = build(args.devices, args.events)
                db.session.execute(text("ANALYZE"))
                db.session.commit()
                print(f"built in {time.perf_counter() - started:.0f} s: " + ", ".join(
                    f"{v:,} {k}" for k, v in info["counts"].items()))
            db.session.remove()
        return _time_pages(app, info, args.repeat)


def _info_from(db) -> dict:
    from refurb.accounts.models import User
    from refurb.devices.models import Device

    users = {u.role: u.id for u in db.session.scalars(select(User).where(User.role != "donor"))}
    donors = {u.donor_organisation_id: u.id for u in db.session.scalars(
        select(User).where(User.role == "donor"))}
    big = _biggest_collection(db, donor_id=1)
    return {"users": users, "donor_users": donors, "big_collection": big[0],
            "big_collection_devices": int(big[1]), "big_donor": 1,
            "device": db.session.scalar(select(Device.id).where(
                Device.collection_id == big[0]).limit(1))}


def _signed_in(app, user_id: int):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def _time_pages(app, info: dict, repeat: int) -> int:
    admin = _signed_in(app, info["users"]["admin"])
    technician = _signed_in(app, info["users"]["technician"])
    donors = sorted(info["donor_users"].items())
    big_donor = _signed_in(app, info["donor_users"].get(info["big_donor"], donors[0][1]))
    small_donor = _signed_in(app, donors[-1][1])
    collection, device = info["big_collection"], info["device"]
    pages = [
        (admin, "/reports/", "admin"),
        (technician, "/reports/", "technician"),
        (admin, "/reports/?year=2025", "admin"),
        (admin, "/reports/activity", "admin"),
        (admin, "/reports/activity?year=2025", "admin"),
        (admin, "/reports/lead-times", "admin"),
        (admin, "/reports/lead-times?year=2025", "admin"),
        (admin, "/reports/reuse", "admin"),
        (admin, "/reports/reuse?year=2025", "admin"),
        (admin, "/reports/beneficiaries", "admin"),
        (admin, "/reports/beneficiaries?year=2025", "admin"),
        (admin, "/reports/training", "admin"),
        (admin, "/reports/training?year=2025", "admin"),
        (admin, "/reports/export/flux_hebdomadaires.csv?year=2025", "admin"),
        (admin, "/reports/export/stock.csv", "admin"),
        (admin, "/reports/annual", "admin"),
        (admin, "/portal/mecenat", "admin"),
        (big_donor, "/portal/", "donor (biggest)"),
        (small_donor, "/portal/", "donor (small)"),
        (big_donor, f"/portal/collections/{collection}", "donor (biggest)"),
        (big_donor, f"/portal/collections/{collection}?page=3", "donor (biggest)"),
        (big_donor, f"/portal/collections/{collection}/devices.csv", "donor (biggest)"),
        (big_donor, f"/portal/devices/{device}", "donor (biggest)"),
    ]
    failures = 0
    print(f"biggest collection of the biggest donor: {info['big_collection_devices']:,} "
          "devices")
    print(f"{'page':<58} {'as':<16} {'status':>6} {'median':>9}")
    for client, url, who in pages:
        median, status = timed(client, url, repeat)
        ok = status == 200 and median < TARGET_MS
        failures += not ok
        print(f"{url:<58} {who:<16} {status:>6} {median:>7.0f} ms{'' if ok else '  <-- SLOW'}")
    started = time.perf_counter()
    response = admin.post("/reports/annual", data={"year": "2025"})
    print(f"annual report 2025 issued (POST, PDF): {response.status_code} in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"{'OK' if not failures else 'TOO SLOW'}: {len(pages) - failures}/{len(pages)} pages "
          f"under {TARGET_MS:.0f} ms (median of {repeat})")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
