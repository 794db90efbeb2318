"""REST API under gunicorn: hardware reports posted per second, device GETs per second.

Run: scripts/bench api   or   .venv/bin/python scripts/benchmarks/api.py [--reports 2000]
     [--gets 4000] [--workers 2] [--clients 2] [--connections 4] [--keep-alive]
     [--lock-held]
     [--database-url postgresql+psycopg://…] [--in-process 200] [--no-http]

A fresh SQLite database (WAL) in a temp dir, migrated to "heads", one collection and a
station token; then gunicorn as deployed (gunicorn.conf.py: gthread workers, keep-alive, JSON
access log) with N workers on a free localhost port. Load comes from client PROCESSES (not
threads of this one), each sending on N connections at once, with every request built
before the clock starts, so the client takes little of the CPU the server needs; its own
CPU per request is printed beside the server's.

Each report is what a bench station sends: a laptop's dmidecode dump (its own serial) plus one
`smartctl --json` per drive (two drives, their own serials), with its own Idempotency-Key,
through the real stack (token lookup, rate-limit numbers taken in blocks from the counter in
the database, parsers, serial check, device + drives + event, stored answer). Then GETs of random devices. The rate limit
stays on, raised so the benchmark's single token is not throttled (REFURB_API_RATE_LIMIT).

Printed per phase: requests/s, latency p50/p95, errors (any answer but 2xx, or a failed
connection), and the gunicorn workers' CPU time per request (from /proc, workers are not
recycled during the run) with each worker's share of it: on a noisy machine, judge progress by
the CPU ms, not the rate. Each report comes on a connection of its own, as stations send
them: one report per machine, minutes apart, when gunicorn closes a connection idle for 5 s.
The workers then share the reports evenly, and each report costs its connection's setup.
`--keep-alive` sends them on kept-alive connections instead (the GETs always are, as a
browser's or a script's): a connection stays with the worker that accepted it, and now and
then one worker accepts all eight; one process then does all the work (its share near
100 %), at 130 to 160 reports/s. `--lock-held` times, in the workers themselves, how long
each transaction holds SQLite's write lock under this load (the warm-up's reports included),
and what share of the reports' run the lock was held: near 100 %, the lock is the limit.
`--in-process N` also measures, without HTTP, the CPU time and SQL statements of one report
and one GET through Flask's test client (what a profiler sees), and how long each report
holds SQLite's write lock: from BEGIN IMMEDIATE granted to the end of its COMMIT, in wall
and CPU time (one writer at a time: 1 / that time bounds the reports per second of all
workers together). `--no-http` gives only these figures (no gunicorn run);
BENCH_PROFILE=file writes a cProfile (CPU time) of the reports, BENCH_SQL=1 prints the
statements.
Target: >= 200 reports/s on SQLite with 2 workers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures"
DMIDECODE = FIXTURES / "dmidecode" / "Notebook-Lenovo-ThinkPad_T480_20L6S52C0L.txt"
SMARTCTL = (FIXTURES / "smartctl_json" / "ata-ssd-Crucial_MX500-passed.json",
            FIXTURES / "smartctl_json" / "nvme-WDC_PC_SN520-passed.json")
TARGET_REPORTS_PER_S = 200
WARM_UP = 40

Request = tuple[str, str, bytes | None, dict[str, str]]


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


def report_texts(n: int) -> list[str]:
    """The n-th machine's reports: the fixtures with serials of its own (machine and drives),
    as a real day at the bench sends them."""
    dmidecode = DMIDECODE.read_text(encoding="utf-8").replace(
        "System Information\n\tManufacturer: LENOVO\n\tProduct Name: 20L6S52C0L\n"
        "\tVersion: ThinkPad T480\n\tSerial Number: --",
        "System Information\n\tManufacturer: LENOVO\n\tProduct Name: 20L6S52C0L\n"
        f"\tVersion: ThinkPad T480\n\tSerial Number: PF1B{n:06d}", 1)
    drives = []
    for index, path in enumerate(SMARTCTL):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["serial_number"] = f"BENCH{index}{n:08d}"
        drives.append(json.dumps(data))
    return [dmidecode, *drives]


def report_posts(collection_id: int, secret: str, count: int, offset: int = 0
                 ) -> list[Request]:
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr",
               "Content-Type": "application/json"}
    return [("POST", f"/api/v1/collections/{collection_id}/hardware-reports",
             json.dumps({"reports": report_texts(n)}).encode(),
             {**headers, "Idempotency-Key": f"bench-report-{n}"})
            for n in range(offset, offset + count)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --lock-held: the deployed configuration plus hooks timing, in each worker, how long each
# transaction holds SQLite's write lock (from BEGIN IMMEDIATE granted to the end of COMMIT or
# ROLLBACK), written to a file per worker when it exits.
LOCK_HELD_CONFIG = """
exec(open({config!r}).read())
import os, time
def post_worker_init(worker):
    from refurb import database
    held, started = [], {{}}
    begin, leave = database.WriterQueue.begin_immediate, database.WriterQueue.leave
    def timed_begin(self, connection):
        begin(self, connection)
        started[id(connection.connection.dbapi_connection)] = time.perf_counter()
    def timed_leave(self, dbapi_connection):
        at = started.pop(id(getattr(dbapi_connection, "dbapi_connection", dbapi_connection)),
                         None)
        if at is not None:
            held.append(time.perf_counter() - at)
        return leave(self, dbapi_connection)
    database.WriterQueue.begin_immediate = timed_begin
    database.WriterQueue.leave = timed_leave
    worker.lock_held = held
def worker_exit(server, worker):
    with open(os.path.join({folder!r}, f"lock-held-{{os.getpid()}}.txt"), "w") as out:
        out.write("\\n".join(repr(x) for x in getattr(worker, "lock_held", [])))
"""


def lock_held(tmp: Path, reports_seconds: float) -> None:
    held = sorted(float(x) for f in tmp.glob("lock-held-*.txt")
                  for x in f.read_text().split() if x)
    if not held:
        return
    print(f"SQLite write lock under load (gunicorn workers): held {len(held)} times, median "
          f"{statistics.median(held) * 1000:.2f} ms, p90 {held[int(0.9 * len(held))] * 1000:.2f}"
          f" ms, in all {sum(held):.1f} s = {sum(held) / reports_seconds:.0%} of the reports' "
          "run")


def start_gunicorn(port: int, workers: int, database_url: str, tmp: Path,
                   time_lock: bool = False) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REFURB_ENV_NAME": "production",
           "REFURB_SECRET_KEY": "bench-secret-" + "x" * 32, "REFURB_DATABASE_URL": database_url,
           "REFURB_API_RATE_LIMIT": "1000000 per minute", "REFURB_SESSION_COOKIE_SECURE": "false",
           "REFURB_INSTANCE_PATH": str(tmp), "REFURB_PUBLIC_BASE_URL": "http://127.0.0.1"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # The deployed configuration; workers are not recycled during the run (--max-requests 0)
    # so that /proc still holds every CPU second they spent.
    config = ROOT / "gunicorn.conf.py"
    if time_lock:
        timed = tmp / "gunicorn-lock-held.conf.py"
        timed.write_text(LOCK_HELD_CONFIG.format(config=str(config), folder=str(tmp)))
        config = timed
    with (tmp / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "--config", str(config), "--workers",
             str(workers), "--max-requests", "0", "--bind", f"127.0.0.1:{port}",
             "--chdir", str(ROOT), "wsgi:app"],
            env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200 and len(worker_pids(server.pid)) == workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start: " + (tmp / "gunicorn.log").read_text()[-2000:])


# --- the load, from client processes -----------------------------------------------------


def _client(port: int, connections: int, requests: list[Request], ready, start, results,
            fresh: bool = False) -> None:
    """One client process: `connections` keep-alive connections (threads) sharing its part;
    with `fresh`, each request on a connection of its own, opened on the clock."""
    import threading

    queue = list(reversed(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    spans: list[float] = []

    def connect() -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def worker(connection: http.client.HTTPConnection) -> None:
        while True:
            with lock:
                if not queue:
                    return
                method, path, body, headers = queue.pop()
            started = time.monotonic()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if response.will_close or fresh:
                    connection.close()
                    connection = connect()
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = connect()
            ended = time.monotonic()
            with lock:
                latencies.append(ended - started)
                statuses[status] = statuses.get(status, 0) + 1
                spans.append(ended)

    pool = [threading.Thread(target=worker, args=(connect(),)) for _ in range(connections)]
    ready.wait()
    start.wait()
    cpu, began = time.process_time(), time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((began, max(spans, default=began), latencies, statuses,
                 time.process_time() - cpu))


def hammer(port: int, clients: int, connections: int, requests: list[Request],
           fresh: bool = False) -> dict:
    """Send every request from `clients` processes × `connections` keep-alive connections
    (`fresh`: a new connection for each request); the clock runs from the first request sent
    to the last answer read."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(clients + 1)
    start = context.Event()
    results = context.Queue()
    processes = [context.Process(target=_client, args=(
        port, connections, requests[i::clients], ready, start, results, fresh))
        for i in range(clients)]
    for process in processes:
        process.start()
    ready.wait()  # every connection open, every request built
    start.set()
    parts = [results.get() for _ in processes]
    for process in processes:
        process.join()
    statuses: dict[str, int] = {}
    for part in parts:
        for status, n in part[3].items():
            statuses[status] = statuses.get(status, 0) + n
    return {"seconds": max(p[1] for p in parts) - min(p[0] for p in parts),
            "latencies": [x for p in parts for x in p[2]], "statuses": statuses,
            "client_cpu": sum(p[4] for p in parts), "count": len(requests)}


# --- server CPU from /proc -----------------------------------------------------------------


def worker_pids(server_pid: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == server_pid:  # ppid
                pids.add(int(entry.name))
    return pids


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    """CPU time (user + system) each process still running has spent so far."""
    from scripts.benchmarks.processes import cpu_seconds as of_process

    return {pid: spent for pid in pids if (spent := of_process(pid)) is not None}


def measured(port: int, server: subprocess.Popen, args, requests: list[Request],
             fresh: bool = False) -> dict:
    pids = worker_pids(server.pid)
    before = cpu_seconds(pids)
    result = hammer(port, args.clients, args.connections, requests, fresh)
    after = cpu_seconds(worker_pids(server.pid))
    if set(after) != set(before):
        print("  (a worker was replaced during the run: its CPU time is lost)")
    spent = [after[p] - before[p] for p in before if p in after]
    result["server_cpu"] = sum(spent)
    result["worker_shares"] = [x / max(sum(spent), 1e-9) for x in sorted(spent, reverse=True)]
    return result


def describe(name: str, result: dict) -> float:
    count, seconds = result["count"], result["seconds"]
    rate = count / seconds
    cuts = statistics.quantiles(result["latencies"], n=100)
    errors = sum(n for status, n in result["statuses"].items() if not status.startswith("2"))
    print(f"{name}: {count} in {seconds:.2f} s = {rate:.0f}/s; latency p50 "
          f"{cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms; errors {errors} "
          f"(statuses {dict(sorted(result['statuses'].items()))})")
    shares = " / ".join(f"{share:.0%}" for share in result["worker_shares"])
    print(f"  CPU per request: server workers {result['server_cpu'] / count * 1000:.2f} ms "
          f"(shared {shares}), load clients {result['client_cpu'] / count * 1000:.2f} ms")
    return rate


def load_average() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


# --- in-process: CPU and SQL of one request, no HTTP ---------------------------------------


class LockClock:
    """Time the request transactions spend holding SQLite's write lock: from BEGIN IMMEDIATE
    granted (the engine's `begin` listeners run after the one that takes it) to the end of
    COMMIT or ROLLBACK (the dialect's own call, wrapped)."""

    def __init__(self, engine) -> None:  # noqa: ANN001
        from sqlalchemy import event

        from refurb.database import _TX_KEY, WRITE

        self.engine, self.wall, self.cpu, self.transactions, self.statements = engine, 0.0, 0.0, 0, 0
        self._started: dict[int, tuple[float, float]] = {}
        self._counting: set[int] = set()
        if engine.dialect.name != "sqlite":
            self._saved = {}
            return

        def on_begin(connection) -> None:  # noqa: ANN001
            tx = connection.info.get(_TX_KEY)
            if tx is not None and tx["mode"] == WRITE:
                key = id(connection.connection.dbapi_connection)
                self._started[key] = (time.perf_counter(), time.process_time())

        def on_statement(connection, *_args) -> None:  # noqa: ANN001
            if id(connection.connection.dbapi_connection) in self._started:
                self.statements += 1

        event.listen(engine, "begin", on_begin)
        event.listen(engine, "before_cursor_execute", on_statement)
        self._listeners = [("begin", on_begin), ("before_cursor_execute", on_statement)]
        self._unwatch = watch_driver_statements(on_statement)
        dialect = engine.dialect
        self._saved = {name: getattr(dialect, name) for name in ("do_commit", "do_rollback")}
        for name, end in self._saved.items():
            def ending(dbapi_connection, _end=end) -> None:  # noqa: ANN001
                try:
                    _end(dbapi_connection)
                finally:
                    raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
                    started = self._started.pop(id(raw), None)
                    if started is not None:
                        self.wall += time.perf_counter() - started[0]
                        self.cpu += time.process_time() - started[1]
                        self.transactions += 1
            setattr(dialect, name, ending)

    def stop(self) -> None:
        from sqlalchemy import event

        for name, end in self._saved.items():
            setattr(self.engine.dialect, name, end)
        for name, listener in getattr(self, "_listeners", ()):
            event.remove(self.engine, name, listener)
        if hasattr(self, "_unwatch"):
            self._unwatch()


def watch_driver_statements(listener) -> Callable[[], None]:  # noqa: ANN001
    """Call `listener(connection, None, sql)` for the statements run on the driver's cursor
    (refurb.database.DriverStatement), which the engine's events do not see; returns how to
    stop."""
    from refurb import database

    run = database._on_cursor

    def watched(connection, sql, parameters, many=False):  # noqa: ANN001, ANN202
        listener(connection, None, sql)
        return run(connection, sql, parameters, many)

    database._on_cursor = watched
    return lambda: setattr(database, "_on_cursor", run)


def in_process(database_url: str, collection_id: int, secret: str, count: int, tmp: Path
               ) -> None:
    """CPU time per report and per GET through Flask's test client (production config, same
    database), and the SQL statements of one of each."""
    from sqlalchemy import event

    from refurb import create_app
    from refurb.extensions import db

    environment = {"REFURB_ENV_NAME": "production", "REFURB_SECRET_KEY": "x" * 40,
                   "REFURB_DATABASE_URL": database_url, "REFURB_INSTANCE_PATH": str(tmp),
                   "REFURB_API_RATE_LIMIT": "1000000 per minute",
                   "REFURB_PUBLIC_BASE_URL": "http://127.0.0.1"}
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    # The access log is written as in production (JSON lines), to /dev/null; the handler
    # the migrations' logging configuration left on the root logger goes.
    logging.getLogger().handlers.clear()
    stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # noqa: SIM115
    try:
        app = create_app()
    finally:
        sys.stderr = stderr
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    client = app.test_client()
    posts = report_posts(collection_id, secret, count + 11, offset=10_000_000)
    auth = {"Authorization": f"Bearer {secret}"}
    statements: list[str] = []

    def count_statement(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def send(request: Request) -> int:
        method, path, body, headers = request
        return client.open(path, method=method, data=body, headers=headers).status_code

    for request in posts[:10]:
        send(request)
    with app.app_context():
        engine = db.engine
    lock = LockClock(engine)
    profile = None
    if os.environ.get("BENCH_PROFILE"):  # BENCH_PROFILE=file: cProfile of the reports
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
    started = time.process_time()
    answers = [send(request) for request in posts[10:-1]]
    post_cpu = (time.process_time() - started) / count
    if profile is not None:
        profile.disable()
        profile.dump_stats(os.environ["BENCH_PROFILE"])
    lock.stop()
    gets = [("GET", f"/api/v1/devices/{random.randint(1, count)}", None, auth)
            for _ in range(count)]
    started = time.process_time()
    answers += [send(request) for request in gets]
    get_cpu = (time.process_time() - started) / count
    event.listen(engine, "before_cursor_execute", count_statement)
    watch_driver_statements(count_statement)
    from refurb.api import side_connection

    for side in side_connection._sqlite_engines.values():
        event.listen(side, "before_cursor_execute", count_statement)
    send(posts[-1])
    post_statements = list(statements)
    statements.clear()
    send(gets[0])
    if os.environ.get("BENCH_SQL"):  # BENCH_SQL=1: the statements themselves
        for statement in (*post_statements, "--", *statements):
            print("  " + " ".join(statement.split())[:160])
    print(f"in-process (test client, no HTTP): report {post_cpu * 1000:.2f} ms CPU, "
          f"{len(post_statements)} SQL statements; device GET {get_cpu * 1000:.2f} ms CPU, "
          f"{len(statements)} SQL statements; statuses {sorted(set(answers))}")
    if lock.transactions:
        print(f"  SQLite write lock held per report: {lock.wall / count * 1000:.2f} ms "
              f"({lock.cpu / count * 1000:.2f} ms CPU), {lock.transactions / count:.2f} "
              f"write transactions and {lock.statements / count:.1f} statements per report, "
              "from BEGIN IMMEDIATE granted to the end of COMMIT")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--gets", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--connections", type=int, default=4,
                        help="connections at once per client process")
    parser.add_argument("--keep-alive", action="store_true",
                        help="the reports on kept-alive connections too, not each on a new "
                             "one as stations posting minutes apart send them")
    parser.add_argument("--lock-held", action="store_true",
                        help="time, in the gunicorn workers, how long each transaction holds "
                             "SQLite's write lock")
    parser.add_argument("--in-process", type=int, default=0, metavar="N",
                        help="also time N reports and N GETs in-process (test client)")
    parser.add_argument("--no-http", action="store_true",
                        help="only the in-process figures (no gunicorn run)")
    parser.add_argument("--database-url", help="PostgreSQL URL of an EMPTY database to use "
                        "instead of a temporary SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="refurb-bench-api-") as tmp:
        tmp_path = Path(tmp)
        database_url = args.database_url or f"sqlite:///{tmp_path / 'bench.db'}"
        collection_id, secret = prepare(database_url)
        warm = report_posts(collection_id, secret, WARM_UP, offset=1_000_000)
        posts = report_posts(collection_id, secret, args.reports)
        auth = {"Authorization": f"Bearer {secret}", "Accept-Language": "fr"}
        gets = [("GET", f"/api/v1/devices/{random.randint(1, args.reports)}", None, auth)
                for _ in range(args.gets)]
        if args.no_http:
            in_process(database_url, collection_id, secret, args.in_process or 200, tmp_path)
            return 0
        port = free_port()
        server = start_gunicorn(port, args.workers, database_url, tmp_path, args.lock_held)
        print(f"load average before: {load_average()}; {os.cpu_count()} CPU(s) shared by "
              f"server and clients")
        try:
            hammer(port, args.clients, args.connections, warm)  # both workers warmed up
            print(("SQLite WAL" if not args.database_url else database_url.split("@")[0] + "…")
                  + f", gunicorn.conf.py with {args.workers} workers; {args.clients} client "
                  f"processes × {args.connections} connections at once; 1 token")
            reports = measured(port, server, args, posts, fresh=not args.keep_alive)
            rate = describe("hardware reports (device + 2 drives each), "
                            + ("kept-alive connections" if args.keep_alive
                               else "a connection each"), reports)
            describe("device GETs", measured(port, server, args, gets))
        finally:
            server.terminate()
            server.wait(timeout=30)
        if args.lock_held:
            lock_held(tmp_path, reports["seconds"])
        print(f"load average after: {load_average()}")
        if args.in_process:
            in_process(database_url, collection_id, secret, args.in_process, tmp_path)
        verdict = "OK" if rate >= TARGET_REPORTS_PER_S else "BELOW TARGET"
        print(f"target >= {TARGET_REPORTS_PER_S} reports/s: {verdict}")
        return 0 if rate >= TARGET_REPORTS_PER_S else 1


if __name__ == "__main__":
    sys.exit(main())
