"""Home page queue of the workshop floor: machines waiting for a part."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.workshop.queries import part_needs

WAITING_FOR_PARTS = HomeQueue(
    "waiting_for_parts", N_("machines en attente de pièces"),
    count=lambda reader: part_needs.count_waiting_devices(),
    link=lambda reader: url_for("workshop.waiting_for_parts"),
    preview=lambda reader: part_needs.preview_waiting(),
    hint=N_("Machines qui attendent une pièce commandée ou à trouver dans le stock."),
    order=45)
