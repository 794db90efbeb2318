"""Parser for nwipe / ShredOS log files.

nwipe writes one timestamped line per event (``[YYYY/MM/DD hh:mm:ss]  notice: ...``), the
threads wiping several drives at once interleave their lines, and the run ends with two summary
tables (error counts, then drive status) that carry no timestamp. This module reads both the
per-line messages and the tables in a single pass and returns what it could read plus French
warnings: it never raises, whatever the input.

Rules worth knowing:

- The outcome comes from the log, never from nwipe's exit code (an operator abort exits 0).
- The "Drive Status" table is the authority for the status; when it is missing (log cut off)
  the drive is reported "aborted" (or "failed" if errors were already logged) with a warning.
- Error counts are the maximum of what the tables and the per-line messages report, so a
  disagreement can only make the result more cautious.
- ``blank`` is the *configured* final blanking pass (``B``/``NB`` in the summary); ``blanked``
  says whether the log reports it done (``[SUCCESS] Blanked device``). They differ for an
  aborted wipe and for the verification-only methods, which write nothing.
- A log file can hold several runs (nwipe appends); a new run starts when devices are
  announced or options logged again after a summary.

The package reads in topics: `patterns` (what the lines look like), `values` (one field),
`lines` (timestamped lines), `tables` (the summary tables), `assembly` (each drive once the
log is read), `state` (what the parser keeps meanwhile), `model` (what it returns).
"""

from __future__ import annotations

from refurb.core.nwipe.assembly import Assembler
from refurb.core.nwipe.lines import LineReader
from refurb.core.nwipe.model import (
    STATUSES,
    VERIFICATION_ONLY_METHODS,
    NwipeDrive,
    NwipeLog,
    normalize_method,
    to_json_dict,
)
from refurb.core.nwipe.tables import TableReader

__all__ = [
    "NwipeDrive",
    "NwipeLog",
    "STATUSES",
    "VERIFICATION_ONLY_METHODS",
    "normalize_method",
    "parse_nwipe_log",
    "to_json_dict",
]


class Parser(LineReader, TableReader, Assembler):
    """One pass over the text (`feed`), then `finish`."""


def parse_nwipe_log(text: str) -> NwipeLog:
    """Read an nwipe log; never raises (returns what was read plus warnings)."""
    parser = Parser()
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        elif not isinstance(text, str):
            text = str(text)
        parser.feed(text)
        return parser.finish()
    except Exception as exc:  # safety net: a parser bug must not break an import page
        parser.warn(
            f"Erreur interne de lecture du journal ({type(exc).__name__}) : résultat partiel."
        )
    try:
        return parser.finish()
    except Exception:
        return NwipeLog(drives=[], warnings=parser.warnings, nwipe_version=parser.version)
