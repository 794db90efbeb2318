"""Jinja filters and globals: formatting only, no queries and no permission logic."""

from __future__ import annotations

import re
import weakref
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates, numbers
from flask import Flask, has_request_context
from flask.globals import _cv_app
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user
from markupsafe import Markup

from refurb.accounts.models import Role
from refurb.clock import format_local, to_local
from refurb.core import machine_words
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.numbers import digits_of
from refurb.devices.event_words import detail_label, detail_value, event_kind_label
from refurb.extension_points import event_words


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
    """A stored datetime (naive UTC) in the workshop's time zone (TIMEZONE) and the reader's
    language, as Flask-Babel's format_datetime / format_date without its per-call lookups."""
    if value is None:
        return ""
    memo = request_memo()
    return _formatted(value, style, memo.locale, memo.timezone)


@lru_cache(maxsize=8192)
def _formatted(value: datetime | date, style: str, locale, timezone) -> str:  # noqa: ANN001
    """Babel's formatting, remembered: a device's history shows the same moments at every
    visit, and formatting one costs more than the rest of its line."""
    if isinstance(value, datetime):
        # As dates.format_datetime does for a named style, with the patterns parsed once: a
        # list page formats a different date on every row.
        _date_pattern, time_pattern, joined = _datetime_patterns(locale, style)
        local = _to_zone(value, timezone)
        return joined.replace("{0}", _time_text(local, time_pattern, locale)) \
            .replace("{1}", _date_text(local.date(), style, locale))
    return dates.format_date(value, style, locale=locale)


@lru_cache(maxsize=4096)
def _date_text(day: date, style: str, locale) -> str:  # noqa: ANN001
    """The date part: a history's moments share few days."""
    return _datetime_patterns(locale, style)[0].apply(day, locale)


# Hours, minutes and seconds, all the short and medium times of French hold ("HH:mm:ss"):
# written directly, Babel's general formatting costing more than the rest of a history line.
_CLOCK = {"HH": lambda t: f"{t.hour:02d}", "H": lambda t: str(t.hour),
          "mm": lambda t: f"{t.minute:02d}", "ss": lambda t: f"{t.second:02d}"}


def _time_text(local: datetime, pattern, locale) -> str:  # noqa: ANN001
    fields = _clock_fields(pattern.format)
    if fields is None:
        return pattern.apply(local, locale, reference_date=local.date())
    return pattern.format % {field: _CLOCK[field](local) for field in fields}


@lru_cache(maxsize=64)
def _clock_fields(pattern_format: str) -> tuple[str, ...] | None:
    """The fields of a time pattern when all of them are plain clock digits, else None."""
    fields = tuple(re.findall(r"%\((\w+)\)s", pattern_format))
    return fields if set(fields) <= _CLOCK.keys() else None


@lru_cache(maxsize=64)
def _datetime_patterns(locale, style: str) -> tuple:
    return (dates.parse_pattern(dates.get_date_format(style, locale=locale)),
            dates.parse_pattern(dates.get_time_format(style, locale=locale)),
            dates.get_datetime_format(style, locale=locale).replace("'", ""))


def _to_zone(value: datetime, zone) -> datetime:
    if value.tzinfo is None and hasattr(zone, "normalize"):
        return zone.fromutc(value)  # pytz, from naive UTC: already normalised, in one step
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    local = aware.astimezone(zone)
    return zone.normalize(local) if hasattr(zone, "normalize") else local  # pytz zones


def state_name(value: str) -> str:
    """The state's label in the reader's language (`_(value|state_label)` in one step)."""
    try:
        return translated(STATE_LABELS[State(value)])
    except ValueError:
        return value


def type_name(value: str) -> str:
    try:
        return translated(DEVICE_TYPE_LABELS[DeviceType(value)])
    except ValueError:
        return value


def event_kind_name(kind: str) -> str:
    # Words we do not know stay plain text (escaped), never markup.
    return translated(event_words.kinds[kind]) if kind in event_words.kinds \
        else event_kind_label(kind)


def detail_name(key: str) -> str:
    return translated(event_words.details[key]) if key in event_words.details \
        else detail_label(key)


def localtime(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored datetime as local wall-clock text with a fixed pattern (tables, exports)."""
    return format_local(value, pattern)


def iso_local(value: datetime | None) -> str:
    """For <time datetime="…">: the local time with its UTC offset."""
    return to_local(value).isoformat(timespec="seconds") if value else ""


def number(value: Decimal | float | int | None, digits: int = 2) -> str:
    """The number with `digits` decimals in the reader's locale: the text Babel's
    "#,##0.00" pattern gives (rounded half to even, floats read as their shortest text),
    written by Python's formatting with the locale's symbols: a portal page shows fifteen
    figures, and Babel's formatter took a quarter of its template's time."""
    if value is None:
        return ""
    group, decimal, minus = _number_symbols(_locale())
    if isinstance(value, float):
        value = Decimal(str(value))
    text = f"{value:,.{max(int(digits), 0)}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group) \
        .replace("-", minus)


@lru_cache(maxsize=16)
def _number_symbols(locale: object) -> tuple[str, str, str]:
    return (numbers.get_group_symbol(locale), numbers.get_decimal_symbol(locale),
            numbers.get_minus_sign_symbol(locale))


def _locale():
    """The reader's locale; French outside a request (a document, a job, the command line)."""
    if not has_request_context():
        return "fr"
    return request_memo().locale or "fr"


def _plain_number(value: Decimal | float | int, pattern: str) -> str:
    return numbers.format_decimal(value, format=pattern, locale=_locale())


def decimal_mark() -> str:
    """"," in French, "." in English: the reader's decimal mark for core's formatters."""
    return numbers.get_decimal_symbol(_locale())


def words(message: Message | str | None) -> str:
    """A core Message (or msgid) in the reader's language, as plain text (escaped)."""
    if message is None:
        return ""
    if isinstance(message, Message):
        return message.render(lambda msgid: str(_catalogue().ugettext(msgid)) if msgid else "")
    return str(_catalogue().ugettext(message))


def mib(value: int | None) -> str:
    """Memory: "8 Go" / "8 GB" (one formatter for every page: refurb.core.machine_words)."""
    return words(machine_words.memory(value, decimal_mark()))


def capacity(value: int | None) -> str:
    """A drive's size: "1,5 To" / "1.5 TB"."""
    return words(machine_words.capacity(value, decimal_mark()))


def describe(facts: machine_words.MachineFacts | None) -> str:
    """"Portable 15,6 pouces, 8 Go de mémoire, SSD 256 Go, Linux Mint" in the reader's words."""
    return words(machine_words.describe_machine(facts, decimal_mark())) if facts else ""


def setting_value(value, kind: str) -> str:
    """A setting as its input shows it: a decimal in the reader's language with the digits it
    was saved with (fr 0,8 · 700,00; en 0.8), no thousands separator; the page reads both
    ways back."""
    if value is None:
        return ""
    if kind == "decimal":
        amount = Decimal(str(value))
        digits = digits_of(amount)
        return _plain_number(amount, "0." + "0" * digits if digits else "0")
    return str(value)


def nav_menus() -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """[(menu id, label, [(endpoint, url, label)])] — the menus of the signed-in role, each
    with the pages that exist in this installation; a menu left empty is not shown."""
    from flask import current_app, request, url_for
    from flask_babel import gettext as _

    if not current_user.is_authenticated:
        return []
    # The same for every page of a role in a language: built once per application (the URLs
    # too: every page would otherwise build forty of them).
    built = current_app.extensions.setdefault("refurb.nav_menus", {})
    key = (str(current_user.role), str(request_memo().locale), request.script_root)
    menus = built.get(key)
    if menus is None:
        menus = []
        for label, items in NAV.get(current_user.role, []):
            links = [(e, url_for(e), _(text)) for e, text in items
                     if e in current_app.view_functions]
            if links:
                menus.append((MENU_IDS[label], _(label), links))
        built[key] = menus
    return menus


# Rendered menus kept per (role, language, script root, page): a few hundred at most; the
# limit keeps a mistake from growing without end.
SITE_NAV_LIMIT = 2000


def site_nav() -> Markup:
    """The main menus as HTML for this page: the same for every person of a role reading a
    page in a language, so rendered once per worker (every page paid a hundred loop steps and
    context lookups for it)."""
    from flask import current_app, render_template, request

    if not current_user.is_authenticated:
        return Markup("")
    kept = current_app.extensions.setdefault("refurb.site_nav", {})
    key = (str(current_user.role), str(request_memo().locale), request.script_root,
           request.endpoint)
    html = kept.get(key)
    if html is None:
        if len(kept) >= SITE_NAV_LIMIT:
            kept.clear()
        html = kept[key] = Markup(render_template("_site_nav.html", menus=nav_menus(),
                                                  page_endpoint=request.endpoint))
    return html


def nav_items() -> list[tuple[str, str]]:
    """Every (endpoint, label) of the role's menus, in order."""
    return [(endpoint, text) for _id, _label, links in nav_menus()
            for endpoint, _url, text in links]


# Menus by task; each role sees the ones its work needs, a single link stays a plain link.
WORKSHOP_MENU = (N_("Atelier"), [
    ("home.index", N_("Accueil")),
    ("devices.dashboard", N_("Appareils par état")),
    ("devices.list_devices", N_("Appareils")),
    ("intake.list_collections", N_("Collectes")),
    ("donors.list_donors", N_("Donateurs")),
    ("workshop.batch_scan", N_("Scan en série")),
    ("printing.stocks", N_("Étiquettes")),
    ("printing.tray", N_("Bac « à imprimer »")),
    ("workshop.profiles", N_("Profils de préparation")),
    ("workshop.waiting_for_parts", N_("En attente de pièces")),
    ("aftercare.requests", N_("Après la remise")),
    ("network.transfer_list", N_("Transferts entre ateliers")),
])
WIPING_MENU = (N_("Effacement"), [
    ("wiping.station", N_("Poste d’effacement")),
    ("wiping.list_drives", N_("Disques")),
    ("wiping.list_records", N_("Effacements")),
    ("wiping.list_logs", N_("Journaux nwipe")),
    ("wiping.certificates_due", N_("Certificats à émettre")),
])
STOCK_MENU = (N_("Stock"), [
    ("workshop.stock", N_("Stock")),
    ("workshop.parts", N_("Pièces")),
    ("workshop.locations", N_("Emplacements")),
])
WEEE_MENU = (N_("DEEE"), [
    ("weee.batches", N_("Lots DEEE")),
    ("weee.register_page", N_("Registre des déchets")),
    ("weee.rates", N_("Barème")),
])
BENEFICIARY_MENU = (N_("Bénéficiaires"), [
    ("beneficiaries.list_files", N_("Dossiers")),
    ("beneficiaries.waiting_list", N_("Liste d’attente")),
    ("allocations.ready_stock", N_("Machines disponibles")),
    ("allocations.reservations", N_("Réservations")),
    ("allocations.loans", N_("Prêts")),
    ("allocations.programmes", N_("Écoles")),
    ("allocations.cohorts_list", N_("Cohortes")),
    ("training.programmes", N_("Formations")),
    ("training.sessions", N_("Séances")),
    ("aftercare.followups_list", N_("Appels de suivi")),
])
REPORTS_MENU = (N_("Rapports"), [
    ("reports.dashboard", N_("Rapports")),
    ("reports.activity", N_("Activité")),
    ("reports.reuse", N_("Réemploi")),
    ("reports.lead_times", N_("Délais")),
])
ADMIN_MENU = (N_("Administration"), [
    ("accounts.users", N_("Utilisateurs")),
    ("accounts.sign_ins", N_("Connexions")),
    ("settings.workshop_identity", N_("Identité de l’atelier")),
    ("settings.edit", N_("Réglages")),
    ("beneficiaries.edit_policy", N_("Politique d’éligibilité")),
    ("workshop.checklist", N_("Contrôle qualité")),
    ("weee.partners", N_("Partenaires DEEE")),
    ("portal.gift_receipts", N_("Reçus fiscaux (mécénat)")),
    ("notifications.log", N_("Messages envoyés")),
    ("network.figures", N_("Chiffres du réseau")),
    ("backups.index", N_("Sauvegardes")),
    ("jobs.mine", N_("Tâches")),
])
MENU_IDS = {"Atelier": "workshop", "Effacement": "wiping", "Stock": "stock", "DEEE": "weee",
            "Bénéficiaires": "beneficiaries", "Rapports": "reports",
            "Administration": "admin", "Mon espace": "donor"}

NAV: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    Role.ADMIN: [WORKSHOP_MENU, WIPING_MENU, STOCK_MENU, WEEE_MENU, BENEFICIARY_MENU,
                 (REPORTS_MENU[0], [*REPORTS_MENU[1],
                                    ("reports.beneficiaries", N_("Bénéficiaires")),
                                    ("reports.training", N_("Formations")),
                                    ("reports.annual", N_("Rapport annuel")),
                                    ("reports.funding_lines", N_("Coûts et financements"))]),
                 ADMIN_MENU],
    Role.TECHNICIAN: [WORKSHOP_MENU, WIPING_MENU, STOCK_MENU, WEEE_MENU, REPORTS_MENU],
    Role.SOCIAL_WORKER: [
        (N_("Atelier"), [("home.index", N_("Accueil")),
                         ("devices.dashboard", N_("Appareils par état")),
                         ("devices.list_devices", N_("Appareils")),
                         ("workshop.stock", N_("Stock")),
                         ("aftercare.requests", N_("Après la remise"))]),
        BENEFICIARY_MENU,
        (REPORTS_MENU[0], [*REPORTS_MENU[1], ("reports.beneficiaries", N_("Bénéficiaires")),
                           ("reports.training", N_("Formations"))]),
    ],
    Role.DONOR: [(N_("Mon espace"), [("portal.home", N_("Mon espace donateur"))])],
}


# Pages used standing at a bench, a phone or a tablet in hand: larger controls.
TOUCH_PAGES = {"intake.bench", "devices.scan", "workshop.batch_scan", "workshop.batch",
               "weee.batch"}


class _Memo:
    """What every `_()`, label and date of one request needs, looked up once."""

    def __init__(self) -> None:
        self.locale = get_locale()
        self.timezone = get_timezone()
        self.catalogue = get_translations()
        # translated(), and refurb.escaping's `_()` without values: kept with the catalogue.
        self.words, self.messages = _catalogue_words(self.catalogue)


# The translated words of each catalogue, for as long as it lives: Flask-Babel loads one per
# language and process, and every page looks the same labels up again (a device page about
# seventy). Only msgids go in (user text is never a msgid), so a few thousand at most; the
# limit keeps a mistake from growing without end.
_WORDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
WORDS_LIMIT = 5000


def _catalogue_words(catalogue) -> tuple[dict[str, Markup], dict[str, Markup]]:  # noqa: ANN001
    words = _WORDS.get(catalogue)
    if words is None or len(words[0]) + len(words[1]) > WORDS_LIMIT:
        words = _WORDS[catalogue] = ({}, {})
    return words


def request_memo() -> _Memo:
    """Flask-Babel finds the locale, time zone and catalogue through several context-local
    lookups on every call: a page calls `_()` a hundred times, a list page formats a date and
    two labels per row. The memo lives on the request's `g` next to Flask-Babel's own state
    and is keyed by its locale object, so `force_locale` (a new locale) is still obeyed."""
    context = _cv_app.get(None)
    if context is None:
        return _Memo()
    state = context.g.__dict__.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    memo = getattr(state, "refurb_memo", None)
    if memo is None or locale is None or memo.locale is not locale:
        memo = _Memo()  # get_locale() creates the state and chooses the locale
        context.g._flask_babel.refurb_memo = memo
    return memo


def _catalogue():
    return request_memo().catalogue


def translated(msgid: str) -> Markup:
    """A msgid of our own catalogue in the reader's language, as Jinja's `_()` gives it
    (trusted markup), memoised per request: the same labels repeat on every row."""
    memo = request_memo()
    word = memo.words.get(msgid)
    if word is None:
        word = memo.words[msgid] = Markup(memo.catalogue.ugettext(msgid))
    return word


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        state_label=state_label, type_label=type_label, when=when, localtime=localtime,
        iso_local=iso_local, number=number, mib=mib, words=words, describe=describe,
        capacity=capacity, setting_value=setting_value, event_kind_label=event_kind_label,
        detail_label=detail_label,
        detail_value=detail_value, state_name=state_name, type_name=type_name,
        event_kind_name=event_kind_name, detail_name=detail_name,
    )
    app.jinja_env.globals.update(nav_menus=nav_menus, nav_items=nav_items, site_nav=site_nav,
                                  get_locale=get_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Browsers ask for /favicon.ico on their own, whatever the page links to: one more address
    # of the static files.
    app.add_url_rule("/favicon.ico", endpoint="static", view_func=app.view_functions["static"],
                     defaults={"filename": "img/favicon.ico"})

    @app.context_processor
    def inject_user_flags():
        from flask import request

        signed_in = current_user.is_authenticated
        return {
            "touch_page": request.endpoint in TOUCH_PAGES,
            "show_scan_box": signed_in and current_user.role in (Role.ADMIN, Role.TECHNICIAN,
                                                                   Role.SOCIAL_WORKER),
            "workshop_name": app.config["WORKSHOP_NAME"],
        }
