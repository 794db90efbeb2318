"""A machine waiting for a part: what a technician may record, how the need ends, and what
the stock says about it. Pure."""

from __future__ import annotations

from datetime import date
from typing import Any

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.workshop import positive_quantity

OPEN, FITTED, CANCELLED = "open", "fitted", "cancelled"
STATUSES = {
    OPEN: N_("En attente"),
    FITTED: N_("Reçue et posée"),
    CANCELLED: N_("Annulée"),
}
MAX_DESCRIPTION = 200

# What the waiting list says about the stock.
AVAILABLE = "available"  # the referenced part is in stock in the quantity needed
KIND_IN_STOCK = "kind_in_stock"  # no reference: parts of that kind are in stock, to check
AVAILABILITY_LABELS = {
    AVAILABLE: N_("pièce disponible"),
    KIND_IN_STOCK: N_("pièces de ce type en stock : à vérifier"),
}


def checked_need(*, referenced: bool, description: str, quantity: Any,
                 ordered_on: date | None, today: date) -> tuple[str, int]:
    """(description, quantity) of a new need, or a refusal a technician can act on."""
    description = (description or "").strip()
    if not referenced and not description:
        raise InvalidInput(N_("Choisissez la pièce dans le stock ou décrivez-la "
                              "(ex. « dalle 15,6 pouces 30 broches »)."))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(N_("Description de la pièce : %(max)s caractères au plus."),
                           max=MAX_DESCRIPTION)
    check_ordered_on(ordered_on, today)
    return description, positive_quantity(quantity)


def check_ordered_on(ordered_on: date | None, today: date) -> None:
    if ordered_on is not None and ordered_on > today:
        raise InvalidInput(N_("La date de commande ne peut pas être dans le futur."))


def check_open(status: str) -> None:
    if status != OPEN:
        raise InvalidInput(N_("Cette pièce n'est plus attendue (%(status)s)."),
                           status=STATUSES[status])


def cancel_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Indiquez pourquoi la pièce n'est plus attendue."))
    return reason


def availability(*, quantity: int, part_stock: int | None, kind_stock: int) -> str | None:
    """A referenced part is available when its stock covers the need; a described one only
    hints that parts of its kind are in stock (a technician checks they fit)."""
    if part_stock is not None:
        return AVAILABLE if part_stock >= quantity else None
    return KIND_IN_STOCK if kind_stock > 0 else None
