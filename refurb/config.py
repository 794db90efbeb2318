"""Configuration: defaults, then instance/config.py, then REFURB_* environment variables.

Validated at start so a misconfigured server refuses to boot with a clear message instead of
failing on the first request.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from refurb.core.local_time import zone
from refurb.security import instance_files


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration cannot work."""


DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",  # development | production | testing
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # None: instance/refurb.db
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # A small write waits for a long one (the write step of a 40,000-line import) rather than
    # failing; the worker timeout (60 s) stays well above it.
    "SQLITE_BUSY_TIMEOUT_MS": 30000,
    # PostgreSQL: a statement is prepared on its connection from its second run on (psycopg's
    # default is the sixth: with a connection per gunicorn thread, each new one parsed and
    # planned a page's statements five times over). None: never prepare (PgBouncer in
    # transaction mode).
    "DB_PREPARE_THRESHOLD": 1,
    "ASSET_TAG_PREFIX": "RF",
    "WORKSHOP_NAME": "Atelier Refurb",
    "WORKSHOP_ADDRESS": "",
    "WORKSHOP_SIRET": "",
    "WORKSHOP_CONTACT": "",
    # Where documents and labels point (verification links, QR codes). Unset: the host the
    # request came in on; production warns at start-up, since a CLI job or a proxy that
    # rewrites the host would then print the wrong address.
    "PUBLIC_BASE_URL": "",
    "TIMEZONE": "Europe/Paris",  # stored times are UTC; pages, PDFs and CSV show this zone
    "BABEL_DEFAULT_LOCALE": "fr",
    "LANGUAGES": ["fr", "en"],
    # Sign-in throttling, per (account, client address) and per address: see accounts/throttle.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_BACKOFF_SECONDS": 15,
    "LOGIN_BACKOFF_MAX_MINUTES": 15,
    "LOGIN_ADDRESS_MAX_FAILURES": 50,
    "LOGIN_ADDRESS_WINDOW_MINUTES": 15,
    # A session unused this long ends (staff: a working day; donors: an hour).
    "IDLE_TIMEOUT_STAFF_MINUTES": 8 * 60,
    "IDLE_TIMEOUT_DONOR_MINUTES": 60,
    # Number of reverse proxies in front (nginx, Caddy) whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
    # Fernet key(s) for secrets kept in the database (licence keys); None: instance/data_key.
    "DATA_ENCRYPTION_KEY": None,
    "PAGE_SIZE": 50,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: True in production, False otherwise
    "WTF_CSRF_TIME_LIMIT": None,  # a form left open during a long bench job must still submit
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # each form has its own, smaller limit (uploads.py)
    # Logs: "json" (one object per line, with the request id) or "plain" (Flask's default).
    "LOG_FORMAT": None,  # None: json, except in testing
    "LOG_LEVEL": "INFO",
    # Background jobs (Huey): SQLite file in instance/ unless REFURB_REDIS_URL is set.
    "REDIS_URL": None,
    "JOBS_QUEUE_FILE": None,  # None: instance/jobs-queue.db
    "JOBS_IMMEDIATE": None,  # None: True in testing (jobs run at once, in the caller's thread)
    "JOBS_WORKERS": 2,
    "JOBS_HEARTBEAT_SECONDS": 30,
    "JOBS_STALE_SECONDS": 300,  # a running job silent this long is run again
    "JOBS_MAX_ATTEMPTS": 3,
    "JOBS_SHUTDOWN_TIMEOUT": 60,  # a stopping consumer waits this long for running jobs
    "JOBS_PERIODIC": True,  # reservation expiry, GDPR purge, nightly backup
    # The consumer's CPU priority (nice): long work yields the processor to people's requests.
    "JOBS_NICENESS": 10,
    # PostgreSQL's process for a job cannot be reniced: while people's requests keep the
    # processors busy, a job pauses between its chunks this many times as long as the server
    # spent on its last one (0: never). See refurb.jobs.runner.Pacer.
    "JOBS_DATABASE_PAUSE": 3,
    # Backups: archives in BACKUP_DIR (None: instance/backups); nightly ones kept 7 days + 4 weeks.
    "BACKUP_DIR": None,
    "BACKUP_KEEP_DAILY": 7,
    "BACKUP_KEEP_WEEKLY": 4,
    "PG_BIN_DIR": None,  # where pg_dump/pg_restore are when not on PATH (else found by version)
    "HEALTHZ_MIN_FREE_MB": 500,
    # Reminders and notices (refurb.notifications). E-mail: Flask-Mailman's MAIL_SERVER,
    # MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS… (its backend is "locmem" in
    # testing). SMS: "log" (server log), "file" (one JSON line per message in SMS_FILE) or the
    # dotted path of a gateway class (refurb.notifications.channels.SmsGateway).
    "MAIL_DEFAULT_SENDER": "atelier@localhost",
    "SMS_BACKEND": "log",
    "SMS_FILE": None,  # None: instance/sms-outbox.jsonl
}

ENV_PREFIX = "REFURB_"


def _parse_env_value(raw: str) -> Any:
    """Environment values are strings; accept JSON for numbers, booleans and lists."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key, raw in os.environ.items():
            if key.startswith(ENV_PREFIX):
                name = key[len(ENV_PREFIX):]
                app.config[name] = raw if name == "SECRET_KEY" else _parse_env_value(raw)
        database_url = os.environ.get("REFURB_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if database_url:
            app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    else:
        app.config.from_mapping(test_config)
    _finish(app)


def normalise_database_url(url: str) -> str:
    """Hosting platforms hand out postgres:// URLs; we always talk to PostgreSQL via psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _finish(app: Flask) -> None:
    env_name = app.config["ENV_NAME"]
    if env_name not in {"development", "production", "testing"}:
        raise ConfigurationError(
            f"REFURB_ENV_NAME={env_name!r} : valeurs possibles development, production, testing."
        )
    instance = Path(app.instance_path)
    instance_files.tighten(instance)
    if not app.config.get("SECRET_KEY"):
        if env_name == "production":
            raise ConfigurationError(
                "SECRET_KEY manquante : en production, définissez REFURB_SECRET_KEY "
                "(par exemple : python -c 'import secrets; print(secrets.token_hex(32))') "
                "ou SECRET_KEY dans instance/config.py."
            )
        app.config["SECRET_KEY"] = _development_secret(instance)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        instance_files.private_dir(instance)
        uri = f"sqlite:///{instance / 'refurb.db'}"
        # Created here, owner-only, before SQLite creates it (and its -wal/-shm, which take
        # the database file's permissions) world-readable under the usual umask.
        instance_files.private_file(instance / "refurb.db")
    uri = normalise_database_url(uri)
    if not (uri.startswith("sqlite") or uri.startswith("postgresql")):
        raise ConfigurationError(
            f"Base de données non prise en charge : {uri.split(':', 1)[0]} "
            "(SQLite ou PostgreSQL uniquement)."
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    prefix = app.config["ASSET_TAG_PREFIX"]
    if not (isinstance(prefix, str) and prefix.isalnum() and prefix.isupper() and len(prefix) <= 6):
        raise ConfigurationError(
            "ASSET_TAG_PREFIX doit être de 1 à 6 lettres majuscules ou chiffres (ex. RF)."
        )
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        # Flask defines the key (False), so a setdefault here would never take effect.
        app.config["SESSION_COOKIE_SECURE"] = env_name == "production"
    testing = env_name == "testing"
    if app.config["LOG_FORMAT"] is None:
        app.config["LOG_FORMAT"] = "plain" if testing else "json"
    if app.config["JOBS_IMMEDIATE"] is None:
        app.config["JOBS_IMMEDIATE"] = testing
    if not app.config["SMS_FILE"]:
        app.config["SMS_FILE"] = str(instance / "sms-outbox.jsonl")
    if not app.config["JOBS_QUEUE_FILE"]:
        app.config["JOBS_QUEUE_FILE"] = str(instance / "jobs-queue.db")
    if not app.config["BACKUP_DIR"]:
        app.config["BACKUP_DIR"] = str(instance / "backups")
    try:
        zone(app.config.get("TIMEZONE"))
    except ValueError as error:
        raise ConfigurationError(f"TIMEZONE : {error}") from None
    # Flask-Babel's date filters convert to this zone: one setting for pages and documents.
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["PUBLIC_BASE_URL"] = str(app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if env_name == "production" and not app.config["PUBLIC_BASE_URL"]:
        app.logger.warning(
            "PUBLIC_BASE_URL n'est pas défini : les liens de vérification et les QR codes "
            "utiliseront l'adresse de chaque requête (et aucune hors requête). Définissez "
            "REFURB_PUBLIC_BASE_URL, par exemple https://refurb.example.org.")


def _development_secret(instance: Path) -> str:
    """Development generates a key once, so sessions survive restarts of the dev server."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    instance_files.write_private(key_file, key.encode())
    return key
