"""Home page queue of the network: transfer notes received, to countersign."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.extension_points import HomeQueue
from refurb.network import transfers
from refurb.workshops.context import current_workshop_id

TRANSFERS_TO_RECEIVE = HomeQueue(
    "transfers_to_receive", N_("bons de transfert reçus à contresigner"),
    count=lambda reader: transfers.count_to_receive(current_workshop_id()),
    link=lambda reader: url_for("network.transfer_list", incoming="1"),
    hint=N_("Confirmez la réception des machines : le bon reçoit sa version contresignée."),
    order=60)
