"""Home page queue of intake: pick-up receipts still to issue."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.intake import queries

RECEIPTS_TO_ISSUE = HomeQueue(
    "receipts_to_issue", N_("bons de prise en charge à émettre"),
    count=lambda reader: queries.count_without_receipt(),
    link=lambda reader: url_for("intake.list_collections", receipt="missing"),
    hint=N_("Collectes réceptionnées dont le donateur n’a pas encore reçu son bon."),
    order=20)
