"""Text tables (CSV, TSV, Excel's "Texte Unicode"): code page, line endings, separator,
records with the number of the line they start on.

The file is streamed from a binary, seekable stream, never held whole as text: a 40,000-line
list is read twice (check, then insert) in flat memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from charset_normalizer import from_bytes

from refurb.core.excel_damage import read_header
from refurb.core.i18n import N_
from refurb.core.mojibake import garbled_excerpt, looks_garbled, plausibility
from refurb.table_reader.formats import ENCODINGS, Progress, TableFormat, TableUnreadable

DELIMITERS = (";", ",", "\t")
# Single-byte code pages of the tools donors use, most common first in France.
SINGLE_BYTE = ("cp1252", "iso8859_15", "mac_roman", "cp850")
SAMPLE_LINES = 50
SAMPLE_BYTES = 64 << 10
PROGRESS_EVERY = 500  # records


# -- code page ---------------------------------------------------------------------------------
def detect_encoding(stream: BinaryIO) -> str:
    """BOM first; then UTF-16 without BOM (every other byte zero), UTF-8 when the whole file
    decodes as such; else the single-byte code page whose reading looks most like French."""
    stream.seek(0)
    try:
        start = stream.read(SAMPLE_BYTES)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        utf16 = _utf16_without_bom(start)
        if utf16:
            return utf16
        if b"\x00" in start:
            raise TableUnreadable(N_("Ce fichier n'est pas un tableau : enregistrez-le en CSV, "
                                     "en .xlsx ou en .ods."))
        stream.seek(0)
        if _decodes_as_utf8(stream):
            return "utf-8"
        stream.seek(0)
        return _best_single_byte(_lines_with_accents(stream), _cr_only(start))
    finally:
        stream.seek(0)


def _utf16_without_bom(start: bytes) -> str | None:
    pairs = len(start) // 2
    if pairs < 4:
        return None
    even_zero = start[0:pairs * 2:2].count(0)
    odd_zero = start[1:pairs * 2:2].count(0)
    if odd_zero > pairs * 0.7 and even_zero < pairs * 0.1:
        return "utf-16-le"
    if even_zero > pairs * 0.7 and odd_zero < pairs * 0.1:
        return "utf-16-be"
    return None


def _decodes_as_utf8(stream: BinaryIO, chunk_size: int = 1 << 20) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(chunk_size):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lines_with_accents(stream: BinaryIO, limit: int = SAMPLE_BYTES) -> bytes:
    """Only the lines that hold non-ASCII bytes tell code pages apart: up to `limit` of them,
    from anywhere in the file."""
    found, size = [], 0
    while size < limit and (chunk := stream.read(1 << 20)):
        for line in re.findall(rb"[^\r\n]*[\x80-\xff][^\r\n]*", chunk):
            found.append(line)
            size += len(line) + 1
            if size >= limit:
                break
    return b"\n".join(found)


def _cr_only(start: bytes) -> bool:
    return b"\r" in start and b"\n" not in start


def _best_single_byte(sample: bytes, mac_hint: bool) -> str:
    """charset-normalizer keeps the code pages that read the sample without chaos; among them,
    the one whose text looks most French wins (a Mac Roman file reads in Windows-1252 too, as
    nonsense). Classic Mac line endings speak for Mac Roman when the text cannot decide."""
    matches = from_bytes(sample, cp_isolation=list(SINGLE_BYTE))
    chaos = {match.encoding: match.chaos for match in matches}
    names = [name for name in SINGLE_BYTE if name in chaos] or list(SINGLE_BYTE)

    def rank(name: str) -> tuple:
        text = sample.decode(name, "replace")
        return (-plausibility(text), not (mac_hint and name == "mac_roman"),
                chaos.get(name, 1.0), SINGLE_BYTE.index(name))

    return min(names, key=rank)


# -- text, lines, records ----------------------------------------------------------------------
def codec_of(encoding: str) -> str:
    return "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding


@contextmanager
def opened_text(stream: BinaryIO, encoding: str) -> Iterator[io.TextIOWrapper]:
    """Universal line endings (CR, LF, CR LF) with the endings kept, as csv wants them;
    undecodable bytes become U+FFFD, which the checks flag."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=codec_of(encoding), errors="replace", newline="")
    try:
        yield text
    finally:
        text.detach()  # leave the caller's stream open
        stream.seek(0)


def line_ending(sample: str) -> str:
    crlf = sample.count("\r\n")
    cr, lf = sample.count("\r") - crlf, sample.count("\n") - crlf
    best = max((crlf, "crlf"), (lf, "lf"), (cr, "cr"))
    return best[1] if best[0] else "crlf"


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


def records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
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
            raise TableUnreadable(
                N_("Ligne %(line)s illisible (%(error)s) : vérifiez les guillemets du fichier."),
                line=start, error=str(error),
            ) from None
        end = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def detect(stream: BinaryIO, encoding: str | None = None) -> TableFormat:
    detected = detect_encoding(stream)
    chosen = encoding if encoding in ENCODINGS else detected
    with opened_text(stream, chosen) as text:
        sample = list(itertools.islice(text, SAMPLE_LINES))
    ending = line_ending("".join(sample))
    delimiter = sniff_delimiter(sample)
    found = list(records(sample, delimiter))
    if not found:
        raise TableUnreadable(N_("Le fichier est vide : aucune ligne d'en-tête."))
    (header_line, header_cells), rest = found[0], found[1:]
    used = max((max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
                for _, cells in rest), default=0)
    header = read_header(header_cells, used)
    garbled = next((garbled_excerpt(line) for line in sample if looks_garbled(line)), "")
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return TableFormat(kind="csv", header=header.names, header_line=header_line,
                       column_notes=header.notes, size=size, garbled=garbled, encoding=chosen,
                       detected_encoding=detected, delimiter=delimiter, line_ending=ending)


def iter_records(stream: BinaryIO, fmt: TableFormat,
                 progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
    """Data records (after the header) with their line number in the file."""
    with opened_text(stream, fmt.encoding or "utf-8") as text:
        found = records(text, fmt.delimiter or ";")
        next(found, None)  # the header
        for count, record in enumerate(found, 1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(stream.tell(), fmt.size)
            yield record
    if progress is not None:
        progress(fmt.size, fmt.size)
