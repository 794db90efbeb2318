"""Checking what a policy or a household's facts are built from (stored JSON, a form, a CLI
file): one error family, with a msgid naming the field and what was received."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from refurb.core.eligibility.situations import Situation
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.quotient import CENT, QuotientError, to_decimal

Label = str | Message  # a field's name: a msgid marked with N_, or a Message


class EligibilityInputError(InvalidInput, ValueError):
    """Invalid policy or facts, fit for a form or an API error.

    Also an ``InvalidInput`` (HTTP 400) so the web layer reports it like any DomainError.
    """


class PolicyError(EligibilityInputError):
    pass


class FactsError(EligibilityInputError):
    pass


def _field(label: Label) -> Message:
    return label if isinstance(label, Message) else Message(label)


def whole_number(value: Any, label: Label, error: type[EligibilityInputError],
                 minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(N_("%(field)s : un nombre entier est attendu (reçu « %(value)s »)."),
                    field=_field(label), value=value)
    if value < minimum:
        raise error(N_("%(field)s : la valeur doit être au moins %(minimum)s (reçu %(value)s)."),
                    field=_field(label), minimum=minimum, value=value)
    return value


def yes_no(value: Any, label: Label, error: type[EligibilityInputError]) -> bool:
    if not isinstance(value, bool):
        raise error(N_("%(field)s : oui ou non attendu (reçu « %(value)s »)."),
                    field=_field(label), value=value)
    return value


def money(value: Any, label: Label, error: type[EligibilityInputError]) -> Decimal:
    try:
        number = to_decimal(value, label)
    except QuotientError:
        raise error(N_("%(field)s : montant invalide (reçu « %(value)s »)."),
                    field=_field(label), value=value) from None
    if number < 0:
        raise error(N_("%(field)s : le montant ne peut pas être négatif."), field=_field(label))
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def situation(value: Any, error: type[EligibilityInputError]) -> Situation:
    try:
        return Situation(value)
    except ValueError:
        known = ", ".join(s.value for s in Situation)
        raise error(N_("Situation inconnue : « %(value)s » (valeurs possibles : %(known)s)."),
                    value=value, known=known) from None


def situations(value: Any, label: Label, error: type[EligibilityInputError]) -> frozenset:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise error(N_("%(field)s : une liste de situations est attendue."), field=_field(label))
    return frozenset(situation(v, error) for v in value)


def iso_date(value: Any, label: Label, error: type[EligibilityInputError]) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise error(N_("%(field)s : date attendue au format AAAA-MM-JJ (reçu « %(value)s »)."),
                field=_field(label), value=value)


def check_keys(d: Mapping[str, Any], cls: type, error: type[EligibilityInputError]) -> None:
    if not isinstance(d, Mapping):
        raise error(N_("Un dictionnaire de paramètres est attendu."))
    # Unknown keys are refused: a misspelt setting would otherwise be silently ignored.
    unknown = sorted(set(d) - {f.name for f in fields(cls)})
    if unknown:
        raise error(N_("Paramètre inconnu : %(names)s."), names=", ".join(unknown))
