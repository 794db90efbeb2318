from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from refurb import extension_points
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.extension_points import Definition
from refurb.extensions import db
from refurb.settings import store
from refurb.workshops.context import current_scope

REGISTRY = extension_points.settings



def parse(definition: Definition, raw: str) -> Any:
    text = (raw or "").strip()
    try:
        if definition.kind == "int":
            value: Any = int(text)
        elif definition.kind == "decimal":
            value = Decimal(text.replace(",", ".").replace("\u202f", "").replace(" ", ""))
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
