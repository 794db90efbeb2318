"""Jinja filters and globals: formatting only, no queries and no permission logic."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

from refurb.accounts.models import Role
from refurb.clock import format_local, to_local
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.devices.event_words import detail_label, detail_value, event_kind_label


def state_label(value: str) -> str:
    try:
        return STATE_LABELS[State(value)]
    except ValueError:
        return value


def type_label(value: str) -> str:
    try:
        return DEVICE_TYPE_LABELS[DeviceType(value)]
    except ValueError:
        return value


def when(value: datetime | date | None, style: str = "short") -> str:
    """A stored datetime (naive UTC) in the workshop's time zone, in the reader's language
    (Flask-Babel converts to BABEL_DEFAULT_TIMEZONE, set from TIMEZONE); a date as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, style)
    return format_date(value, style)


def localtime(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored datetime as local wall-clock text with a fixed pattern (tables, exports)."""
    return format_local(value, pattern)


def iso_local(value: datetime | None) -> str:
    """For <time datetime="…">: the local time with its UTC offset."""
    return to_local(value).isoformat(timespec="seconds") if value else ""


def number(value: Decimal | float | int | None, digits: int = 2) -> str:
    if value is None:
        return ""
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0")


def mib(value: int | None) -> str:
    if not value:
        return ""
    return f"{value / 1024:g} Go" if value >= 1024 else f"{value} Mo"


def capacity(value: int | None) -> str:
    if not value:
        return ""
    for unit, size in (("To", 10**12), ("Go", 10**9), ("Mo", 10**6)):
        if value >= size:
            return f"{value / size:.0f} {unit}" if value % size == 0 else f"{value / size:.1f} {unit}"
    return f"{value} o"


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, label, role group) — the header shows what the signed-in role may open."""
    from flask import current_app
    from flask_babel import gettext as _

    if not current_user.is_authenticated:
        return []
    items = NAV.get(current_user.role, [])
    return [(e, _(label)) for e, label in items if e in current_app.view_functions]


NAV: dict[str, list[tuple[str, str]]] = {
    Role.ADMIN: [
        ("devices.dashboard", "Tableau de bord"),
        ("devices.list_devices", "Appareils"),
        ("donors.list_donors", "Donateurs"),
        ("intake.list_collections", "Collectes"),
        ("wiping.station", "Effacement"),
        ("workshop.batch_scan", "Scan en série"),
        ("workshop.stock", "Stock"),
        ("workshop.parts", "Pièces"),
        ("weee.batches", "DEEE"),
        ("printing.stocks", "Étiquettes"),
        ("beneficiaries.list_files", "Bénéficiaires"),
        ("beneficiaries.edit_policy", "Politique d’éligibilité"),
        ("allocations.ready_stock", "Remises"),
        ("training.programmes", "Formations"),
        ("reports.dashboard", "Rapports"),
        ("portal.gift_receipts", "Reçus fiscaux (mécénat)"),
        ("accounts.users", "Utilisateurs"),
        ("accounts.sign_ins", "Connexions"),
        ("settings.workshop_identity", "Identité de l’atelier"),
        ("settings.edit", "Réglages"),
        ("backups.index", "Sauvegardes"),
        ("jobs.mine", "Tâches"),
    ],
    Role.TECHNICIAN: [
        ("devices.dashboard", "Tableau de bord"),
        ("devices.list_devices", "Appareils"),
        ("intake.list_collections", "Collectes"),
        ("wiping.station", "Effacement"),
        ("workshop.batch_scan", "Scan en série"),
        ("workshop.stock", "Stock"),
        ("workshop.parts", "Pièces"),
        ("weee.batches", "DEEE"),
        ("printing.stocks", "Étiquettes"),
        ("reports.dashboard", "Rapports"),
    ],
    Role.SOCIAL_WORKER: [
        ("devices.dashboard", "Tableau de bord"),
        ("beneficiaries.list_files", "Bénéficiaires"),
        ("beneficiaries.waiting_list", "Liste d’attente"),
        ("allocations.ready_stock", "Machines disponibles"),
        ("training.programmes", "Formations"),
        ("reports.dashboard", "Rapports"),
    ],
    Role.DONOR: [("portal.home", "Mon espace donateur")],
}


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        state_label=state_label, type_label=type_label, when=when, localtime=localtime,
        iso_local=iso_local, number=number, mib=mib,
        capacity=capacity, event_kind_label=event_kind_label, detail_label=detail_label,
        detail_value=detail_value,
    )
    app.jinja_env.globals.update(nav_items=nav_items, get_locale=get_locale)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject_user_flags():
        signed_in = current_user.is_authenticated
        return {
            "show_scan_box": signed_in and current_user.role in (Role.ADMIN, Role.TECHNICIAN,
                                                                   Role.SOCIAL_WORKER),
            "workshop_name": app.config["WORKSHOP_NAME"],
        }
