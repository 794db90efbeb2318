"""One reader for every upload that takes a table: CSV in any code page and line ending,
Excel (.xlsx, .xls) and LibreOffice (.ods) workbooks. No Flask, no database.

    fmt = table_reader.detect(stream)                      # or encoding=…, sheet=… chosen
    fmt.header, fmt.column_notes                           # names; repeated or empty ones
    for line, cells in table_reader.iter_records(stream, fmt):
        ...                                                # cells are text, as a person reads
                                                           # them: "03/05/2019", "12", "2.5"

`stream` is binary and seekable (an upload in a BytesIO, a file opened "rb"); it is read again
by each call and left open. What the cells may have suffered in Excel is for
`refurb.core.excel_damage` to flag, per column, where the caller knows what a column holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from refurb.table_reader import text_tables, workbooks
from refurb.table_reader.formats import (
    ENCODINGS,
    SPREADSHEETS,
    Progress,
    TableFormat,
    TableUnreadable,
)

__all__ = ["ENCODINGS", "SPREADSHEETS", "Progress", "TableFormat", "TableUnreadable", "detect",
           "iter_records", "sniff_kind"]

# What an upload form may accept.
ACCEPT = ".csv,.txt,.tsv,.xlsx,.xls,.ods"


def sniff_kind(stream: BinaryIO) -> str:
    return workbooks.sniff_kind(stream)


def detect(stream: BinaryIO, *, encoding: str | None = None,
           sheet: str | None = None) -> TableFormat:
    """How the file is written and its header. `encoding` (text) and `sheet` (workbooks) are
    the user's choice; left out, they are detected (first visible sheet)."""
    kind = sniff_kind(stream)
    if kind == "csv":
        return text_tables.detect(stream, encoding)
    return workbooks.detect(stream, kind, sheet or None)


def iter_records(stream: BinaryIO, fmt: TableFormat,
                 progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every non-empty record after the header: (its line in the file, its cells as text)."""
    if fmt.is_text:
        return text_tables.iter_records(stream, fmt, progress)
    return workbooks.iter_records(stream, fmt, progress)
