"""refurb-station end to end against a live test server: real HTTP, the shared fixtures'
dmidecode, smartctl and nwipe outputs, the spool on disk. A report makes the device and its
drive, a log written on that machine lands on that drive, and with the server down everything
waits in the spool and is delivered once, exactly once, when it comes back."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from refurb.core.hardware import smartctl
from refurb.devices.models import Device, Drive
from refurb.station import cli
from refurb.station.config import load
from refurb.station.sender import Sender, send_with_backoff
from refurb.station.spool import Item, Spool, backoff
from refurb.wiping.models import WipeLog, WipeRecord
from tests.api.conftest import free_port
from tests.intake.helpers import FIXTURES, open_collection
from tests.nwipe_synthetic import make_synthetic_log

STATION = Path(cli.__file__).parent
MACHINE = [("dmidecode", "Laptop-Dell-Latitude_E6410.txt"),
           ("smartctl", "hdd-sata-2.5in-APPLE_HDD_HTS541010A9E632-passed.txt")]
LOG = "nwipe_2026-11-25_09-00-00.txt"


def machine_log() -> str:
    """nwipe as run on that machine: it wipes the drive its smartctl output describes."""
    drive = smartctl.parse_text(FIXTURES.joinpath(*MACHINE[1]).read_text()).drives[0]
    return make_synthetic_log(1, method="zero", drives_given=[
        (drive.model, "ATA", drive.serial, drive.capacity_bytes)])


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def bench(tmp_path, db, token):
    """A station's folders: saved outputs of the machine, a log folder, a config, a spool.
    Before each run the test's own transaction ends: on SQLite it would hold the write lock
    the live server needs."""
    collection = open_collection()
    db.session.commit()
    reports = tmp_path / "reports"
    reports.mkdir()
    for folder, name in MACHINE:
        shutil.copy(FIXTURES / folder / name, reports / name)
    secret = token("technician", "station")

    class Bench:
        def __init__(self) -> None:
            self.reports, self.logs = reports, tmp_path / "logs"
            self.logs.mkdir()
            self.collection = collection
            self.collection_id = collection.id
            self.config = tmp_path / "station.conf"
            self.spool = tmp_path / "spool"
            self.lines: list[str] = []

        def configure(self, server: str) -> None:
            self.config.write_text(f"[station]\nserver = {server}\ntoken = {secret}\n"
                                   f"collection = {self.collection_id}\nlanguage = fr\n"
                                   f"spool = {self.spool}\n", encoding="utf-8")

        def run(self, *args: str) -> int:
            db.session.commit()
            self.lines.clear()
            return cli.main(["--config", str(self.config), *args], out=self.lines.append)

        @property
        def said(self) -> str:
            return "\n".join(self.lines)

        def drop_log(self) -> Path:
            path = self.logs / LOG
            path.write_text(machine_log(), encoding="utf-8")
            old = path.stat().st_mtime - 60  # written a minute ago: finished
            os.utime(path, (old, old))
            return path

    return Bench()


def test_a_report_makes_the_device_and_a_log_lands_on_its_drive(bench, serve, db):
    bench.configure(serve())
    assert bench.run("report", "--from", str(bench.reports)) == 0
    device = db.session.scalar(select(Device))
    assert device.asset_tag in bench.said and f"/devices/{device.id}" in bench.said
    assert (device.make, device.device_type) == ("Dell Inc.", "laptop")
    [drive] = device.drives
    assert drive.model == "APPLE HDD HTS541010A9E632"
    assert f"support : {drive.model}" in bench.said
    assert list((bench.spool / "sent").glob("report-*.json")), "a local copy of what was sent"

    bench.drop_log()
    assert bench.run("watch", str(bench.logs), "--once") == 0
    record = db.session.scalar(select(WipeRecord))
    assert record.drive_id == drive.id and record.source == "nwipe"
    assert f"enregistré sur le support n° {drive.id}" in bench.said

    # Nothing new in the folder: nothing is sent again.
    assert bench.run("watch", str(bench.logs), "--once") == 0
    assert bench.said == "" and count(db, WipeLog) == 1


def test_with_the_server_down_it_spools_then_delivers_exactly_once(bench, serve, db):
    port = free_port()
    bench.configure(f"http://127.0.0.1:{port}")
    assert bench.run("report", "--from", str(bench.reports), "--wait", "0") == cli.EX_SPOOLED
    assert "Mis en attente" in bench.said
    bench.drop_log()
    assert bench.run("watch", str(bench.logs), "--once", "--tag", "RF-2026-000001"
                     ) == cli.EX_SPOOLED
    assert len(list((bench.spool / "outbox").glob("*.json"))) == 2
    assert count(db, Device) == 0

    serve(port=port)  # the server is back
    assert bench.run("send") == 0
    assert count(db, Device) == 1 and count(db, WipeLog) == 1
    assert not list((bench.spool / "outbox").glob("*.json"))
    record = db.session.scalar(select(WipeRecord))
    device = db.session.scalar(select(Device))
    assert device.asset_tag == "RF-2026-000001" and record.drive_id == device.drives[0].id

    assert bench.run("send") == 0 and "Rien en attente" in bench.said
    assert bench.run("report", "--from", str(bench.reports)) == 0
    assert "Déjà envoyé" in bench.said
    assert count(db, Device) == 1 and count(db, Drive) == 1


def test_a_lost_answer_is_replayed_not_redone(bench, serve, db):
    bench.configure(serve())
    assert bench.run("report", "--from", str(bench.reports)) == 0
    first = bench.said
    # The answer never reached the station (say it crashed): it sends the same report again.
    shutil.rmtree(bench.spool / "sent")
    assert bench.run("report", "--from", str(bench.reports)) == 0
    assert bench.said == first
    assert count(db, Device) == 1 and count(db, Drive) == 1


def test_a_refusal_is_kept_with_its_reason(bench, serve, db):
    bench.collection.state = "closed"
    number = bench.collection.number
    db.session.commit()
    bench.configure(serve())
    assert bench.run("report", "--from", str(bench.reports)) == cli.EX_REFUSED
    assert "Refusé (409)" in bench.said and number in bench.said
    assert list((bench.spool / "refused").glob("report-*.json"))
    assert count(db, Device) == 0


def test_a_dry_run_shows_and_sends_nothing(bench, serve, db):
    bench.configure(serve())
    assert bench.run("report", "--from", str(bench.reports), "--dry-run") == 0
    assert f"collecte {bench.collection_id}" in bench.said
    assert "Laptop-Dell-Latitude_E6410.txt" in bench.said
    bench.drop_log()
    assert bench.run("watch", str(bench.logs), "--once", "--dry-run") == 0
    assert LOG[1] in bench.said
    assert count(db, Device) == 0 and count(db, WipeLog) == 0
    assert not list(bench.spool.glob("*/*.json"))


def test_a_tagged_machine_gets_its_missing_drives(bench, serve, db):
    from tests.factories import make_device

    tag = make_device(collection=bench.collection).asset_tag
    db.session.commit()
    bench.configure(serve())
    assert bench.run("report", "--from", str(bench.reports), "--tag", tag) == 0
    assert count(db, Device) == 1 and count(db, Drive) == 1
    assert tag in bench.said


def test_back_off_doubles_and_gives_up_to_the_spool(tmp_path, bench):
    assert [backoff(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert backoff(20) == 300 and backoff(1, retry_after=30) == 30
    bench.configure(f"http://127.0.0.1:{free_port()}")
    spool = Spool(tmp_path / "spool-backoff")
    item = Item(key="report-x", kind="report", target={"collection": 1},
                payload={"reports": ["x"]}, created_at=0)
    spool.add(item)
    slept: list[float] = []
    result = send_with_backoff(spool, Sender(load(str(bench.config))), item, wait_s=10,
                               sleep=slept.append, clock=lambda: sum(slept))
    assert result.state == "retry" and slept == [2, 4]  # 8 more would pass the 10 s
    assert [i.attempts for i in spool.waiting()] == [3]


def test_the_station_needs_only_the_standard_library_and_requests():
    allowed = set(sys.stdlib_module_names) | {"requests"}
    for path in STATION.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


def test_the_command_runs_as_a_program(bench, serve):
    bench.configure(serve())
    done = subprocess.run([sys.executable, "-m", "refurb.station", "--config", str(bench.config),
                           "report", "--from", str(bench.reports), "--dry-run"],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert "Envoi prévu" in done.stdout
