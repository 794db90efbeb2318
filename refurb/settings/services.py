from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from refurb import extension_points
from refurb.core.errors import DomainError, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.numbers import parse_decimal_text
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings import store
from refurb.workshops.context import current_scope

REGISTRY = extension_points.settings

# The page's groups, in this order; a definition without a known section comes last.
SECTIONS = (N_("Réception : poids estimés"), N_("Remises et réservations"),
            N_("Bénéficiaires et RGPD"), N_("Formation"), N_("Registre des déchets (DEEE)"),
            N_("Reçus fiscaux (mécénat)"), N_("Rapports et impact"))
OTHER_SECTION = N_("Autres réglages")


def parse(definition: Definition, raw: str) -> Any:
    text = (raw or "").strip()
    try:
        if definition.kind == "int":
            number = parse_decimal_text(text)
            if number != number.to_integral_value():
                raise ValueError(text)
            value: Any = int(number)
        elif definition.kind == "decimal":
            value = parse_decimal_text(text)
        elif definition.kind == "bool":
            value = text.lower() in {"1", "true", "on", "oui", "y", "yes"}
        else:
            value = text
    except (ValueError, InvalidOperation):
        raise InvalidInput(N_("%(setting)s : valeur « %(value)s » invalide."),
                           setting=Message(definition.label), value=raw) from None
    if definition.validate is not None and value not in ("", None):
        value = definition.validate(value)
    if definition.minimum is not None and value < definition.minimum:
        raise InvalidInput(N_("%(setting)s : au moins %(minimum)s."),
                           setting=Message(definition.label), minimum=definition.minimum)
    return value


_MEMO = "refurb.settings"


def _stored() -> dict[str, Any]:
    """Every stored value, read in one query per transaction (a page reading five settings
    asks once); kept on the session with the transaction it was read in, so the next request
    or transaction reads again and every worker sees a change at its next request."""
    session = db.session()
    transaction = session.get_transaction()
    memo = session.info.get(_MEMO)
    scope = current_scope()
    if memo is None or transaction is None or memo[0] is not transaction or memo[2] != scope:
        values = store.stored()
        memo = (session.get_transaction(), values, scope)
        session.info[_MEMO] = memo
    return memo[1]


def get(key: str) -> Any:
    definition = REGISTRY[key]
    stored = _stored()
    if key not in stored:
        return definition.default
    value = stored[key]
    return Decimal(value) if definition.kind == "decimal" else value


def set_value(key: str, raw: str, *, actor_id: int | None, now: datetime) -> Any:
    definition = REGISTRY[key]
    value = parse(definition, raw)
    stored = str(value) if definition.kind == "decimal" else value
    store.put(key, stored, actor_id=actor_id, now=now)
    db.session.flush()
    db.session.info.pop(_MEMO, None)
    return value


def set_values(raw_values: dict[str, str], *, actor_id: int | None, now: datetime) -> None:
    """Every setting of the page, or none: the first invalid value stops the lot."""
    for key, raw in raw_values.items():
        set_value(key, raw, actor_id=actor_id, now=now)


def all_values() -> list[tuple[Definition, Any]]:
    return [(d, get(d.key)) for d in sorted(REGISTRY.values(), key=lambda d: d.key)]


def refusals(raw_values: dict[str, str]) -> dict[str, DomainError]:
    """{key: why its value is refused} for every value of the page, so each field can say it."""
    refused = {}
    for key, raw in raw_values.items():
        try:
            parse(REGISTRY[key], raw)
        except DomainError as error:
            refused[key] = error
    return refused


def sections() -> list[tuple[str, list[tuple[Definition, Any]]]]:
    """[(section msgid, [(definition, value)])] in the page's order, each in registry order."""
    grouped: dict[str, list[tuple[Definition, Any]]] = {}
    for definition, value in all_values():
        section = definition.section if definition.section in SECTIONS else OTHER_SECTION
        grouped.setdefault(section, []).append((definition, value))
    order = [*SECTIONS, OTHER_SECTION]
    return sorted(grouped.items(), key=lambda item: order.index(item[0]))
