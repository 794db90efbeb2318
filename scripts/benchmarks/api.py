"""REST API under gunicorn: hardware reports posted per second, device GETs per second.

Run: scripts/bench api   or   .venv/bin/python scripts/benchmarks/api.py [--reports 2000]
     [--gets 4000] [--workers 2] [--threads 8] [--database-url postgresql+psycopg://…]

A fresh SQLite database (WAL) in a temp dir, migrated to "heads", one collection and a
station token; then gunicorn with N sync workers on a free localhost port, and client threads
sending what a bench station sends: a laptop's dmidecode dump plus one `smartctl --json` per
drive (two drives), each with its own Idempotency-Key, through the real stack (token lookup,
rate-limit counter in the database, parsers, device + drives + event, stored answer). Then
GETs of random devices. The rate limit stays on, raised so the benchmark's single token is
not throttled (REFURB_API_RATE_LIMIT). Target: >= 200 reports/s on SQLite with 2 workers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"
REPORTS = [FIXTURES / "dmidecode" / "Notebook-Lenovo-ThinkPad_T480_20L6S52C0L.txt",
           FIXTURES / "smartctl_json" / "ata-ssd-Crucial_MX500-passed.json",
           FIXTURES / "smartctl_json" / "nvme-WDC_PC_SN520-passed.json"]
TARGET_REPORTS_PER_S = 200


def prepare(database_url: str) -> tuple[int, str]:
    """Migrated database with a donor, a received collection and a station token."""
    from flask_migrate import upgrade

    from refurb import create_app
    from refurb.accounts import api_tokens
    from refurb.accounts.services import create_user
    from refurb.clock import utcnow
    from refurb.donors.models import DonorOrganisation
    from refurb.extensions import db
    from refurb.intake.models import Collection

    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        now = utcnow()
        donor = DonorOrganisation(name="Banque du Nord", created_at=now)
        db.session.add(donor)
        db.session.flush()
        collection = Collection(number="COL-2026-0001", donor_id=donor.id, state="received",
                                created_at=now)
        db.session.add(collection)
        user = create_user(email="banc@atelier.example", password="bench-password-1",
                           role="technician", now=now)
        _, secret = api_tokens.create_token(user, "banc", ["station", "read"], now=now)
        db.session.commit()
        collection_id = collection.id
        db.engine.dispose()
    return collection_id, secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int, database_url: str, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REFURB_ENV_NAME": "production",
           "REFURB_SECRET_KEY": "bench-secret-" + "x" * 32, "REFURB_DATABASE_URL": database_url,
           "REFURB_API_RATE_LIMIT": "1000000 per minute", "REFURB_SESSION_COOKIE_SECURE": "false"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with (tmp / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "--chdir", str(ROOT), "wsgi:app"],
            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start: " + (tmp / "gunicorn.log").read_text()[-2000:])


def hammer(port: int, threads: int, requests: list[tuple[str, str, bytes | None, dict]]
           ) -> tuple[float, list[float], dict[int, int]]:
    """Send every request from `threads` client threads; (seconds, latencies, statuses)."""
    queue = list(reversed(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                method, path, body, headers = queue.pop()
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def workers_cpu_seconds(server_pid: int) -> float | None:
    """CPU time (user + system) of gunicorn's workers so far, read from /proc (Linux)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == server_pid:  # ppid
                total += (int(fields[11]) + int(fields[12])) / ticks
    except OSError:
        return None
    return total


def describe(name: str, count: int, seconds: float, latencies: list[float],
             statuses: dict[int, int], cpu_seconds: float | None = None) -> float:
    rate = count / seconds
    cuts = statistics.quantiles(latencies, n=100)
    cpu = (f"; workers' CPU {cpu_seconds / count * 1000:.1f} ms per request"
           if cpu_seconds else "")
    print(f"{name}: {count} in {seconds:.2f} s = {rate:.0f}/s "
          f"(latency p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms; "
          f"statuses {dict(sorted(statuses.items()))}{cpu})")
    return rate


def _spent(before: float | None, after: float | None) -> float | None:
    return after - before if before is not None and after is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--gets", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", help="PostgreSQL URL of an EMPTY database to use "
                        "instead of a temporary SQLite file")
    args = parser.parse_args()
    texts = [path.read_text(encoding="utf-8") for path in REPORTS]

    with tempfile.TemporaryDirectory(prefix="refurb-bench-api-") as tmp:
        tmp_path = Path(tmp)
        database_url = args.database_url or f"sqlite:///{tmp_path / 'bench.db'}"
        collection_id, secret = prepare(database_url)
        port = free_port()
        server = start_gunicorn(port, args.workers, database_url, tmp_path)
        try:
            auth = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}
            posts = [("POST", f"/api/v1/collections/{collection_id}/hardware-reports",
                      json.dumps({"reports": texts}).encode(),
                      {**auth, "Content-Type": "application/json",
                       "Idempotency-Key": f"bench-report-{n}"})
                     for n in range(args.reports)]
            hammer(port, args.threads, posts[:20])  # warm both workers up
            cpu_before = workers_cpu_seconds(server.pid)
            seconds, latencies, statuses = hammer(port, args.threads, posts[20:])
            cpu_reports = _spent(cpu_before, workers_cpu_seconds(server.pid))
            print(f"SQLite WAL, {args.workers} gunicorn sync workers, {args.threads} client "
                  f"threads, 1 token; {os.cpu_count()} CPU(s) shared with the client"
                  if not args.database_url else f"{database_url.split('@')[0]}…, "
                  f"{args.workers} workers, {args.threads} client threads")
            rate = describe("hardware reports (device + 2 drives each)", len(posts) - 20,
                            seconds, latencies, statuses, cpu_reports)
            gets = [("GET", f"/api/v1/devices/{random.randint(1, args.reports)}", None, auth)
                    for _ in range(args.gets)]
            cpu_before = workers_cpu_seconds(server.pid)
            measured = hammer(port, args.threads, gets)
            describe("device GETs", len(gets), *measured,
                     _spent(cpu_before, workers_cpu_seconds(server.pid)))
            print(f"load average now: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
                  if Path("/proc/loadavg").exists() else "")
        finally:
            server.terminate()
            server.wait(timeout=30)
        verdict = "OK" if rate >= TARGET_REPORTS_PER_S else "BELOW TARGET"
        print(f"target >= {TARGET_REPORTS_PER_S} reports/s: {verdict}")
        return 0 if rate >= TARGET_REPORTS_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
