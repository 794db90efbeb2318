"""Reading a donor's asset list as a file: encoding, separator, records with their line numbers.

Pure Python (no Flask, no database) so the web page, the CLI and the benchmark share it. The
file is streamed line by line from a binary, seekable stream: a 40,000-line list is read twice
(check, then insert) without ever being held in memory.

French Excel saves CSV as cp1252 with ';', other tools UTF-8 (with or without BOM) and ','.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_

DELIMITERS = (";", ",", "\t")
DELIMITER_LABELS = {";": N_("point-virgule"), ",": N_("virgule"), "\t": N_("tabulation")}


class CsvUnreadable(InvalidInput):
    """The file itself cannot be read as a CSV list (empty, no header, broken quoting)."""


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str
    header: tuple[str, ...]

    @property
    def encoding_label(self) -> str:
        return {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(
            self.encoding, self.encoding
        )

    @property
    def delimiter_label(self) -> str:
        """A msgid: translate it where it is shown."""
        return DELIMITER_LABELS[self.delimiter]


def detect_encoding(stream: BinaryIO, chunk_size: int = 1 << 20) -> str:
    """BOM → UTF-8 with BOM; decodes as UTF-8 throughout → UTF-8; anything else → cp1252."""
    stream.seek(0)
    try:
        if stream.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := stream.read(chunk_size):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8"


def iter_lines(
    stream: BinaryIO, encoding: str, on_bytes: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Binary lines decoded one by one (b'\\n' never occurs inside a UTF-8 or cp1252 char)."""
    stream.seek(0)
    codec = "utf-8" if encoding.startswith("utf-8") else encoding
    errors = "strict" if codec == "utf-8" else "replace"  # cp1252 leaves 5 bytes undefined
    for number, raw in enumerate(stream):
        if on_bytes is not None:
            on_bytes(len(raw))
        text = raw.decode(codec, errors)
        yield text.lstrip("\ufeff") if number == 0 else text


def sniff_delimiter(lines: list[str]) -> str:
    """The header decides when it is clear (weights like '3,5' confuse the sniffer)."""
    header = next((line for line in lines if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts.values())
    winners = [d for d, n in counts.items() if n == best]
    if best and len(winners) == 1:
        return winners[0]
    try:
        return csv.Sniffer().sniff("".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ";"


def _records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line of the record, cells) for every non-blank record, header included."""
    reader = csv.reader(lines, delimiter=delimiter)
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvUnreadable(
                N_("Ligne %(line)s illisible (%(error)s) : vérifiez les guillemets du fichier."),
                line=start, error=str(error),
            ) from None
        end = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def detect_format(stream: BinaryIO) -> CsvFormat:
    encoding = detect_encoding(stream)
    sample = list(itertools.islice(iter_lines(stream, encoding), 50))
    delimiter = sniff_delimiter(sample)
    header = next(_records(sample, delimiter), None)
    stream.seek(0)
    if header is None:
        raise CsvUnreadable(N_("Le fichier est vide : aucune ligne d'en-tête."))
    return CsvFormat(encoding, delimiter, tuple(cell.strip() for cell in header[1]))


def iter_records(
    stream: BinaryIO, fmt: CsvFormat, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Data records (after the header) with their line number in the file."""
    records = _records(iter_lines(stream, fmt.encoding, on_bytes), fmt.delimiter)
    next(records, None)  # the header
    yield from records
