"""The same erasure recorded twice is one erasure. A scan at the wiping station repeated by
mistake (the scanner fired twice, the technician scanned the pile again) or a log entry seen
again in another file must not add a second record: the certificate and the history would
count a wipe that happened once.

Two attempts on one drive are the same when the method is the same (technique, claimed
outcome, verification, result, pattern, passes) and either both times are the same, or, at the
station, where the time is the scan's, they fall within one window (half a working day: no
workshop wipes the same drive twice the same way in less).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

STATION_WINDOW = timedelta(hours=12)


@dataclass(frozen=True)
class Attempt:
    method: tuple
    started_at: datetime | None
    finished_at: datetime


def repeat_of(new: Attempt, previous: Iterable[tuple[Attempt, object]],
              window: timedelta = timedelta(0)) -> object | None:
    """The first `(attempt, item)` of `previous` that `new` repeats; its item, else None."""
    for attempt, item in previous:
        if attempt.method != new.method:
            continue
        if attempt.started_at == new.started_at and attempt.finished_at == new.finished_at:
            return item
        if window and abs(new.finished_at - attempt.finished_at) <= window:
            return item
    return None
