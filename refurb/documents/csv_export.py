"""CSV that opens cleanly in a French Excel: UTF-8 with BOM, ';' separator, decimal comma,
dates as JJ/MM/AAAA, times in the workshop's time zone (stored times are UTC), CRLF line
ends. Rows are streamed so large exports use little memory.

Text that a spreadsheet would run as a formula (a serial typed as `=HYPERLINK(…)`, a note
starting with `@` or `-`) is written with a leading apostrophe, as OWASP advises for CSV
injection; numbers stay numbers, negative ones included."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from refurb.clock import format_local

BOM = "\ufeff"
# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP list, plus LF).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    """Text cell → text a spreadsheet shows as is, never evaluates."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def french_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (Decimal, float)):
        return f"{value}".replace(".", ",") if isinstance(value, Decimal) else (
            f"{value:.6g}".replace(".", ","))
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def iter_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(str(name)) for name in header])
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([french_cell(v) for v in row])
        yield buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return "".join(iter_csv(header, rows)).encode("utf-8")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
    from flask import Response, stream_with_context

    response = Response(
        stream_with_context(chunk.encode("utf-8") for chunk in iter_csv(header, rows)),
        mimetype="text/csv",
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
