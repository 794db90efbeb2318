"""Home page queues of the devices domain: machines waiting at a step of the workshop."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.devices.queries import count_devices
from refurb.extension_points import HomeQueue


def _in_state(key: str, state: State, label: str, hint: str, order: int) -> HomeQueue:
    # The stock tallies answer without counting the devices table.
    return HomeQueue(key, label, count=lambda reader: count_devices(state.value),
                     link=lambda reader: url_for("devices.list_devices", state=state.value),
                     hint=hint, order=order)


RECEIVED = _in_state("received", State.RECEIVED, N_("machines reçues à diagnostiquer"),
                     N_("Ouvrez chaque machine et faites son diagnostic."), 10)
QA_PENDING = _in_state("qa_pending", State.REPAIR,
                       N_("machines en réparation : contrôle qualité à faire"),
                       N_("Terminez la réparation puis passez la liste de contrôle."), 40)
