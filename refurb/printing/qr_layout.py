"""QR codes on device labels: the symbol (segno) as dark rectangles in modules, cached."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import segno

__all__ = ["QR_ERROR", "qr_runs", "qr_symbol"]

QR_ERROR = "m"

_DARK_RUN = re.compile(rb"\x01+")


def qr_runs(matrix: Sequence[Sequence[int]]) -> tuple[tuple[int, int, int, int], ...]:
    """Dark modules as rectangles: runs per row, stacked when rows repeat a run."""
    done: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], int] = {}  # (col, width) -> first row
    for r, row in enumerate(matrix):
        runs = [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row))]
        current = set(runs)
        for key in [k for k in open_ if k not in current]:
            r0 = open_.pop(key)
            done.append((key[0], r0, key[1], r - r0))
        for key in runs:
            open_.setdefault(key, r)
    n = len(matrix)
    done.extend((c, r0, w, n - r0) for (c, w), r0 in open_.items())
    done.sort(key=lambda t: (t[1], t[0]))
    return tuple(done)


# Bounded small: one symbol holds ~250 rectangles (~20 KB); copies are shared per call anyway.
@lru_cache(maxsize=256)
def qr_symbol(text: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    # segno scores the 8 ISO 18004 mask patterns: ~3 ms, most of a QR label's cost.
    # A fixed mask would be ~5x faster but non-conformant and sometimes harder to read.
    qr = segno.make(text, error=QR_ERROR, micro=False)
    return len(qr.matrix), qr_runs(qr.matrix)
