"""Spreadsheets (.xlsx, .xls, .ods) through python-calamine: the values a person sees in the
cells (a formula's last computed value, dates as dates), one sheet at a time.

A sheet is loaded whole by calamine (a zipped XML file cannot be streamed by rows); rows are
turned into text one at a time.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from refurb.core.excel_damage import number_text, read_header
from refurb.core.i18n import N_
from refurb.core.mojibake import garbled_excerpt, looks_garbled
from refurb.table_reader.formats import KIND_LABELS, Progress, TableFormat, TableUnreadable

SAMPLE_ROWS = 50
PROGRESS_EVERY = 500  # rows
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff_kind(stream: BinaryIO) -> str:
    """"csv", "xlsx", "xls" or "ods", from the bytes (the file name may lie)."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(OLE_MAGIC):
        return "xls"
    if not head.startswith(b"PK\x03\x04"):
        return "csv"
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError):
        names, mimetype = set(), b""
    finally:
        stream.seek(0)
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    raise TableUnreadable(N_("Archive non reconnue : envoyez un classeur .xlsx, .xls ou .ods, "
                             "ou un fichier CSV."))


def _open(stream: BinaryIO, kind: str) -> CalamineWorkbook:
    stream.seek(0)
    try:
        return CalamineWorkbook.from_filelike(stream)
    except PasswordError:
        raise TableUnreadable(N_("Le classeur est protégé par un mot de passe : enregistrez-le "
                                 "sans mot de passe.")) from None
    except (CalamineError, ValueError, OSError) as error:
        raise TableUnreadable(N_("Le classeur %(kind)s ne peut pas être lu (%(error)s) : "
                                 "enregistrez-le à nouveau depuis le tableur, ou en CSV."),
                              kind=KIND_LABELS[kind], error=str(error)[:200]) from None
    finally:
        stream.seek(0)


def cell_text(value: Any) -> str:
    """A cell as the person reads it: dates in the French way, numbers without '.0'."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return number_text(value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if value.time() == time(0) else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}" if not value.second else f"{value:%H:%M:%S}"
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)


def _rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells as text) for every non-empty row."""
    for index, row in enumerate(sheet.iter_rows()):
        cells = [cell_text(value) for value in row]
        if any(cell.strip() for cell in cells):
            yield index + 1, cells


def _visible_sheets(book: CalamineWorkbook) -> tuple[str, ...]:
    return tuple(meta.name for meta in book.sheets_metadata
                 if meta.visible == SheetVisibleEnum.Visible) or tuple(book.sheet_names)


def _sheet(book: CalamineWorkbook, name: str):
    try:
        return book.get_sheet_by_name(name)
    except CalamineError as error:
        raise TableUnreadable(N_("La feuille « %(sheet)s » ne peut pas être lue (%(error)s)."),
                              sheet=name, error=str(error)[:200]) from None


def detect(stream: BinaryIO, kind: str, sheet: str | None = None) -> TableFormat:
    book = _open(stream, kind)
    sheets = _visible_sheets(book)
    if not sheets:
        raise TableUnreadable(N_("Le classeur ne contient aucune feuille."))
    if sheet is not None and sheet not in sheets:
        raise TableUnreadable(N_("Le classeur n'a pas de feuille « %(sheet)s »."), sheet=sheet)
    name = sheet or sheets[0]
    data = _sheet(book, name)
    sample = list(itertools.islice(_rows(data), SAMPLE_ROWS))
    if not sample:
        raise TableUnreadable(N_("La feuille « %(sheet)s » est vide : aucune ligne d'en-tête."),
                              sheet=name)
    (header_line, header_cells), rest = sample[0], sample[1:]
    used = max((max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
                for _, cells in rest), default=0)
    header = read_header(header_cells, used, first_column=(data.start or (0, 0))[1])
    texts = (cell for _, cells in sample for cell in cells)
    garbled = next((garbled_excerpt(cell) for cell in texts if looks_garbled(cell)), "")
    return TableFormat(kind=kind, header=header.names, header_line=header_line,
                       column_notes=header.notes, first_column=(data.start or (0, 0))[1],
                       size=(data.end or (0, 0))[0] + 1, garbled=garbled, sheets=sheets,
                       sheet=name)


def iter_records(stream: BinaryIO, fmt: TableFormat,
                 progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    data = _sheet(_open(stream, fmt.kind), fmt.sheet or "")
    for line, cells in _rows(data):
        if line <= fmt.header_line:
            continue
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(line, fmt.size)
        yield line, cells
    if progress is not None:
        progress(fmt.size, fmt.size)
