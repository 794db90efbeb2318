"""Load: concurrent clients against gunicorn while a 40,000-row CSV import holds the database.

Run: scripts/bench load   [--clients 20] [--client-processes 1] [--rows 40000] [--workers 2 4]
                          [--database-url URL]

For each worker count: a fresh database (SQLite in a temp dir, or the PostgreSQL database given
with --database-url, emptied first) with the demo workshop; gunicorn started with
gunicorn.conf.py; N clients signed in as technicians and donors, mixing scans, page reads and
small writes (notes on a device), for as long as a 40,000-row import takes. Each client is a
browser tab: one kept-alive HTTP/1.1 connection, its cookies, a pause of 0 to 50 ms between
requests; they run as asyncio tasks in processes apart from this one, so their latency is the
server's answer rather than their own wait for a Python thread's turn. The import file is
uploaded and the import job queued beforehand, as the mapping page does; the job then runs
through the job runner (check, then the one write transaction), in a process of its own like
the job consumer.
Prints p50/p95/max latency and errors per mix, measured during the import (and, to compare,
during --baseline seconds of the same load before it), the import's wall and CPU time, the
load average of the machine before and after (it is shared: compare runs made under a similar
load), and the gunicorn workers' CPU time per request, which does not depend on the load.
Target: 0 errors; reads p95 < 300 ms during the import.
`--clients 0` measures the import alone (on PostgreSQL: the CPU of its server processes).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.benchmarks.processes import cpu_seconds  # noqa: E402

PASSWORD = "demo-refurb-2026"
TECHNICIAN, DONOR = "technicien@demo.refurb.test", "donateur@demo.refurb.test"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Connection:
    """One browser tab: HTTP/1.1 on one kept-alive connection, with its cookies. Standard
    library asyncio, so that twenty of them in one process cost the machine little and measure
    the server's answer, not their own turn for the interpreter (threads would wait for it)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        """(status, body); one reconnection if the server closed the idle connection."""
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(path, data)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str, data: dict | None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else b""
        lines = [f"{'POST' if data is not None else 'GET'} {path} HTTP/1.1",
                 f"Host: {self.host}:{self.port}", "Accept-Language: fr"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded",
                      f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readuntil(b"\r\n")
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies[key.strip()] = cookie.strip()
        if chunked:
            parts = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            content = b"".join(part[:-2] for part in parts)
        elif length is not None:
            content = await self.reader.readexactly(length)
        else:  # the body ends with the connection
            content, close = await self.reader.read(), True
        if close:
            self.close()
        return status, content.decode("utf-8", "replace")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def login(self, email: str) -> None:
        _, page = await self.request("/login")
        token = CSRF.search(page).group(1)
        status, _ = await self.request("/login", {"csrf_token": token, "email": email,
                                                  "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"login of {email} failed: {status}")


def prepare_database(url: str, rows: int, workdir: Path) -> dict:
    """Migrate, load the demo, add a collection ready for the import; return ids for clients."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from refurb import create_app
    from refurb.devices.models import Device
    from refurb.extensions import db
    from scripts.benchmarks.intake import write_csv

    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": "bench", "INSTANCE_PATH":
                      str(workdir / "instance"), "SQLALCHEMY_DATABASE_URI": url,
                      "JOBS_IMMEDIATE": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        from refurb.clock import utcnow
        from refurb.demo import load_demo
        from refurb.intake import asset_lists
        from refurb.intake.jobs import IMPORT_KIND
        from refurb.intake.models import Collection
        from refurb.jobs import enqueue

        load_demo()
        collection = Collection(number="COL-2026-9001", donor_id=1, state="received",
                                created_at=utcnow())
        db.session.add(collection)
        db.session.commit()
        devices = db.session.execute(select(Device.id, Device.asset_tag).limit(40)).all()
        info = {"collection_id": collection.id, "devices": [(d.id, d.asset_tag) for d in devices]}
        # What the upload and mapping pages do before the job runs.
        csv_path = workdir / "parc.csv"
        write_csv(csv_path, rows)
        record = asset_lists.store_upload(collection, filename="parc.csv",
                                          content=csv_path.read_bytes(), actor_id=None,
                                          now=utcnow())
        job = enqueue(IMPORT_KIND, {"collection_id": collection.id, "import_id": record.id,
                                    "choices": asset_lists.upload_choices(record).to_dict(),
                                    "prefix": "RF"}, actor_id=None, now=utcnow())
        db.session.commit()
        info["job_id"] = job.id
        db.session.remove()
        db.engine.dispose()
    return info


IMPORT_CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import event
from refurb import create_app
from refurb.extensions import db
from refurb.jobs import get_job
from refurb.jobs import runner
from refurb.jobs.runner import execute, yield_to_requests
from scripts.benchmarks.processes import cpu_seconds
paused = [0.0]  # seconds the job paused between chunks for the requests (PostgreSQL)
pace = runner.Pacer.__call__
def counted(self):
    seconds = pace(self)
    paused[0] += seconds
    return seconds
runner.Pacer.__call__ = counted
app = create_app({{"ENV_NAME": "testing", "SECRET_KEY": "bench", "INSTANCE_PATH": {inst!r},
                  "SQLALCHEMY_DATABASE_URI": {url!r}, "JOBS_IMMEDIATE": False,
                  **({{"JOBS_DATABASE_PAUSE": {pause!r}}} if {pause!r} is not None else {{}})}})
backends = set()
with app.app_context():
    if db.engine.dialect.name == "postgresql":
        @event.listens_for(db.engine, "connect")
        def remember_backend(connection, record):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])

def backends_cpu():
    return sum(cpu_seconds(pid) or 0.0 for pid in backends)

yield_to_requests(app)  # as the job consumer does
print("started", flush=True)  # the clients' measures start now, not at the process start
started, cpu, db_cpu = time.perf_counter(), time.process_time(), backends_cpu()
outcome = execute(app, {job_id})
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
db_cpu = backends_cpu() - db_cpu  # its connections stay in the pool: their servers live on
with app.app_context():
    job = get_job({job_id})
    print(outcome, job.done, round(seconds, 2), round(cpu, 2), round(db_cpu, 2),
          round(paused[0], 2), job.error or "")
"""


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn's master, its live workers and the
    workers it has already replaced (max_requests), from /proc (Linux)."""
    return sum(cpu_seconds(process, reaped_children=process == pid) or 0.0
               for process in [pid, *_children(pid)])


def database_server_cpu(database: str | None) -> float:
    """CPU seconds used so far by the PostgreSQL server processes on this machine working for
    `database` (its backends, autovacuum on it) and for everyone (WAL writer, checkpointer,
    background writer); 0 when the server runs elsewhere or the database is SQLite. Other
    databases of a shared server are left out. The requests' backends live as long as
    gunicorn's pools; a backend that exits before the second reading is not counted."""
    if not database:
        return 0.0
    shared = (b"postgres: walwriter", b"postgres: checkpointer", b"postgres: background writer")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ") + b" "
            if not (title.startswith(shared)
                    or title.startswith(b"postgres: ") and f" {database} ".encode() in title):
                continue
        except OSError:
            continue
        total += cpu_seconds(int(entry.name)) or 0.0
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


async def one_client(client: Connection, index: int, info: dict, stop, results: list
                     ) -> None:
    rng = random.Random(index)
    donor = index % 5 == 4
    devices = info["devices"]
    while not stop.is_set():
        device_id, tag = rng.choice(devices)
        roll = rng.random()
        if donor:
            mix, path, data = "read", "/portal/", None
        elif roll < 0.35:
            mix, path, data = "scan", f"/scan?q={tag}", None
        elif roll < 0.85:
            mix, path, data = "read", rng.choice(["/devices", f"/devices/{device_id}", "/"]), None
        else:
            try:
                _, page = await client.request(f"/devices/{device_id}")
            except (OSError, asyncio.IncompleteReadError):
                page = ""
            found = CSRF.search(page)
            mix, path = "write", f"/devices/{device_id}/note"
            data = {"csrf_token": found.group(1) if found else "", "note": "Contrôle visuel"}
        started = time.monotonic()
        try:
            status, _ = await asyncio.wait_for(client.request(path, data), 60)
            error = status >= 500 or (mix == "write" and status != 302)
        except Exception:  # a refused connection or a timeout counts as an error
            status, error = 0, True
            client.close()
        results.append((started, time.monotonic(), mix, error, status))
        await asyncio.sleep(rng.uniform(0.0, 0.05))
    client.close()


def clients_process(port: int, indexes: range, info: dict, ready, stop, out) -> None:
    """A process of clients (started with fork): signs them in, says so on `ready`, runs them
    until `stop`, then sends (start, end, mix, error, status) of every request on `out`. Times
    are time.monotonic(): one clock for every process of the machine."""
    results: list = []

    async def main() -> None:
        clients = {i: Connection("127.0.0.1", port) for i in indexes}
        await asyncio.gather(*(c.login(DONOR if i % 5 == 4 else TECHNICIAN)
                               for i, c in clients.items()))
        ready.set()
        await asyncio.gather(*(one_client(c, i, info, stop, results)
                               for i, c in clients.items()))

    asyncio.run(main())
    out.send(results)


def run(workers: int, clients: int, rows: int, database_url: str | None,
        baseline: float, pause: float | None = None, client_processes: int = 1) -> None:
    with tempfile.TemporaryDirectory(prefix="refurb-load-") as tmp:
        workdir = Path(tmp)
        url = database_url or f"sqlite:///{workdir / 'load.db'}"
        database = make_url(url).database if database_url else None
        info = prepare_database(url, rows, workdir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "REFURB_DATABASE_URL": url, "REFURB_INSTANCE_PATH":
               str(workdir / "instance"), "REFURB_ENV_NAME": "development",
               "REFURB_LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
               # One key for every worker (each would otherwise race to create its own file).
               "REFURB_SECRET_KEY": "bench-load-secret"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        context = multiprocessing.get_context("fork")
        stop, processes, pipes = context.Event(), [], []
        try:
            wait_for(base)
            for part in range(client_processes if clients else 0):
                ready, (receive, send) = context.Event(), context.Pipe(duplex=False)
                process = context.Process(target=clients_process, args=(
                    port, range(part, clients, client_processes), info, ready, stop, send))
                process.start()
                if not ready.wait(120):
                    raise SystemExit("the clients could not sign in")
                processes.append(process)
                pipes.append(receive)
            time.sleep(2)  # everyone warmed up
            # The same clients without the import first: what the import itself costs them.
            quiet_cpu, quiet_database = process_tree_cpu(server.pid), database_server_cpu(database)
            quiet_window = (time.monotonic(), None)
            time.sleep(baseline if clients else 0)
            quiet_window = (quiet_window[0], time.monotonic())
            quiet_cpu = process_tree_cpu(server.pid) - quiet_cpu
            quiet_database = database_server_cpu(database) - quiet_database
            child = IMPORT_CHILD.format(root=str(ROOT), inst=str(workdir / "instance"), url=url,
                                        job_id=info["job_id"], pause=pause)
            importer = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        env={**env, "REFURB_LOG_LEVEL": "WARNING"})
            first = importer.stdout.readline()  # "started", once its app is built
            load_before = load_average()
            server_cpu = process_tree_cpu(server.pid)
            database_cpu = database_server_cpu(database)
            import_window = (time.monotonic(), None)
            rest, errors_out = importer.communicate()
            import_window = (import_window[0], time.monotonic())
            server_cpu = process_tree_cpu(server.pid) - server_cpu
            database_cpu = database_server_cpu(database) - database_cpu
            load_after = load_average()
            stop.set()
            results = [row for receive in pipes for row in receive.recv()]
            for process in processes:
                process.join(timeout=60)
        finally:
            stop.set()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        outcome = rest.split()
        if importer.returncode != 0 or not outcome or outcome[0] != "succeeded":
            sys.stderr.write(first + rest + errors_out)
            raise SystemExit("the import failed")
        imported, job_seconds, job_cpu = outcome[1], float(outcome[2]), float(outcome[3])
        import_database_cpu, paused = float(outcome[4]), float(outcome[5])
        engine = "postgresql" if database_url else "sqlite"
        # A request belongs to a phase when it started and ended within it.
        def within(window: tuple) -> list[tuple]:
            """(mix, ms, error, status) of the requests that started and ended within it."""
            return [(mix, (end - start) * 1000, error, status)
                    for start, end, mix, error, status in results
                    if window[0] <= start and end <= window[1]]

        during, quiet = within(import_window), within(quiet_window)
        print(f"\n{engine}, gunicorn {workers} workers, {clients} clients, import job of "
              f"{imported} rows: {job_seconds:.1f} s (its process's CPU {job_cpu:.1f} s; "
              f"paused {paused:.1f} s between chunks for the requests)")
        if not clients:  # the import alone
            print(f"  load average before {load_before}, after {load_after}"
                  + (f"; database server CPU of the import's connections "
                     f"{import_database_cpu:.1f} s" if database_url else ""))
            return
        print(f"  load average before {load_before}, after {load_after}; gunicorn CPU "
              f"{server_cpu * 1000 / max(1, len(during)):.1f} ms per request during the import, "
              f"{quiet_cpu * 1000 / max(1, len(quiet)):.1f} ms before it")
        if database_url:
            # The import's own server processes have exited by the end: counted apart.
            print(f"  database server CPU during the import {database_cpu:.1f} s for the "
                  f"requests ({database_cpu * 1000 / max(1, len(during)):.1f} ms per request; "
                  f"{quiet_database * 1000 / max(1, len(quiet)):.1f} ms before the import), "
                  f"{import_database_cpu:.1f} s for the import's own connections; "
                  f"gunicorn {server_cpu:.1f} s")
        print(f"  {'mix':<6} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
              f"{'errors':>6}   without the import: {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
        for mix in ("scan", "read", "write"):
            times = sorted(e for m, e, _, _ in during if m == mix)
            errors = sum(1 for m, _, err, _ in during if m == mix and err)
            if not times:
                continue
            before = sorted(e for m, e, _, _ in quiet if m == mix) or [0.0]
            print(f"  {mix:<6} {len(times):>8} {statistics.median(times):>8.0f} "
                  f"{_p95(times):>8.0f} {times[-1]:>8.0f} {errors:>6}   {'':>19}"
                  f"{len(before):>8} {statistics.median(before):>8.0f} {_p95(before):>8.0f}")
        statuses = sorted({s for *_, err, s in results if err})
        if statuses:
            print(f"  error statuses: {statuses}")


def _p95(times: list[float]) -> float:
    return times[min(len(times) - 1, int(0.95 * len(times)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=1,
                        help="processes the clients are spread over")
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--baseline", type=float, default=15,
                        help="seconds of the same load measured before the import starts")
    parser.add_argument("--pause", type=float, default=None,
                        help="JOBS_DATABASE_PAUSE for the import (0: it never pauses for the "
                             "requests); the configured default otherwise")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--database-url", default=os.environ.get("REFURB_BENCH_DATABASE_URL"),
                        help="PostgreSQL URL of a database this benchmark may empty")
    args = parser.parse_args(argv)
    for workers in args.workers:
        run(workers, args.clients, args.rows, args.database_url, args.baseline, args.pause,
            args.client_processes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
