"""Wiping benchmarks, on a fresh migrated SQLite database in a temporary directory.

Run: .venv/bin/python scripts/benchmarks/wipe.py [--drives 5000] [--log-drives 100]
1. Erasure certificate of a collection of N drives (one per device, all with a passing
   record): queries + PDF rendering + storing the issued document. Target < 3 s for 5,000.
2. nwipe import of a synthetic log of M drives, all in the inventory: parse + match by serial
   + records + history events + commit. Target < 0.5 s for 100.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from refurb import create_app  # noqa: E402
from refurb.core.nwipe import parse_nwipe_log  # noqa: E402
from refurb.core.workshop_identity import WorkshopIdentity  # noqa: E402
from refurb.devices.models import Device, DeviceEvent, Drive  # noqa: E402
from refurb.donors.models import DonorOrganisation  # noqa: E402
from refurb.extensions import db  # noqa: E402
from refurb.intake.models import Collection  # noqa: E402
from tests.nwipe_synthetic import make_synthetic_log  # noqa: E402

CERT_TARGET_S = 3.0
IMPORT_TARGET_S = 0.5
NOW = datetime(2026, 11, 25, 12, 0)


def make_app(directory: Path):
    from flask_migrate import upgrade

    app = create_app({
        "ENV_NAME": "testing", "TESTING": True, "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'bench.db'}",
        "PUBLIC_BASE_URL": "https://refurb.example.org", "WORKSHOP_NAME": "Atelier banc d'essai",
    })
    with app.app_context():
        upgrade(revision="heads")
    return app


def seed_collection(count: int) -> Collection:
    """count devices with one drive each and a passing overwrite record, validated by a
    second person (so the certificate, not a provisional statement, is what is issued)."""
    from refurb.accounts.services import create_user
    from refurb.wiping.models import WipeRecord, WipeValidation

    operator = create_user(email="tech@bench.example", password="bench-password-1",
                           role="technician", display_name="Technicien Banc", now=NOW)
    validator = create_user(email="admin@bench.example", password="bench-password-1",
                            role="admin", display_name="Administrateur Banc", now=NOW)
    donor = DonorOrganisation(name="Grande Banque SA", siret="99934567100021", created_at=NOW)
    db.session.add(donor)
    db.session.flush()
    collection = Collection(number="COL-BENCH-0001", donor_id=donor.id, state="received",
                            created_at=NOW)
    db.session.add(collection)
    db.session.flush()
    db.session.execute(insert(Device), [{
        "asset_tag": f"RF-2026-{i:06d}", "device_type": "laptop", "make": "Dell",
        "model": "Latitude E7450", "serial": f"DL{i:08d}", "state": "wiping",
        "legal_status": "reuse", "collection_id": collection.id, "weight_estimated": True,
        "cpu": "", "chassis": "", "condition_notes": "", "created_at": NOW, "updated_at": NOW,
        "version": 1,
    } for i in range(1, count + 1)])
    device_ids = db.session.scalars(select(Device.id).order_by(Device.id)).all()
    db.session.execute(insert(Drive), [{
        "device_id": device_id, "model": "Samsung SSD 860 EVO 250GB", "serial": f"S3Z{i:09d}",
        "capacity_bytes": 250 * 10**9, "kind": "ssd", "created_at": NOW,
    } for i, device_id in enumerate(device_ids)])
    drives = db.session.execute(select(Drive.id, Drive.device_id)).all()
    db.session.execute(insert(WipeRecord), [{
        "drive_id": drive_id, "media_kind": "ssd", "outcome": "clear", "technique": "overwrite",
        "pattern": "0x00", "passes": 2, "tool": "nwipe", "tool_version": "0.34",
        "verification": "last_pass", "verification_passed": True, "result": "passed",
        "started_at": NOW - timedelta(hours=2), "finished_at": NOW - timedelta(hours=1),
        "pass_errors": 0, "verify_errors": 0, "fsync_errors": 0, "operator_id": operator.id,
        "host_device_id": device_id, "host_asset_tag": f"RF-2026-{device_id:06d}",
        "source": "station", "notes": "", "created_at": NOW, "created_by_id": operator.id,
    } for drive_id, device_id in drives])
    db.session.execute(insert(WipeValidation), [
        {"record_id": record_id, "validator_id": validator.id, "validated_at": NOW, "note": ""}
        for record_id in db.session.scalars(select(WipeRecord.id))])
    db.session.commit()
    return collection


def seed_log_inventory(text: str) -> None:
    found = parse_nwipe_log(text).drives
    start = db.session.scalar(select(db.func.count()).select_from(Device)) or 0
    db.session.execute(insert(Device), [{
        "asset_tag": f"RF-2027-{start + i:06d}", "device_type": "desktop", "make": "HP",
        "model": "EliteDesk", "state": "wiping", "legal_status": "reuse",
        "weight_estimated": True, "cpu": "", "chassis": "", "condition_notes": "",
        "created_at": NOW, "updated_at": NOW, "version": 1,
    } for i in range(len(found))])
    ids = db.session.scalars(
        select(Device.id).where(Device.asset_tag.like("RF-2027-%")).order_by(Device.id)).all()
    db.session.execute(insert(Drive), [{
        "device_id": device_id, "model": d.model or "", "serial": d.serial,
        "capacity_bytes": d.size_bytes, "kind": "hdd", "created_at": NOW,
    } for device_id, d in zip(ids, found, strict=True)])
    db.session.commit()


def bench_certificate(count: int) -> float:
    from refurb.wiping import certificates

    collection = seed_collection(count)
    issuer = certificates.Issuer(WorkshopIdentity(
        name="Atelier banc d'essai", address="2 rue de la Mairie", postal_code="59970",
        city="Fresnes-sur-Escaut", siret="99923456000012", email="atelier@bench.example"))
    t0 = time.perf_counter()
    document, created = certificates.issue_collection_certificate(
        collection, issuer=issuer, actor_id=None, now=NOW)
    db.session.commit()
    elapsed = time.perf_counter() - t0
    assert created and document.summary["drive_count"] == count
    assert document.kind == "erasure_certificate"
    print(f"certificate: {count} drives in {elapsed:.2f} s "
          f"({len(document.content) / 1e6:.1f} MB PDF, {document.number}) — "
          f"target < {CERT_TARGET_S:.1f} s: {'OK' if elapsed < CERT_TARGET_S else 'TOO SLOW'}")
    return elapsed


def bench_import(count: int) -> float:
    from refurb.wiping import log_import
    from refurb.wiping.models import WipeRecord

    text = make_synthetic_log(count, seed=2026, failed=[3], aborted=[5])
    seed_log_inventory(text)
    data = text.encode()
    db.session.remove()  # nothing cached: the import reads the inventory from the database
    t0 = time.perf_counter()
    outcome = log_import.import_nwipe_log("bench.log", data, actor_id=None, now=NOW)
    db.session.commit()
    elapsed = time.perf_counter() - t0
    assert len(outcome.recorded) == count and not outcome.pending
    events = db.session.scalar(select(db.func.count()).select_from(DeviceEvent))
    records = db.session.scalar(select(db.func.count()).select_from(WipeRecord))
    print(f"nwipe import: {count} drives ({len(data) / 1e3:.0f} kB log) in {elapsed * 1000:.0f} ms"
          f" ({records} records, {events} events in total) — target < {IMPORT_TARGET_S:.1f} s: "
          f"{'OK' if elapsed < IMPORT_TARGET_S else 'TOO SLOW'}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drives", type=int, default=5000)
    parser.add_argument("--log-drives", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(Path(tmp))
        with app.app_context():
            cert = bench_certificate(args.drives)
            imp = bench_import(args.log_drives)
            db.session.remove()
            db.engine.dispose()
    return 0 if cert < CERT_TARGET_S and imp < IMPORT_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
