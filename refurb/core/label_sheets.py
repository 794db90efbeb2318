"""Where the next label goes on a sheet already started. Pure."""

from __future__ import annotations


def next_free_place(start: int, printed: int, per_page: int, *, roll: bool = False) -> int:
    """The first free place after printing `printed` labels from place `start`: a sheet that
    comes out full starts the next one at 1; a roll has no places."""
    if roll or per_page <= 1:
        return 1
    return (start - 1 + printed) % per_page + 1
