"""Labels placed on pages: copies side by side, from the first free place of a used sheet."""

from __future__ import annotations

from collections.abc import Iterable

from refurb.core.i18n import N_

from .layout import LabelData, LabelLayout, LabelLayoutError, PlacedLabel, layout_label
from .stocks import LabelStock

__all__ = ["check_copies", "expand_copies", "label_list", "paginate"]

ROLL_HAS_NO_START = N_("Un rouleau n'a pas d'emplacement de départ : laissez la position de "
                       "départ à 1.")


def check_copies(copies: int) -> int:
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 1000:
        raise LabelLayoutError(N_("Nombre d'exemplaires invalide : %(copies)s (1 à 1000)."),
                               copies=repr(copies))
    return copies


def label_list(labels: Iterable[LabelData]) -> list[LabelData]:
    """The labels as a non-empty list of :class:`LabelData`."""
    items = list(labels)
    for item in items:
        if not isinstance(item, LabelData):
            raise TypeError(f"LabelData attendu, reçu {type(item).__name__}")
    if not items:
        raise LabelLayoutError(N_("Aucune étiquette à imprimer."))
    return items


def expand_copies(labels: Iterable[LabelData], copies: int) -> list[LabelData]:
    """Each label ``copies`` times in a row (A, A, B, B…), as technicians stick them."""
    check_copies(copies)
    return [item for item in label_list(labels) for _ in range(copies)]


def paginate(stock: LabelStock, labels: Iterable[LabelData], start: int = 1,
             copies: int = 1) -> list[list[PlacedLabel]]:
    """Labels placed on pages; ``start`` is the first free place of a used sheet."""
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= stock.per_page:
        if stock.kind == "roll":
            raise LabelLayoutError(ROLL_HAS_NO_START)
        raise LabelLayoutError(N_("Position de départ invalide : %(start)s (de 1 à %(last)s sur "
                                  "« %(stock)s »)."),
                               start=repr(start), last=stock.per_page, stock=stock.title)
    items = expand_copies(labels, copies)
    per_page = stock.per_page
    layouts: dict[LabelData, LabelLayout] = {}
    origins = [stock.place_origin(p) for p in range(1, per_page + 1)]
    pages: list[list[PlacedLabel]] = []
    for i, data in enumerate(items, start=start - 1):
        page, slot = divmod(i, per_page)
        if page == len(pages):
            pages.append([])
        lay = layouts.get(data)
        if lay is None:
            lay = layouts[data] = layout_label(stock, data)
        x, y = origins[slot]
        pages[page].append(PlacedLabel(page, slot + 1, x, y, data, lay))
    return pages
