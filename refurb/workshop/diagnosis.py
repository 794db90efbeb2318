"""Diagnosis on arrival: what the technician found and where the machine goes next."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.workshop import decision_target, state_name
from refurb.devices.models import Device, DeviceEvent
from refurb.devices.services import transition
from refurb.extensions import db
from refurb.workshop.models import DECISIONS, FAULTS, POWER_ON, Diagnosis


def start_diagnosis(device: Device, *, actor_id: int | None, now: datetime) -> DeviceEvent:
    return transition(device, State.DIAGNOSIS, actor_id=actor_id, now=now)


def _check_findings(power_on: str, faults: list[str], decision: str) -> None:
    if power_on not in POWER_ON:
        raise InvalidInput(N_("Indiquez le résultat de la mise sous tension."))
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise InvalidInput(N_("Panne inconnue : %(faults)s"), faults=", ".join(unknown))
    if decision not in DECISIONS:
        raise InvalidInput(
            N_("Choisissez une décision : réemploi, pièces détachées ou recyclage."))


def record_diagnosis(
    device: Device,
    *,
    power_on: str,
    faults: Iterable[str],
    fault_notes: str,
    decision: str,
    actor_id: int | None,
    now: datetime,
) -> Diagnosis:
    """Store what was found and move the device where the decision sends it; a device just
    received (or returned) enters diagnosis first, so both steps are in its history."""
    faults = list(dict.fromkeys(faults))
    _check_findings(power_on, faults, decision)
    state = State(device.state)
    if state in (State.RECEIVED, State.RETURNED):
        start_diagnosis(device, actor_id=actor_id, now=now)
    elif state != State.DIAGNOSIS:
        raise DomainError(
            N_("%(tag)s : le diagnostic se fait à la réception (état actuel : %(state)s)."),
            tag=device.asset_tag, state=state_name(device.state))
    diagnosis = Diagnosis(device_id=device.id, power_on=power_on, faults=faults,
                          fault_notes=(fault_notes or "").strip(), decision=decision,
                          actor_id=actor_id, created_at=now)
    db.session.add(diagnosis)
    db.session.flush()
    details = {
        "diagnosis_id": diagnosis.id,
        "power_on": POWER_ON[power_on],
        "faults": [FAULTS[f] for f in faults],
        "decision": DECISIONS[decision],
    }
    if diagnosis.fault_notes:
        details["fault_notes"] = diagnosis.fault_notes
    transition(device, decision_target(decision, bool(device.drives)), actor_id=actor_id,
               now=now, details=details)
    return diagnosis
