"""Refurb: computer refurbishing workshops for social and insertion organisations."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, session
from flask_login import current_user

from refurb import errors, escaping, logs, security, templating, wiring
from refurb.accounts import sessions
from refurb.config import load_config
from refurb.database import init_database
from refurb.extensions import babel, csrf, db, login_manager, migrate
from refurb.jobs.queue import init_queue
from refurb.web import install_commit_point


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    # instance/ beside the code by default; a deployment puts its private files (database,
    # keys, config.py, backups) elsewhere with REFURB_INSTANCE_PATH (/var/lib/refurb).
    instance_path = (test_config or {}).get("INSTANCE_PATH") if test_config is not None \
        else os.environ.get("REFURB_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=str(Path(instance_path).resolve()) if instance_path else None)
    load_config(app, test_config)
    security.install_converters(app)

    wiring.register_models()

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
    babel.init_app(app, locale_selector=_select_locale)
    escaping.install(app)

    wiring.register_all(app)
    init_queue(app)
    logs.register(app)
    errors.register(app)
    templating.register(app)
    security.register(app)
    sessions.register(app)
    # Last registered, so the first after_request hook to run (Flask runs them in reverse):
    # the transaction, and on SQLite its write lock, ends before the others (access log,
    # headers, rate-limit headers) run.
    install_commit_point(app)
    return app


def _select_locale() -> str:
    from flask import current_app, request

    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/"):  # token callers: the language they ask for, no session
        return request.accept_languages.best_match(languages) or current_app.config[
            "BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]
