"""Workbooks built the way donors' tools save them, for the tests and the benchmark.

A cell is a str, a number, a date/datetime, or Formula(text, value): the formula with the value
the spreadsheet computed and saved beside it (what a reader finds in a real file).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

Sheets = list[tuple[str, list[list[object]]]]


@dataclass(frozen=True)
class Formula:
    text: str  # without the leading "="
    value: float


def xlsx_bytes(sheets: Sheets, *, hidden: tuple[str, ...] = ()) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    shown = [name for name, _ in sheets if name not in hidden]
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        if name == shown[0]:
            sheet.activate()  # Excel cannot hide the sheet it opens on
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, "=" + value.text, None, value.value)
                elif isinstance(value, date | datetime):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write_number(r, c, value)
    book.close()
    return buffer.getvalue()


def xls_bytes(sheets: Sheets) -> bytes:
    """Excel 97-2003. xlwt leaves a formula's saved value empty, as no spreadsheet program
    would: each one is written in afterwards, where Excel keeps it in the FORMULA record."""
    import xlwt

    book = xlwt.Workbook()
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    formulas = []
    for name, rows in sheets:
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    sheet.write(r, c, xlwt.Formula(value.text))
                    formulas.append((r, c, value.value))
                elif isinstance(value, date | datetime):
                    sheet.write(r, c, value, day)
                elif value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    empty_result = struct.pack("<Q", 0xFFFF000000000003)
    for r, c, value in formulas:
        record = re.compile(re.escape(struct.pack("<HH", r, c)) + b".." + re.escape(empty_result),
                            re.DOTALL)
        found = record.search(data)
        assert found, "formula record not found"
        start = found.end() - 8
        data = data[:start] + struct.pack("<d", value) + data[start + 8:]
    return data


def ods_bytes(sheets: Sheets) -> bytes:
    """LibreOffice Calc: content.xml with typed cells (office:value-type)."""

    def cell(value: object) -> str:
        if isinstance(value, Formula):
            return (f'<table:table-cell table:formula={quoteattr("of:=" + value.text)} '
                    f'office:value-type="float" office:value="{value.value}">'
                    f"<text:p>{value.value}</text:p></table:table-cell>")
        if isinstance(value, datetime | date):
            iso = value.isoformat()
            return (f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
                    f"<text:p>{iso}</text:p></table:table-cell>")
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        if not value:
            return "<table:table-cell/>"
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
                f"</text:p></table:table-cell>")

    body = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                  for row in rows)
        + "</table:table>"
        for name, rows in sheets
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed: that is how a reader knows the kind.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


BUILDERS = {"xlsx": xlsx_bytes, "xls": xls_bytes, "ods": ods_bytes}
