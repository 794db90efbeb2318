"""What people type into the WEEE forms, cleaned the same way by every use case."""

from __future__ import annotations

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_


def clean_text(value: object, limit: int) -> str:
    return str(value or "").strip()[:limit]


def required_text(value: object, label: str, limit: int) -> str:
    """`label` is the field's msgid, named in the refusal."""
    text = clean_text(value, limit)
    if not text:
        raise InvalidInput(N_("%(field)s : obligatoire."), field=Message(label))
    return text


def country_code(value: object) -> str:
    code = clean_text(value, 10).upper() or "FR"
    if not (len(code) == 2 and code.isalpha() and code.isascii()):
        raise InvalidInput(N_("Code pays : deux lettres (FR, BE…)."))
    return code
