"""Integers taken from URLs stay within what the database can store.

A number such as 999999999999999999999 in a path or a query string used to reach the database
and fail there (OverflowError on SQLite, "out of range" on PostgreSQL): a 500 instead of a 404.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

# Ids are INTEGER columns on PostgreSQL (4 bytes); SQLite would take more but must agree.
MAX_ID = 2**31 - 1
# No list is that long; beyond it a page number is a typo or a probe.
MAX_PAGE = 1_000_000


class BoundedIntegerConverter(IntegerConverter):
    """<int:…> route arguments: 0 to MAX_ID, anything larger does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def read_integer(raw: str | None) -> int | None:
    """The integer written in `raw` (any size), or None when it is not a plain integer."""
    if raw is None:
        return None
    text = raw.strip()
    body = text[1:] if text[:1] in "+-" else text
    # ASCII digits only: int() would also take "1_000" or Arabic-Indic digits. Forty digits are
    # plenty to know the number is too large, without converting a megabyte of them.
    if not body or not body.isascii() or not body.isdigit():
        return None
    if len(body) > 40:
        return MAX_ID * 10 if text[:1] != "-" else -MAX_ID * 10
    return int(text)
