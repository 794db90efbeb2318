"""What Excel does to an asset list before it reaches us, recognised so it is flagged, never
silently stored nor guessed back: identifiers in scientific notation, leading zeros dropped,
text turned into dates, dates turned into day numbers, integers given a ".0", formula errors,
and headers that repeat or leave out a column name. Pure Python.

A flag is a French msgid with its parameters (refurb.core.errors.Message): the import shows
it next to the line and refuses the column until a person confirms it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from refurb.core.errors import Message
from refurb.core.i18n import N_

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
TRAILING_ZERO = re.compile(r"^\d+[.,]0+$")
_MONTHS = (
    "janv|févr|fevr|mars|avr|mai|juin|juil|août|aout|sept|oct|nov|déc|dec|"
    "jan|feb|mar|apr|may|jun|jul|aug|sep"
)
DATE_LIKE = re.compile(
    r"^(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
    rf"|^\d{{1,2}}[ .-]?(?:{_MONTHS})\.?(?:[ .-]\d{{2,4}})?$",
    re.IGNORECASE,
)
# French and English names of Excel's error values, as a formula leaves them in a cell.
FORMULA_ERROR = re.compile(
    r"^#(?:N/A|NA|REF!|VALUE!|VALEUR!|DIV/0!|NAME\?|NOM\?|NUM!|NOMBRE!|NULL!|NUL!)$",
    re.IGNORECASE,
)
# Day numbers Excel gives the dates 1954–2064: what a date column turns into when its format
# is lost (43588 = 3 May 2019).
DAY_NUMBERS = range(20_000, 60_000)
EXCEL_EPOCH = date(1899, 12, 30)
# Excel keeps 15 significant digits: a longer number has lost the rest.
EXCEL_DIGITS = 15
# Candidate lines kept per column and length: enough to act on, memory stays flat.
KEEP = 1000


def identifier_damage(text: str) -> Message | None:
    """Why an identifier (serial, inventory number) cannot be trusted as Excel left it."""
    if not text or text[0] not in "0123456789+-#":
        return None
    if SCIENTIFIC.match(text):
        return Message(N_("« %(text)s » en notation scientifique : Excel a perdu des chiffres"),
                       {"text": text})
    if TRAILING_ZERO.match(text):
        return Message(N_("« %(text)s » : décimale nulle ajoutée à un nombre entier par un tableur"),
                       {"text": text})
    if DATE_LIKE.match(text):
        return Message(N_("« %(text)s » ressemble à une date : Excel a pu transformer le "
                          "numéro"), {"text": text})
    if FORMULA_ERROR.match(text):
        return formula_error(text)
    return None


def formula_error(text: str) -> Message | None:
    if FORMULA_ERROR.match(text):
        return Message(N_("« %(text)s » : erreur de formule dans le tableur"), {"text": text})
    return None


def day_number(text: str) -> date | None:
    """The date Excel means by a day number in the range of recent dates, else None."""
    if not (text.isdigit() and len(text) == 5):
        return None
    days = int(text)
    return EXCEL_EPOCH + timedelta(days=days) if days in DAY_NUMBERS else None


@dataclass
class ColumnWatch:
    """Facts about one column that need the whole column before a line can be flagged:
    shorter digit runs where others kept their leading zeros, day numbers where others are
    dates. Feed every value with `see`, then read `flags()`."""

    identifier: bool
    lengths: Counter = field(default_factory=Counter)  # digit-only values by length
    zero_led: int = 0  # the longest digit-only value starting with 0
    by_length: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    dates: int = 0
    day_numbers: list[tuple[int, str]] = field(default_factory=list)

    def see(self, line: int, text: str) -> None:
        if not text or not text[0].isdigit():
            return
        if self.identifier and text.isdigit():
            size = len(text)
            self.lengths[size] += 1
            if text[0] == "0" and size > self.zero_led:
                self.zero_led = size
            kept = self.by_length.setdefault(size, [])
            if len(kept) < KEEP:
                kept.append((line, text))
        elif not self.identifier:
            if DATE_LIKE.match(text):
                self.dates += 1
            elif day_number(text) is not None and len(self.day_numbers) < KEEP:
                self.day_numbers.append((line, text))

    def reference_length(self) -> int:
        """The length digit-only values had before Excel: the longest one with a leading zero,
        else the length most of them share when it is long enough to be padded (5+)."""
        if self.zero_led:
            return self.zero_led
        total = sum(self.lengths.values())
        if not total:
            return 0
        size, count = self.lengths.most_common(1)[0]
        return size if size >= 5 and count * 2 > total else 0

    def flags(self) -> list[tuple[int, Message]]:
        found: list[tuple[int, Message]] = []
        reference = self.reference_length()
        for size, kept in self.by_length.items():
            if size < reference:
                found.extend((line, Message(
                    N_("« %(text)s » : %(size)s chiffres au lieu de %(expected)s, zéros de tête "
                       "perdus par Excel ?"), {"text": text, "size": size,
                                                "expected": reference})) for line, text in kept)
        if self.dates:
            found.extend((line, Message(
                N_("« %(text)s » : date devenue un nombre dans le tableur (%(day)s ?)"),
                {"text": text, "day": f"{day_number(text):%d/%m/%Y}"}))
                for line, text in self.day_numbers)
        return sorted(found, key=lambda flag: flag[0])


def number_text(value: float | int) -> str:
    """A spreadsheet number as the text a person reads in its cell: integers without ".0";
    past 15 digits, the scientific notation Excel shows (the digits are gone)."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int) and abs(value) < 10**EXCEL_DIGITS:
        return str(value)
    if float(value).is_integer() and abs(value) < 10**EXCEL_DIGITS:
        return str(int(value))
    if abs(value) >= 10**EXCEL_DIGITS:
        return f"{value:.5E}"
    return f"{value:.{EXCEL_DIGITS}g}"


# -- headers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]
    notes: dict[int, Message]  # column index → why its name cannot be trusted


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the letters a spreadsheet shows above its columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_header(cells: Iterable[str], used_columns: int = 0, first_column: int = 0) -> Header:
    """Names trimmed; empty columns at the end dropped unless some line uses them
    (`used_columns`: how many columns the first lines fill); repeated and empty names noted."""
    names = [cell.strip() for cell in cells]
    keep = max(used_columns, max((i + 1 for i, n in enumerate(names) if n), default=0))
    names = (names + [""] * keep)[:keep]
    notes: dict[int, Message] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        letter = column_letter(first_column + index)
        if not name:
            notes[index] = Message(N_("colonne %(letter)s sans nom"), {"letter": letter})
            continue
        key = name.casefold()
        if key in seen:
            first = seen[key]
            message = Message(N_("nom de colonne « %(name)s » répété (colonnes %(first)s et "
                                 "%(letter)s)"), {"name": name,
                                                  "first": column_letter(first_column + first),
                                                  "letter": letter})
            notes[index] = message
            notes.setdefault(first, message)
        else:
            seen[key] = index
    return Header(tuple(names), notes)
