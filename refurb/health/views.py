"""/healthz for load balancers and monitoring: 200 when every check passes, 503 otherwise, with
the checks in JSON either way. Public (it tells nothing about the workshop's data), never cached."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from refurb.extensions import db

bp = Blueprint("health", __name__)
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _script_heads() -> set[str]:
    heads = current_app.extensions.get("refurb.migration_heads")
    if heads is None:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        heads = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["refurb.migration_heads"] = heads
    return heads


def check_database() -> tuple[dict, dict]:
    """(database check, migrations check): one connection of its own, nothing written."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                current = {row[0] for row in conn.execute(
                    text("SELECT version_num FROM alembic_version"))}
            except Exception:
                current = set()
            conn.rollback()
    except Exception as error:
        reason = str(getattr(error, "orig", error)).splitlines()[0][:200]
        return ({"ok": False, "error": reason},
                {"ok": False, "error": "base de données injoignable"})
    heads = _script_heads()
    migrations = {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}
    return {"ok": True}, migrations


def check_queue() -> dict:
    queue = current_app.extensions.get("refurb.jobs")
    if queue is None:
        return {"ok": False, "error": "file non configurée"}
    try:
        pending = queue.huey.pending_count()
        heartbeat = queue.heartbeat()
    except Exception as error:
        return {"ok": False, "error": str(error).splitlines()[0][:200]}
    return {"ok": True, "pending": pending, "immediate": bool(queue.huey.immediate),
            "consumer_heartbeat": heartbeat}


def check_disk() -> dict:
    folder = Path(current_app.instance_path)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    minimum = int(current_app.config["HEALTHZ_MIN_FREE_MB"]) * 1024 * 1024
    return {"ok": usage.free >= minimum, "free_mb": usage.free // (1024 * 1024),
            "min_free_mb": minimum // (1024 * 1024)}


@bp.get("/healthz")
def healthz():
    database, migrations = check_database()
    checks = {"database": database, "migrations": migrations, "queue": check_queue(),
              "disk": check_disk()}
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if healthy else "unhealthy", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
