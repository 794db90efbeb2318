"""Home page queues of the devices domain: machines waiting at a step of the workshop."""

from __future__ import annotations

from flask import url_for

from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.devices.queries import count_by_state
from refurb.extension_points import HomeQueue, HomeReader


def _in_state(key: str, state: State, label: str, hint: str, order: int) -> HomeQueue:
    # The stock tallies answer without counting the devices table, read once for the page.
    return HomeQueue(key, label, count=lambda reader: _by_state(reader).get(state.value, 0),
                     link=lambda reader: url_for("devices.list_devices", state=state.value),
                     hint=hint, order=order)


def _by_state(reader: HomeReader) -> dict[str, int]:
    if "devices_by_state" not in reader.shared:
        reader.shared["devices_by_state"] = count_by_state()
    return reader.shared["devices_by_state"]


RECEIVED = _in_state("received", State.RECEIVED, N_("machines reçues à diagnostiquer"),
                     N_("Ouvrez chaque machine et faites son diagnostic."), 10)
QA_PENDING = _in_state("qa_pending", State.REPAIR,
                       N_("machines en réparation : contrôle qualité à faire"),
                       N_("Terminez la réparation puis passez la liste de contrôle."), 40)
