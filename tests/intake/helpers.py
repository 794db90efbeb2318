"""Helpers for intake tests (kept here rather than in the shared tests/factories.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from refurb.extensions import db
from refurb.intake.models import Collection
from tests.factories import NOW, make_donor

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def open_collection(donor=None, number: str = "COL-2026-0501", state: str = "received"):
    """A collection ready for intake (factories' numbers stay clear of 05xx)."""
    donor = donor or make_donor()
    collection = Collection(number=number, donor_id=donor.id, state=state,
                            planned_on=date(2026, 3, 1), pickup_site="Siège",
                            created_at=NOW)
    db.session.add(collection)
    db.session.flush()
    return collection


def csv_bytes(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8",
              bom: bool = False) -> bytes:
    text = "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


HEADER = ["Type", "Marque", "Modèle", "N° de série", "Poids (kg)", "Statut", "Remarques"]


def asset_rows(count: int, start: int = 1) -> list[list[str]]:
    kinds = ("Portable", "Unité centrale", "Écran", "laptop")
    return [
        [kinds[i % 4], "Dell", f"Latitude {i % 7}", f"SER{i:07d}",
         "" if i % 3 else "2,5", "réemploi" if i % 5 else "déchet", f"rayure {i}" if i % 11 == 0 else ""]
        for i in range(start, start + count)
    ]


def upload(name: str, data: bytes):
    return (io.BytesIO(data), name)
