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


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration cannot work."""


DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",  # development | production | testing
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # None: instance/refurb.db
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
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
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    "PAGE_SIZE": 50,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a form left open during a long bench job must still submit
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
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
        instance.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{instance / 'refurb.db'}"
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
    try:
        zone(app.config.get("TIMEZONE"))
    except ValueError as error:
        raise ConfigurationError(f"TIMEZONE : {error}") from None
    # Flask-Babel's date filters convert to this zone: one setting for pages and documents.
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["PUBLIC_BASE_URL"] = str(app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if env_name == "production":
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
        if not app.config["PUBLIC_BASE_URL"]:
            app.logger.warning(
                "PUBLIC_BASE_URL n'est pas défini : les liens de vérification et les QR codes "
                "utiliseront l'adresse de chaque requête (et aucune hors requête). Définissez "
                "REFURB_PUBLIC_BASE_URL, par exemple https://refurb.example.org.")


def _development_secret(instance: Path) -> str:
    """Development generates a key once, so sessions survive restarts of the dev server."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
