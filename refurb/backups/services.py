"""Backups that can be restored: one archive with the database, the instance files and a
manifest of SHA-256 sums, taken while the server keeps writing.

- SQLite: `VACUUM INTO` copies one consistent snapshot (a read transaction: writers go on),
  never the file plus a WAL caught half-way.
- PostgreSQL: `pg_dump --format=custom` on a snapshot exported by our own REPEATABLE READ
  transaction, so the manifest's row counts and document hashes describe exactly the dump.

Issued documents and uploaded CSV files live in the database (their bytes with their SHA-256),
so the database copy carries them; the manifest lists every document's SHA-256 again so a
restore can prove it got them back byte for byte. The instance folder (config.py, secret key)
comes along, except the database, the job queue and the backups themselves.

Archive layout (tar.gz): manifest.json, database.sqlite | database.pgdump, instance/…
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import MetaData, create_engine, inspect, select
from sqlalchemy.engine import Connection, Engine, make_url

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.retention import backups_to_delete
from refurb.extensions import db

FORMAT = "refurb-backup"
FORMAT_VERSION = 1
NAME_PATTERN = re.compile(r"^refurb-(?P<engine>sqlite|postgresql)-(?P<stamp>\d{8}-\d{6})"
                          r"(?P<nightly>-nightly)?\.tar\.gz$")
DUMP_NAMES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
DOCUMENTS_TABLE = "issued_documents"

Progress = Callable[..., None]


class BackupError(InvalidInput):
    """A backup, check or restore that cannot go on, with the reason in French."""


@dataclass
class Archive:
    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]


@dataclass
class BackupFile:
    path: Path
    engine: str
    taken_at: datetime  # UTC
    nightly: bool
    size: int


@dataclass
class CheckReport:
    manifest: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _no_progress(*_args, **_kwargs) -> None:
    return None


# --- create -------------------------------------------------------------------------------


def create_backup(app: Flask, *, out_dir: str | Path | None, now: datetime,
                  progress: Progress | None = None, nightly: bool = False) -> Archive:
    progress = progress or _no_progress
    engine = db.engine
    kind = _engine_kind(engine)
    out = Path(out_dir or app.config["BACKUP_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    name = f"refurb-{kind}-{now:%Y%m%d-%H%M%S}{'-nightly' if nightly else ''}.tar.gz"
    steps = 5
    with tempfile.TemporaryDirectory(prefix="refurb-backup-", dir=out) as tmp:
        work = Path(tmp)
        dump = work / DUMP_NAMES[kind]
        progress(0, steps, N_("Copie de la base de données"))
        if kind == "sqlite":
            _sqlite_snapshot(engine, dump)
            progress(1, steps, N_("Inventaire des tables et des documents"))
            inventory = _sqlite_inventory(dump)
        else:
            inventory = _pg_dump_with_inventory(app, engine, dump,
                                                lambda: progress(1, steps, N_("Inventaire")))
        progress(2, steps, N_("Fichiers de l’instance"))
        instance_files = _instance_files(app)
        members = {dump.name: dump, **{f"instance/{rel}": path for rel, path in instance_files}}
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": now.replace(tzinfo=UTC).isoformat(),
            "engine": kind,
            "nightly": nightly,
            "database": dump.name,
            "migrations": inventory.pop("migrations"),
            "tables": inventory["tables"],
            "documents": inventory["documents"],
            "files": {member: {"sha256": _sha256_file(path), "size": path.stat().st_size}
                      for member, path in members.items()},
        }
        progress(3, steps, N_("Écriture de l’archive"))
        partial = out / f".{name}.partial"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, "manifest.json",
                       json.dumps(manifest, indent=2, ensure_ascii=False).encode())
            for member, path in members.items():
                tar.add(path, arcname=member, recursive=False)
        partial.chmod(0o600)  # the archive holds personal data and the instance's secrets
        final = out / name
        partial.replace(final)
        progress(4, steps, N_("Contrôle de l’archive"))
        digest = _sha256_file(final)
        progress(5, steps, N_("Terminé"))
    return Archive(final, final.stat().st_size, digest, manifest)


def _engine_kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in DUMP_NAMES:
        raise BackupError(f"Moteur de base de données non pris en charge : {name}.")
    return name


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    return Path(database)


def _sqlite_snapshot(engine: Engine, target: Path) -> None:
    # A connection of our own in autocommit: VACUUM cannot run inside a transaction.
    source = sqlite3.connect(_sqlite_path(engine), timeout=60, isolation_level=None)
    try:
        source.execute("VACUUM INTO ?", (str(target),))
    finally:
        source.close()


def _sqlite_inventory(path: Path) -> dict[str, Any]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return inventory(conn)
    finally:
        engine.dispose()


def _pg_dump_with_inventory(app: Flask, engine: Engine, target: Path,
                            before_inventory: Callable[[], None]) -> dict[str, Any]:
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        url, env = _libpq(engine)
        _run([_pg_tool(app, "pg_dump"), "--format=custom", f"--snapshot={snapshot}",
              "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={url}"], env)
        before_inventory()
        result = inventory(conn)
        conn.rollback()
    return result


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (passed in the environment, not on the command line)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(app: Flask, name: str) -> str:
    configured = app.config.get("PG_BIN_DIR")
    candidates = [Path(configured) / name] if configured else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                         key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
                         reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"{name} est introuvable : installez le client PostgreSQL "
                      "ou indiquez son dossier dans PG_BIN_DIR.")


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} a échoué : {done.stderr.strip()[-500:]}")


def _instance_files(app: Flask) -> list[tuple[str, Path]]:
    root = Path(app.instance_path)
    if not root.is_dir():
        return []
    skip = _instance_skips(app)
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        resolved = path.resolve()
        if any(resolved == s or s in resolved.parents for s in skip):
            continue
        files.append((path.relative_to(root).as_posix(), path))
    return files


def _instance_skips(app: Flask) -> list[Path]:
    """The live database and queue (copied properly or not needed) and the backups."""
    skip = [Path(app.config["BACKUP_DIR"]).resolve()]
    for base in (app.config.get("JOBS_QUEUE_FILE"),
                 make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
                 if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else None):
        if base:
            for suffix in ("", "-wal", "-shm", "-journal"):
                skip.append(Path(f"{base}{suffix}").resolve())
    return skip


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- what a database holds ------------------------------------------------------------------


def inventory(conn: Connection) -> dict[str, Any]:
    """Rows and a SHA-256 per table (rows in primary-key order), every issued document's
    SHA-256 computed from its bytes, and the migration revisions."""
    meta = MetaData()
    meta.reflect(conn)
    tables = {}
    for table in sorted(meta.tables.values(), key=lambda t: t.name):
        order = list(table.primary_key.columns) or list(table.columns)
        digest, rows = hashlib.sha256(), 0
        for row in conn.execute(select(table).order_by(*order)).yield_per(1000):
            digest.update(_canonical(row))
            rows += 1
        tables[table.name] = {"rows": rows, "sha256": digest.hexdigest()}
    documents = []
    if DOCUMENTS_TABLE in meta.tables:
        docs = meta.tables[DOCUMENTS_TABLE]
        query = select(docs.c.id, docs.c.number, docs.c.version, docs.c.sha256,
                       docs.c.content).order_by(docs.c.id)
        for row in conn.execute(query).yield_per(200):
            documents.append({
                "id": row.id, "number": row.number, "version": row.version,
                "recorded_sha256": row.sha256,
                "sha256": hashlib.sha256(row.content).hexdigest() if row.content else None,
            })
    migrations = []
    if "alembic_version" in meta.tables:
        migrations = sorted(r[0] for r in conn.execute(select(meta.tables["alembic_version"])))
    return {"tables": tables, "documents": documents, "migrations": migrations}


def _canonical(row: Any) -> bytes:
    values = []
    for value in row:
        if isinstance(value, bytes | bytearray | memoryview):
            value = "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value.normalize())
        elif isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        elif value is not None and not isinstance(value, int | float | str | bool):
            value = str(value)
        values.append(value)
    return json.dumps(values, ensure_ascii=False, default=str).encode() + b"\n"


# --- verify -------------------------------------------------------------------------------


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not path.is_file():
        raise BackupError(f"Archive introuvable : {path}.")
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed in the finally below
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"Ce fichier n’est pas une archive de sauvegarde lisible ({error}).") \
            from None
    try:
        member = tar.extractfile("manifest.json") if "manifest.json" in tar.getnames() else None
        if member is None:
            raise BackupError("L’archive n’a pas de manifeste (manifest.json).")
        manifest = json.loads(member.read())
        if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
            raise BackupError("Le manifeste n’est pas celui d’une sauvegarde Refurb de ce format.")
        yield tar, manifest
    finally:
        tar.close()


def verify_backup(app: Flask, path: str | Path, progress: Progress | None = None) -> CheckReport:
    """Every file against its SHA-256, then the database itself: SQLite's integrity check and
    the tables and documents against the manifest; a PostgreSQL dump must list its contents."""
    progress = progress or _no_progress
    path = Path(path)
    try:
        with _open_archive(path) as (tar, manifest), \
                tempfile.TemporaryDirectory(prefix="refurb-verify-") as tmp:
            report = CheckReport(manifest)
            expected = manifest.get("files", {})
            names = {m.name for m in tar.getmembers() if m.isfile()} - {"manifest.json"}
            for extra in sorted(names - set(expected)):
                report.problems.append(f"Fichier non listé dans le manifeste : {extra}")
            progress(0, 3, N_("Contrôle des empreintes"))
            for name, facts in sorted(expected.items()):
                if name not in names:
                    report.problems.append(f"Fichier manquant : {name}")
                    continue
                target = Path(tmp) / "files" / name
                _extract(tar, name, target)
                if _sha256_file(target) != facts["sha256"]:
                    report.problems.append(f"Empreinte SHA-256 différente : {name}")
            if report.problems:
                return report
            progress(1, 3, N_("Contrôle de la base"))
            dump = Path(tmp) / "files" / manifest["database"]
            if manifest["engine"] == "sqlite":
                report.problems += _check_sqlite_copy(dump, manifest)
            else:
                try:
                    _run([_pg_tool(app, "pg_restore"), "--list", str(dump)], dict(os.environ))
                except BackupError as error:
                    report.problems.append(error.message)
            progress(3, 3, N_("Terminé"))
            return report
    except BackupError as error:
        return CheckReport(None, [error.message])


def _extract(tar: tarfile.TarFile, name: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(name)
    if source is None:
        raise BackupError(f"Entrée illisible dans l’archive : {name}.")
    with target.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)


def _check_sqlite_copy(path: Path, manifest: dict[str, Any]) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if verdict != "ok":
        return [f"Base SQLite abîmée : {verdict}"]
    return compare_inventory(_sqlite_inventory(path), manifest)


def compare_inventory(found: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    problems = []
    for name, facts in sorted(manifest["tables"].items()):
        got = found["tables"].get(name)
        if got is None:
            problems.append(f"Table absente : {name}")
        elif got != facts:
            problems.append(f"Table {name} : {got['rows']} ligne(s) au lieu de {facts['rows']}"
                            if got["rows"] != facts["rows"] else f"Table {name} : contenu différent")
    if found["documents"] != manifest["documents"]:
        problems.append("Les documents émis (ou leurs empreintes) ne correspondent pas.")
    if found.get("migrations", manifest["migrations"]) != manifest["migrations"]:
        problems.append("La version du schéma ne correspond pas au manifeste.")
    return problems


# --- restore ------------------------------------------------------------------------------


def restore_backup(app: Flask, path: str | Path, progress: Progress | None = None) -> dict:
    """Into an empty database (refused otherwise) and this instance folder; checked after."""
    progress = progress or _no_progress
    report = verify_backup(app, path)
    if not report.ok:
        raise BackupError("Archive refusée : " + " ; ".join(report.problems))
    manifest = report.manifest
    engine = db.engine
    kind = _engine_kind(engine)
    if manifest["engine"] != kind:
        raise BackupError(f"Cette sauvegarde vient de {manifest['engine']} ; la base configurée "
                          f"est {kind}. Restaurez-la sur le même moteur.")
    _refuse_non_empty(engine)
    progress(0, 3, N_("Restauration de la base"))
    with _open_archive(Path(path)) as (tar, _), \
            tempfile.TemporaryDirectory(prefix="refurb-restore-") as tmp:
        dump = Path(tmp) / manifest["database"]
        _extract(tar, manifest["database"], dump)
        engine.dispose()
        if kind == "sqlite":
            target = _sqlite_path(engine)
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            staged = target.with_name(target.name + ".restoring")
            shutil.copyfile(dump, staged)
            staged.replace(target)
        else:
            url, env = _libpq(engine)
            _run([_pg_tool(app, "pg_restore"), "--no-owner", "--no-privileges",
                  "--exit-on-error", "--single-transaction", f"--dbname={url}", str(dump)], env)
        progress(1, 3, N_("Fichiers de l’instance"))
        _restore_instance(app, tar, manifest)
    progress(2, 3, N_("Contrôle de la base restaurée"))
    with engine.connect() as conn:
        problems = compare_inventory(inventory(conn), manifest)
        conn.rollback()
    if problems:
        raise BackupError("La base restaurée ne correspond pas au manifeste : "
                          + " ; ".join(problems))
    progress(3, 3, N_("Terminé"))
    return manifest


def _refuse_non_empty(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        path = _sqlite_path(engine)
        if not path.exists() or path.stat().st_size == 0:
            return
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        conn.rollback()
    if tables:
        raise BackupError(
            f"La base de destination n’est pas vide ({len(tables)} table(s)) : la restauration "
            "se fait dans une base neuve, pour ne rien écraser."
        )


def _restore_instance(app: Flask, tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    root = Path(app.instance_path)
    for name, facts in manifest["files"].items():
        if not name.startswith("instance/"):
            continue
        relative = Path(name[len("instance/"):])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"Chemin refusé dans l’archive : {name}.")
        target = root / relative
        if target.exists():
            if _sha256_file(target) == facts["sha256"]:
                continue
            target.replace(target.with_name(target.name + ".before-restore"))
        _extract(tar, name, target)
        target.chmod(0o600)


# --- list and retention -------------------------------------------------------------------


def list_backups(directory: str | Path) -> list[BackupFile]:
    folder = Path(directory)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = NAME_PATTERN.match(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            found.append(BackupFile(path, match["engine"], taken, bool(match["nightly"]),
                                    path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def apply_retention(app: Flask, *, now: datetime) -> list[Path]:
    """Nightly archives beyond 7 daily + 4 weekly (local days and weeks) are deleted; archives
    taken by hand are the admin's to delete."""
    zone = ZoneInfo(app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
    nightly = [b for b in list_backups(app.config["BACKUP_DIR"]) if b.nightly]
    local = {b.taken_at.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None): b
             for b in nightly}
    removed = []
    for when in backups_to_delete(local, daily=int(app.config["BACKUP_KEEP_DAILY"]),
                                  weekly=int(app.config["BACKUP_KEEP_WEEKLY"])):
        path = local[when].path
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed
