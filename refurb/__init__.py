"""Refurb: computer refurbishing workshops for social and insertion organisations."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from flask import Flask, session
from flask_login import current_user

from refurb.config import load_config
from refurb.database import init_database
from refurb.extensions import babel, csrf, db, login_manager, migrate

# The domains, in dependency order (later ones may import earlier ones, never the reverse).
# Each may have models.py (tables), services.py (use cases, lifecycle fact providers),
# views.py (a blueprint `bp`) and cli.py (`register_cli(app)`); whichever exist are loaded.
DOMAINS = (
    "accounts",
    "settings",
    "donors",
    "devices",
    "documents",
    "intake",
    "printing",
    "wiping",
    "repair",
    "weee",
    "beneficiaries",
    "training",
    "allocations",
    "portal",
    "reports",
)
STANDALONE_MODULES = ("refurb.counters", "refurb.demo")
# Operations, not business domains: background jobs, backups, health check. Loaded like domains.
OPERATIONS = ("jobs", "backups", "health")


def _domain_module(domain: str, part: str):
    name = f"refurb.{domain}.{part}"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    # instance/ beside the code by default; a deployment puts it elsewhere (/var/lib/refurb).
    instance_path = (test_config or {}).get("INSTANCE_PATH") if test_config is not None \
        else os.environ.get("REFURB_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=str(Path(instance_path).resolve()) if instance_path else None)
    load_config(app, test_config)

    for domain in DOMAINS + OPERATIONS:
        for part in ("models", "services"):
            _domain_module(domain, part)
    for name in STANDALONE_MODULES:
        importlib.import_module(name)

    init_database(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    csrf.init_app(app)
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).resolve().parent / "translations")
    )
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    babel.init_app(app, locale_selector=_select_locale)

    for domain in DOMAINS + OPERATIONS:
        views = _domain_module(domain, "views")
        if views is not None:
            app.register_blueprint(views.bp)
        cli = _domain_module(domain, "cli")
        if cli is not None:
            cli.register_cli(app)
    importlib.import_module("refurb.demo").register_cli(app)

    from refurb import errors, logs, templating
    from refurb.jobs.builtin import register_builtin_kinds
    from refurb.jobs.queue import init_queue

    register_builtin_kinds()
    init_queue(app)
    logs.register(app)
    errors.register(app)
    templating.register(app)
    return app


@login_manager.user_loader
def _load_user(user_id: str):
    from refurb.accounts.models import User

    return db.session.get(User, int(user_id))


def _select_locale() -> str:
    from flask import current_app, request

    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]
