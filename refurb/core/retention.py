"""Which backups to keep: the newest of each of the last N days that have one, and the newest of
each of the last M ISO weeks that have one (the same rule as restic's --keep-daily/--keep-weekly).
A day or a week without a backup does not use up a slot, so a server switched off for a fortnight
still has its last good backups when it comes back."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime


def backups_to_keep(times: Iterable[datetime], *, daily: int, weekly: int) -> set[datetime]:
    """`times` in local time; returns the ones to keep (the newest is always kept)."""
    ordered = sorted(set(times), reverse=True)
    keep: set[datetime] = set(ordered[:1])
    rules: tuple[tuple[int, Callable[[datetime], Hashable]], ...] = (
        (daily, lambda t: t.date()),
        (weekly, lambda t: tuple(t.isocalendar())[:2]),
    )
    for slots, bucket_of in rules:
        seen: set[Hashable] = set()
        for when in ordered:
            bucket = bucket_of(when)
            if bucket in seen:
                continue
            if len(seen) >= slots:
                break
            seen.add(bucket)
            keep.add(when)
    return keep


def backups_to_delete(times: Iterable[datetime], *, daily: int, weekly: int) -> list[datetime]:
    times = list(times)
    keep = backups_to_keep(times, daily=daily, weekly=weekly)
    return sorted(t for t in set(times) if t not in keep)
