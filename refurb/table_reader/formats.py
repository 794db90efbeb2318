"""What the reader found out about a file: its kind, how it is written, its header."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from refurb.core.errors import InvalidInput, Message
from refurb.core.excel_damage import column_letter
from refurb.core.i18n import N_

# Progress of a long read: (done, total), in bytes for a text file, in rows for a sheet.
Progress = Callable[[int, int], None]

TEXT = "csv"
SPREADSHEETS = ("xlsx", "xls", "ods")
KIND_LABELS = {"csv": N_("texte (CSV)"), "xlsx": "Excel (.xlsx)", "xls": "Excel 97-2003 (.xls)",
               "ods": "LibreOffice (.ods)"}

# The code pages a donor's tools write, as Python names them; the user may pick any of them.
# Labels are msgids: translate them where they are shown.
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": N_("UTF-16 (Excel « Texte Unicode »)"),
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252 (Excel Windows)",
    "iso8859_15": "ISO-8859-15 (Latin-9)",
    "mac_roman": "Mac Roman (Excel Mac)",
    "cp850": "CP850 (Excel MS-DOS)",
}
# Offered in the chooser (the BOM-less UTF-16 variants only when detected).
ENCODING_CHOICES = ("utf-8", "utf-16", "cp1252", "iso8859_15", "mac_roman", "cp850")

DELIMITER_LABELS = {";": N_("point-virgule"), ",": N_("virgule"), "\t": N_("tabulation")}
LINE_ENDING_LABELS = {"crlf": "CR LF (Windows)", "lf": "LF (Linux, macOS)",
                      "cr": N_("CR (Mac classique)")}


class TableUnreadable(InvalidInput):
    """The file cannot be read as a table at all (empty, unknown format, broken quoting)."""


@dataclass(frozen=True)
class TableFormat:
    kind: str  # "csv" or one of SPREADSHEETS
    header: tuple[str, ...]
    header_line: int = 1
    column_notes: dict[int, Message] = field(default_factory=dict)  # repeated or empty names
    first_column: int = 0  # of a sheet's used range, so letters match the spreadsheet's
    size: int = 0  # bytes (text) or rows (sheet): the total of a progress report
    garbled: str = ""  # an excerpt of the first lines that still looks wrongly decoded
    # Text files only
    encoding: str | None = None
    detected_encoding: str | None = None
    delimiter: str | None = None
    line_ending: str | None = None
    # Spreadsheets only
    sheets: tuple[str, ...] = ()
    sheet: str | None = None

    @property
    def is_text(self) -> bool:
        return self.kind == TEXT

    @property
    def kind_label(self) -> str:
        """A msgid for text files: translate it where it is shown."""
        return KIND_LABELS[self.kind]

    @property
    def encoding_label(self) -> str:
        """A msgid: translate it where it is shown."""
        return ENCODINGS.get(self.encoding or "", self.encoding or "")

    @property
    def delimiter_label(self) -> str:
        """A msgid: translate it where it is shown."""
        return DELIMITER_LABELS.get(self.delimiter or "", self.delimiter or "")

    @property
    def line_ending_label(self) -> str:
        """A msgid: translate it where it is shown."""
        return LINE_ENDING_LABELS.get(self.line_ending or "", "")

    def encoding_choices(self) -> list[tuple[str, str]]:
        names = list(ENCODING_CHOICES)
        if self.encoding and self.encoding not in names:
            names.insert(0, self.encoding)
        return [(name, ENCODINGS[name]) for name in names]

    def letter(self, index: int) -> str:
        return column_letter(self.first_column + index)

    def signature(self) -> tuple[str, ...]:
        """The header as compared between two files of one donor."""
        return tuple(name.casefold() for name in self.header)
