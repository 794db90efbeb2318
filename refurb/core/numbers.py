"""Numbers as people type them: "0,8" in French, "0.8" in English, "1 000,50" or "1,000.50"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

SPACES = (" ", "\u00a0", "\u202f", "'")


def parse_decimal_text(text: str) -> Decimal:
    """The decimal a person meant; raises ValueError when it is not a number. With both a comma
    and a dot, the last one is the decimal separator and the other groups thousands; a lone
    comma is a decimal comma (French), as is a lone dot."""
    cleaned = (text or "").strip()
    for space in SPACES:
        cleaned = cleaned.replace(space, "")
    if "," in cleaned and "." in cleaned:
        grouping = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(grouping, "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned or cleaned.count(".") > 1 or cleaned.lower() in ("nan", "inf", "infinity"):
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def digits_of(value: Decimal) -> int:
    """Digits after the decimal separator, as stored: 0.8 → 1, 700.00 → 2, 3 → 0."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
