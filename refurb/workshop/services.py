"""Workshop use cases: diagnosis, parts stock, work orders, software, QA, locations, profiles.

Every function takes plain values, the actor and the clock, changes models, writes device
events and flushes; the view commits. Device states change only through
`refurb.devices.services.transition`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from refurb.concurrency import flush_or_conflict
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import ConcurrentChange, DomainError, InvalidInput, NotFound
from refurb.core.lifecycle import (
    FLOW_ONLY_TARGETS,
    STATE_LABELS,
    TRANSITIONS,
    State,
    check_transition,
)
from refurb.core.profiles import (
    LICENCE_KEY_OS,
    OPERATING_SYSTEMS,
    DriveFacts,
    MachineFacts,
    Profile,
    ProfileMatch,
    format_ram,
    match_profiles,
    software_key,
)
from refurb.core.qa import (
    CHECK_KINDS,
    PERCENT,
    ChecklistItem,
    CheckResult,
    check_grade,
    evaluate,
    missing_checks,
)
from refurb.counters import next_number
from refurb.devices.batch import BatchAction, register_batch_action
from refurb.devices.event_words import register_event_words
from refurb.devices.models import Device, DeviceEvent
from refurb.devices.services import (
    gather_facts,
    record_event,
    register_facts_provider,
    transition,
)
from refurb.extensions import db
from refurb.workshop.models import (
    DECISIONS,
    FAULTS,
    LOCATION_KINDS,
    PART_CATEGORIES,
    POWER_ON,
    BuildProfile,
    Diagnosis,
    Part,
    PartMovement,
    QACheck,
    QACheckRule,
    QAResult,
    QARun,
    SoftwareInstall,
    StockLocation,
    WorkOrder,
)

S = State
# Where a machine physically is in the workshop (a work order or a shelf makes sense).
IN_WORKSHOP = frozenset({S.RECEIVED, S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RESERVED,
                         S.RETURNED, S.PARTS, S.TO_DISPOSE})
REPAIRABLE = frozenset({S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RETURNED})


def _flush_device(device: Device) -> None:
    flush_or_conflict(
        f"{device.asset_tag} vient d'être modifié par quelqu'un d'autre : rechargez la page.")


def _state_label(state: str) -> str:
    return STATE_LABELS[State(state)]


register_event_words(
    kinds={"location_changed": "Changement d'emplacement", "part_harvested": "Pièce prélevée",
           "work_order": "Bon de travail", "software_installed": "Installation des logiciels",
           "licence_key_revealed": "Clé de licence affichée",
           "qa_recorded": "Contrôle qualité"},
    details={"from_location": "Ancien emplacement", "to_location": "Nouvel emplacement",
             "via": "Par", "diagnosis_id": "Diagnostic n°", "power_on": "Mise sous tension",
             "faults": "Pannes", "fault_notes": "Autres constats", "decision": "Décision",
             "part": "Pièce", "quantity": "Quantité", "movement_id": "Mouvement de stock n°",
             "work_order_id": "Bon de travail n°", "minutes": "Temps passé (minutes)",
             "actions": "Travaux", "parts": "Pièces utilisées", "ram": "Mémoire",
             "software_install_id": "Installation n°", "os": "Système", "software": "Logiciels",
             "licence_key": "Clé de licence", "qa_run_id": "Contrôle qualité n°",
             "results": "Résultats", "grade": "Grade esthétique", "missing": "Manque"},
    values={"batch_scan": "scan en série", "batch_undo": "annulation d'un scan en série"},
)


# ------------------------------------------------------------------------------- locations

LOCATION_CODE_RE = re.compile(r"^LOC-?(\d{1,9})$")


def parse_location_code(text: str) -> str | None:
    """Scanners add CR/LF, people type lower case or forget the dash: LOC-0007 either way."""
    match = LOCATION_CODE_RE.match(text.strip().upper().replace(" ", ""))
    return f"LOC-{int(match.group(1)):04d}" if match else None


def create_location(name: str, kind: str, notes: str = "", *, now: datetime) -> StockLocation:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Donnez un nom à l'emplacement (ex. « Étagère A3 »).")
    if kind not in LOCATION_KINDS:
        raise InvalidInput(f"Type d'emplacement inconnu : {kind}")
    location = StockLocation(code=f"LOC-{next_number('location'):04d}", name=name, kind=kind,
                             notes=(notes or "").strip(), active=True, created_at=now)
    db.session.add(location)
    db.session.flush()
    return location


def update_location(location: StockLocation, name: str, kind: str, notes: str,
                    active: bool) -> StockLocation:
    if not (name or "").strip():
        raise InvalidInput("Donnez un nom à l'emplacement (ex. « Étagère A3 »).")
    if kind not in LOCATION_KINDS:
        raise InvalidInput(f"Type d'emplacement inconnu : {kind}")
    location.name, location.kind, location.notes = name.strip(), kind, (notes or "").strip()
    location.active = active
    db.session.flush()
    return location


def get_location_by_code(text: str) -> StockLocation | None:
    code = parse_location_code(text)
    if code is None:
        return None
    return db.session.scalar(select(StockLocation).where(StockLocation.code == code))


def move_device(
    device: Device, location: StockLocation | None, *, actor_id: int | None, now: datetime,
    details: dict[str, Any] | None = None,
) -> DeviceEvent:
    """Put a device on a shelf (or take it off every shelf with None)."""
    if State(device.state) not in IN_WORKSHOP:
        raise DomainError(
            f"{device.asset_tag} n'est plus à l'atelier ({_state_label(device.state)})."
        )
    if location is not None and not location.active:
        raise DomainError(f"L'emplacement {location.code} n'est plus utilisé.")
    new_id = location.id if location else None
    if device.location_id == new_id:
        where = location.code if location else "aucun emplacement"
        raise DomainError(f"{device.asset_tag} est déjà à {where}.")
    previous = db.session.get(StockLocation, device.location_id) if device.location_id else None
    device.location_id = new_id
    device.updated_at = now
    _flush_device(device)
    moved = {"from_location": previous.code if previous else None,
             "to_location": location.code if location else None}
    return record_event(
        device, "location_changed", actor_id=actor_id, now=now,
        details={**{k: v for k, v in moved.items() if v}, **(details or {})},
    )


# ------------------------------------------------------------------------------- diagnosis

def decision_target(decision: str, has_drive: bool) -> State:
    """Reuse goes through data erasure first when there is a drive to erase."""
    if decision == "reuse":
        return S.WIPING if has_drive else S.REPAIR
    return {"parts": S.PARTS, "dispose": S.TO_DISPOSE}[decision]


def start_diagnosis(device: Device, *, actor_id: int | None, now: datetime) -> DeviceEvent:
    return transition(device, S.DIAGNOSIS, actor_id=actor_id, now=now)


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
    if power_on not in POWER_ON:
        raise InvalidInput("Indiquez le résultat de la mise sous tension.")
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise InvalidInput(f"Panne inconnue : {', '.join(unknown)}")
    if decision not in DECISIONS:
        raise InvalidInput("Choisissez une décision : réemploi, pièces détachées ou recyclage.")
    state = State(device.state)
    if state in (S.RECEIVED, S.RETURNED):
        start_diagnosis(device, actor_id=actor_id, now=now)
    elif state != S.DIAGNOSIS:
        raise DomainError(
            f"{device.asset_tag} : le diagnostic se fait à la réception "
            f"(état actuel : {_state_label(device.state)})."
        )
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


# ------------------------------------------------------------------------------- parts stock

def create_part(category: str, name: str, compatibility: str = "", *, quantity: int = 0,
                actor_id: int | None, now: datetime) -> Part:
    name = (name or "").strip()
    if category not in PART_CATEGORIES:
        raise InvalidInput(f"Catégorie de pièce inconnue : {category}")
    if not name:
        raise InvalidInput("Donnez un nom à la pièce (ex. « DDR3 SO-DIMM 4 Go »).")
    exists = db.session.scalar(select(Part.id).where(Part.category == category,
                                                     Part.name == name))
    if exists:
        raise InvalidInput(f"La pièce « {name} » existe déjà dans cette catégorie.")
    part = Part(category=category, name=name, compatibility=(compatibility or "").strip(),
                quantity=0, created_at=now, updated_at=now)
    db.session.add(part)
    db.session.flush()
    if quantity:
        receive_parts(part, quantity, "Stock initial", actor_id=actor_id, now=now)
    return part


def _change_stock(part: Part, delta: int, now: datetime) -> int:
    """One atomic statement: a decrement only happens while enough stock is left, so two
    technicians taking the last unit at once cannot both succeed (row lock on PostgreSQL,
    write lock on SQLite). Returns the quantity after the change."""
    statement = (
        update(Part)
        .where(Part.id == part.id)
        .values(quantity=Part.quantity + delta, updated_at=now)
        .returning(Part.quantity)
        .execution_options(synchronize_session=False)
    )
    if delta < 0:
        statement = statement.where(Part.quantity >= -delta)
    after = db.session.execute(statement).scalar_one_or_none()
    if after is None:
        db.session.refresh(part)
        raise DomainError(
            f"Stock insuffisant : {part.name} ({part.quantity} en stock, {-delta} demandé(s)).",
        )
    db.session.refresh(part)
    return after


def _movement(part: Part, kind: str, delta: int, *, actor_id: int | None, now: datetime,
              device: Device | None = None, work_order: WorkOrder | None = None,
              note: str = "") -> PartMovement:
    after = _change_stock(part, delta, now)
    movement = PartMovement(part_id=part.id, kind=kind, delta=delta, quantity_after=after,
                            device_id=device.id if device else None,
                            work_order_id=work_order.id if work_order else None,
                            actor_id=actor_id, occurred_at=now, note=(note or "").strip())
    db.session.add(movement)
    db.session.flush()
    return movement


def _positive(quantity: Any) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise InvalidInput("La quantité doit être un nombre entier.") from None
    if quantity < 1:
        raise InvalidInput("La quantité doit être d'au moins 1.")
    return quantity


def receive_parts(part: Part, quantity: int, note: str = "", *, actor_id: int | None,
                  now: datetime) -> PartMovement:
    return _movement(part, "receive", _positive(quantity), actor_id=actor_id, now=now,
                     note=note)


def adjust_stock(part: Part, delta: int, note: str, *, actor_id: int | None,
                 now: datetime) -> PartMovement:
    """Inventory correction after a count: signed, and always explained."""
    try:
        delta = int(delta)
    except (TypeError, ValueError):
        raise InvalidInput("La correction doit être un nombre entier (ex. -2).") from None
    if delta == 0:
        raise InvalidInput("Une correction de 0 ne change rien.")
    if not (note or "").strip():
        raise InvalidInput("Indiquez la raison de la correction d'inventaire.")
    return _movement(part, "adjust", delta, actor_id=actor_id, now=now, note=note)


def harvest_part(device: Device, part: Part, quantity: int, note: str = "", *,
                 actor_id: int | None, now: datetime) -> PartMovement:
    """Take a part out of a machine sent to `parts`: the stock rises, linked to its source."""
    quantity = _positive(quantity)
    if device.state != S.PARTS:
        raise DomainError(
            f"{device.asset_tag} n'est pas en « {STATE_LABELS[S.PARTS]} » : "
            "on ne prélève que sur un appareil destiné aux pièces."
        )
    if part.category == "drive":
        # Invariant 1: a drive leaving its host is tracked on its own until sanitized.
        raise DomainError(
            "Un disque retiré d'un appareil se suit à part (étiquette, effacement) : "
            "enregistrez le retrait depuis l'effacement des données."
        )
    movement = _movement(part, "harvest", quantity, actor_id=actor_id, now=now,
                         device=device, note=note)
    record_event(device, "part_harvested", actor_id=actor_id, now=now,
                 details={"part": part.name, "quantity": quantity,
                          "movement_id": movement.id})
    return movement


# ------------------------------------------------------------------------------- work orders

@dataclass(frozen=True)
class PartUse:
    part_id: int
    quantity: int


def parse_ram_gb(value: Any) -> int | None:
    """RAM after an upgrade, typed in Go (4, 8, 1,5): stored in MiB like the rest."""
    if value in (None, ""):
        return None
    try:
        gb = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise InvalidInput("Mémoire : indiquez un nombre de Go (ex. 8).") from None
    if not 0 < gb <= 4096:
        raise InvalidInput("Mémoire : indiquez un nombre de Go entre 0 et 4096.")
    return int(gb * 1024)


def record_work_order(
    device: Device,
    *,
    actions: str,
    minutes: int,
    technician_id: int | None,
    parts: Iterable[PartUse] = (),
    ram_mib_after: int | None = None,
    actor_id: int | None,
    now: datetime,
) -> WorkOrder:
    actions = (actions or "").strip()
    if not actions:
        raise InvalidInput("Décrivez ce qui a été fait.")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise InvalidInput("Temps passé : un nombre de minutes.") from None
    if not 0 <= minutes <= 24 * 60:
        raise InvalidInput("Temps passé : entre 0 et 1440 minutes.")
    if State(device.state) not in REPAIRABLE:
        raise DomainError(
            f"{device.asset_tag} : pas de bon de travail dans l'état "
            f"« {_state_label(device.state)} »."
        )
    wanted: dict[int, int] = {}
    for use in parts:
        wanted[use.part_id] = wanted.get(use.part_id, 0) + _positive(use.quantity)
    order = WorkOrder(device_id=device.id, technician_id=technician_id or actor_id,
                      actions=actions, minutes=minutes, recorded_by_id=actor_id,
                      created_at=now)
    db.session.add(order)
    db.session.flush()
    used = []
    for part_id, quantity in wanted.items():
        part = db.session.get(Part, part_id)
        if part is None:
            raise InvalidInput("Pièce inconnue : rechargez la page.")
        _movement(part, "use", -quantity, actor_id=actor_id, now=now, device=device,
                  work_order=order)
        used.append(f"{part.name} × {quantity}")
    details: dict[str, Any] = {"work_order_id": order.id, "minutes": order.minutes,
                               "actions": actions}
    if used:
        details["parts"] = used
    if ram_mib_after is not None and ram_mib_after != device.ram_mib:
        before = format_ram(device.ram_mib) if device.ram_mib else "?"
        details["ram"] = f"{before} → {format_ram(ram_mib_after)}"
        device.ram_mib = ram_mib_after
        device.updated_at = now
        _flush_device(device)
    record_event(device, "work_order", actor_id=actor_id, now=now, details=details)
    return order


# ------------------------------------------------------------------------------- software

LICENCE_KEY_RE = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$")


def normalise_licence_key(text: str | None) -> str | None:
    key = (text or "").strip().upper().replace(" ", "")
    if not key:
        return None
    if len(key) == 25 and "-" not in key:
        key = "-".join(key[i:i + 5] for i in range(0, 25, 5))
    if not LICENCE_KEY_RE.match(key):
        raise InvalidInput("Clé de licence : 25 caractères en 5 groupes (XXXXX-XXXXX-…).")
    return key


def record_software(
    device: Device,
    *,
    os_name: str,
    os_version: str = "",
    office: str = "",
    other_software: str = "",
    licence_key: str | None = None,
    actor_id: int | None,
    now: datetime,
) -> SoftwareInstall:
    if os_name not in OPERATING_SYSTEMS:
        raise InvalidInput("Choisissez le système installé.")
    if State(device.state) not in REPAIRABLE:
        raise DomainError(
            f"{device.asset_tag} : installation impossible dans l'état "
            f"« {_state_label(device.state)} »."
        )
    key = normalise_licence_key(licence_key)
    if os_name in LICENCE_KEY_OS and key is None:
        raise InvalidInput("Windows : saisissez la clé de licence reconditionneur.")
    others = [s.strip() for s in (other_software or "").replace(";", ",").split(",")
              if s.strip()]
    install = SoftwareInstall(
        device_id=device.id, os_name=os_name, os_version=(os_version or "").strip(),
        office=(office or "").strip(), other_software=", ".join(others),
        licence_key=key, actor_id=actor_id, created_at=now,
    )
    install.software_keys = "|" + "".join(f"{software_key(s)}|" for s in install.software)
    db.session.add(install)
    db.session.flush()
    details: dict[str, Any] = {
        "software_install_id": install.id,
        "os": f"{OPERATING_SYSTEMS[os_name]} {install.os_version}".strip(),
    }
    if install.software:
        details["software"] = install.software
    if key:
        details["licence_key"] = "enregistrée"  # never the key itself: history is widely read
    record_event(device, "software_installed", actor_id=actor_id, now=now, details=details)
    return install


def reveal_licence_key(install: SoftwareInstall, *, actor_id: int | None,
                       now: datetime) -> str:
    """Return the key, and leave in the device's history who asked for it and when."""
    if not install.licence_key:
        raise NotFound("Aucune clé de licence n'est enregistrée pour cette installation.")
    device = db.session.get(Device, install.device_id)
    record_event(device, "licence_key_revealed", actor_id=actor_id, now=now,
                 details={"software_install_id": install.id})
    return install.licence_key


# ------------------------------------------------------------------------------- profiles

@dataclass(frozen=True)
class ProfileValues:
    name: str
    description: str = ""
    device_types: tuple[str, ...] = ()
    min_ram_mib: int | None = None
    min_storage_gb: int | None = None
    storage_kinds: tuple[str, ...] = ()
    os_names: tuple[str, ...] = ()
    software: tuple[str, ...] = ()
    active: bool = True


def save_profile(profile: BuildProfile | None, values: ProfileValues, *,
                 now: datetime) -> BuildProfile:
    name = values.name.strip()
    if not name:
        raise InvalidInput("Donnez un nom à la configuration (ex. « Pack famille »).")
    for kind in values.device_types:
        try:
            DeviceType(kind)
        except ValueError:
            raise InvalidInput(f"Type d'appareil inconnu : {kind}") from None
    if any(o not in OPERATING_SYSTEMS for o in values.os_names):
        raise InvalidInput("Système d'exploitation inconnu.")
    if (values.min_ram_mib or 0) < 0 or (values.min_storage_gb or 0) < 0:
        raise InvalidInput("Les minimums ne peuvent pas être négatifs.")
    clash = db.session.scalar(select(BuildProfile.id).where(
        BuildProfile.name == name, BuildProfile.id != (profile.id if profile else -1)))
    if clash:
        raise InvalidInput(f"Une configuration s'appelle déjà « {name} ».")
    if profile is None:
        profile = BuildProfile(created_at=now)
        db.session.add(profile)
    profile.name, profile.description = name, values.description.strip()
    profile.device_types = sorted(set(values.device_types))
    profile.min_ram_mib = values.min_ram_mib or None
    profile.min_storage_gb = values.min_storage_gb or None
    profile.storage_kinds = sorted(set(values.storage_kinds))
    profile.os_names = sorted(set(values.os_names))
    profile.software = list(dict.fromkeys(s.strip() for s in values.software if s.strip()))
    profile.active = values.active
    profile.updated_at = now
    db.session.flush()
    return profile


def to_core_profile(profile: BuildProfile) -> Profile:
    return Profile(
        name=profile.name,
        device_types=frozenset(profile.device_types or ()),
        min_ram_mib=profile.min_ram_mib,
        min_storage_gb=profile.min_storage_gb,
        storage_kinds=frozenset(profile.storage_kinds or ()),
        os_names=frozenset(profile.os_names or ()),
        software=tuple(profile.software or ()),
        key=profile.id,
    )


def machine_facts(device: Device, install: SoftwareInstall | None) -> MachineFacts:
    return MachineFacts(
        device_type=device.device_type,
        ram_mib=device.ram_mib,
        drives=tuple(DriveFacts(d.kind, d.capacity_bytes) for d in device.drives),
        os=install.os_name if install else None,
        software=tuple(install.software) if install else (),
    )


def latest_software(device_id: int) -> SoftwareInstall | None:
    return db.session.scalar(
        select(SoftwareInstall).where(SoftwareInstall.device_id == device_id)
        .order_by(SoftwareInstall.id.desc()).limit(1)
    )


def active_profiles() -> list[BuildProfile]:
    return list(db.session.scalars(
        select(BuildProfile).where(BuildProfile.active).order_by(BuildProfile.name)))


def profile_matches(device: Device) -> list[ProfileMatch]:
    facts = machine_facts(device, latest_software(device.id))
    return match_profiles([to_core_profile(p) for p in active_profiles()], facts)


# ------------------------------------------------------------------------------- QA

@dataclass(frozen=True)
class ChecklistRow:
    """A check applying to one device type, with its database id."""

    check_id: int
    item: ChecklistItem


def checklist_for(device_type: str) -> list[ChecklistRow]:
    rows = db.session.execute(
        select(QACheck, QACheckRule.mandatory)
        .join(QACheckRule, QACheckRule.check_id == QACheck.id)
        .where(QACheckRule.device_type == device_type, QACheck.active)
        .order_by(QACheck.position, QACheck.id)
    )
    return [ChecklistRow(check.id, ChecklistItem(check.code, check.name, check.kind,
                                                 check.minimum, mandatory))
            for check, mandatory in rows]


def current_qa_run(device: Device) -> QARun | None:
    """The latest run since the device last entered diagnosis: a machine back from a loan is
    checked again, its old results do not count."""
    entered = (
        select(func.max(DeviceEvent.occurred_at))
        .where(DeviceEvent.device_id == device.id, DeviceEvent.kind == "transition",
               DeviceEvent.to_state == S.DIAGNOSIS.value)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(QARun)
        .where(QARun.device_id == device.id, or_(entered.is_(None), QARun.recorded_at >= entered))
        .order_by(QARun.id.desc()).limit(1)
    )


def run_results(run: QARun | None) -> dict[str, CheckResult]:
    if run is None:
        return {}
    return {r.check.code: CheckResult(r.passed, r.value) for r in run.results}


def qa_missing(device: Device) -> tuple[str, ...]:
    rows = checklist_for(device.device_type)
    if not any(row.item.mandatory for row in rows):
        return ()
    return missing_checks([row.item for row in rows], run_results(current_qa_run(device)))


def qa_facts(device: Device) -> dict[str, Any]:
    # Only READY needs these facts: skip the queries for states that cannot reach it.
    if S.READY not in TRANSITIONS[State(device.state)]:
        return {}
    return {"qa_missing": qa_missing(device)}


register_facts_provider(qa_facts)


@dataclass(frozen=True)
class QAOutcome:
    run: QARun
    missing: tuple[str, ...]
    ready_refused: tuple[str, ...] = ()  # why `ready` was not reached when it was asked for


def record_qa(
    device: Device,
    *,
    results: Mapping[int, tuple[bool, int | None]],
    grade: str | None,
    notes: str = "",
    mark_ready: bool = False,
    actor_id: int | None,
    now: datetime,
) -> QAOutcome:
    """Record one pass through the checklist (check id → (ticked, measured value)) and the
    cosmetic grade; with mark_ready, also move to `ready` when every guard allows it. The
    results are kept even when `ready` is refused: the work was done."""
    grade = check_grade(grade)
    if State(device.state) not in REPAIRABLE:
        raise DomainError(
            f"{device.asset_tag} : pas de contrôle qualité dans l'état "
            f"« {_state_label(device.state)} »."
        )
    rows = checklist_for(device.device_type)
    run = QARun(device_id=device.id, grade=grade, notes=(notes or "").strip(),
                actor_id=actor_id, recorded_at=now)
    db.session.add(run)
    db.session.flush()
    summary, by_code = [], {}
    for row in rows:
        ticked, value = results.get(row.check_id, (False, None))
        result = by_code[row.item.code] = evaluate(row.item, ticked, value)
        db.session.add(QAResult(run_id=run.id, check_id=row.check_id, passed=result.passed,
                                value=result.value))
        outcome = (f"{result.value} %" if row.item.kind == PERCENT and result.value is not None
                   else "ok" if result.passed else "non")
        summary.append(f"{row.item.name} : {outcome}")
    if grade and grade != device.grade:
        device.grade = grade
        device.updated_at = now
    _flush_device(device)
    missing = missing_checks([row.item for row in rows], by_code)
    details: dict[str, Any] = {"qa_run_id": run.id, "results": summary}
    if grade:
        details["grade"] = grade
    if missing:
        details["missing"] = list(missing)
    record_event(device, "qa_recorded", actor_id=actor_id, now=now, details=details)
    refused: tuple[str, ...] = ()
    if mark_ready and device.state != S.READY:
        verdict_facts = gather_facts(device)
        verdict = check_transition(S.READY, verdict_facts)
        if verdict.allowed:
            transition(device, S.READY, actor_id=actor_id, now=now, facts=verdict_facts,
                       details={"qa_run_id": run.id, **({"grade": grade} if grade else {})})
        else:
            refused = verdict.reasons
    return QAOutcome(run, missing, refused)


def create_check(name: str, kind: str, minimum: int | None = None) -> QACheck:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Donnez un nom au contrôle (ex. « Lecteur de cartes SD »).")
    if kind not in CHECK_KINDS:
        raise InvalidInput("Type de contrôle inconnu.")
    minimum = _percent_minimum(kind, minimum)
    code = software_key(name).replace(" ", "_")[:30] or "check"
    taken = set(db.session.scalars(select(QACheck.code).where(QACheck.code.like(f"{code}%"))))
    unique, n = code, 2
    while unique in taken:
        unique, n = f"{code}_{n}", n + 1
    position = (db.session.scalar(select(func.max(QACheck.position))) or 0) + 10
    check = QACheck(code=unique, name=name, kind=kind, minimum=minimum, position=position,
                    active=True)
    db.session.add(check)
    db.session.flush()
    return check


def _percent_minimum(kind: str, minimum: Any) -> int | None:
    if kind != PERCENT:
        return None
    try:
        minimum = int(minimum)
    except (TypeError, ValueError):
        raise InvalidInput("Un contrôle en pourcentage a besoin d'un minimum (0 à 100).") from None
    if not 0 <= minimum <= 100:
        raise InvalidInput("Le minimum est un pourcentage entre 0 et 100.")
    return minimum


@dataclass(frozen=True)
class CheckSettings:
    """The admin grid, one check: its name, minimum, whether in use, and per device type
    "" (not applicable), "optional" or "mandatory"."""

    name: str
    minimum: Any
    active: bool
    rules: Mapping[str, str]


def save_checklist(settings: Mapping[int, CheckSettings]) -> None:
    checks = {c.id: c for c in db.session.scalars(select(QACheck))}
    for check_id, wanted in settings.items():
        check = checks.get(check_id)
        if check is None:
            raise InvalidInput("Contrôle inconnu : rechargez la page.")
        if not wanted.name.strip():
            raise InvalidInput("Un contrôle doit garder un nom.")
        check.name = wanted.name.strip()
        check.minimum = _percent_minimum(check.kind, wanted.minimum)
        check.active = wanted.active
        current = {r.device_type: r for r in check.rules}
        for device_type in DEVICE_TYPE_LABELS:
            choice = wanted.rules.get(device_type.value, "")
            if choice not in ("", "optional", "mandatory"):
                raise InvalidInput("Choix inconnu dans la grille.")
            rule = current.get(device_type.value)
            if not choice and rule is not None:
                check.rules.remove(rule)
            elif choice and rule is None:
                check.rules.append(QACheckRule(device_type=device_type.value,
                                               mandatory=choice == "mandatory"))
            elif choice:
                rule.mandatory = choice == "mandatory"
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConcurrentChange("La grille vient d'être modifiée : rechargez la page.") from None


def seed_default_checklist() -> int:
    """Insert the default checks missing by code (the migration seeds them at installation;
    this restores them on a database emptied by other means). Returns how many were added."""
    from refurb.core.qa import DEFAULT_CHECKLIST

    present = set(db.session.scalars(select(QACheck.code)))
    added = 0
    for position, (code, name, kind, minimum, types) in enumerate(DEFAULT_CHECKLIST, start=1):
        if code in present:
            continue
        db.session.add(QACheck(code=code, name=name, kind=kind, minimum=minimum,
                               position=position * 10, active=True,
                               rules=[QACheckRule(device_type=t, mandatory=m)
                                      for t, m in types.items()]))
        added += 1
    db.session.flush()
    return added


# ------------------------------------------------------------------------------- batch actions

def _location_from_parameter(parameter: str | None) -> StockLocation:
    location = None
    if parameter and parameter.isdigit():
        location = db.session.get(StockLocation, int(parameter))
    if location is None:
        raise DomainError("Scannez d'abord l'étiquette d'un emplacement.")
    return location


def _batch_move(device: Device, parameter: str | None, actor_id: int | None,
                now: datetime) -> tuple[dict[str, Any], str]:
    location = _location_from_parameter(parameter)
    previous = device.location_id
    move_device(device, location, actor_id=actor_id, now=now, details={"via": "batch_scan"})
    return ({"previous_location_id": previous, "location_id": location.id},
            f"{device.asset_tag} rangé à {location.code} ({location.name}).")


def _batch_move_undo(device: Device, token: dict[str, Any], actor_id: int | None,
                     now: datetime) -> str:
    if device.location_id != token.get("location_id"):
        raise DomainError(f"{device.asset_tag} a été déplacé depuis : rien n'est annulé.")
    previous_id = token.get("previous_location_id")
    previous = db.session.get(StockLocation, previous_id) if previous_id else None
    move_device(device, previous, actor_id=actor_id, now=now, details={"via": "batch_undo"})
    where = previous.code if previous else "aucun emplacement"
    return f"{device.asset_tag} remis à {where}."


def _location_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(StockLocation).where(StockLocation.active).order_by(StockLocation.code))
    return [(str(loc.id), f"{loc.code} — {loc.name}") for loc in rows]


def _batch_transition(device: Device, parameter: str | None, actor_id: int | None,
                      now: datetime) -> tuple[dict[str, Any], str]:
    if not parameter:
        raise DomainError("Choisissez l'état cible de la série.")
    before = device.state
    transition(device, parameter, actor_id=actor_id, now=now, details={"via": "batch_scan"})
    return ({"from": before, "to": device.state},
            f"{device.asset_tag} : {_state_label(before)} → {_state_label(device.state)}.")


def _batch_transition_undo(device: Device, token: dict[str, Any], actor_id: int | None,
                           now: datetime) -> str:
    if device.state != token.get("to"):
        raise DomainError(f"{device.asset_tag} a changé d'état depuis : rien n'est annulé.")
    transition(device, token["from"], actor_id=actor_id, now=now,
               reason="Annulation d'un scan en série.", details={"via": "batch_undo"})
    return f"{device.asset_tag} revenu à « {_state_label(device.state)} »."


def _target_choices() -> list[tuple[str, str]]:
    return [(s.value, label) for s, label in STATE_LABELS.items()
            if s not in FLOW_ONLY_TARGETS and s != S.RECEIVED]


MOVE_ACTION = register_batch_action(BatchAction(
    key="move_to_location", label="Ranger à un emplacement", apply=_batch_move,
    undo=_batch_move_undo, parameter_label="Emplacement", parameter_choices=_location_choices,
))
TRANSITION_ACTION = register_batch_action(BatchAction(
    key="apply_transition", label="Changer d'état", apply=_batch_transition,
    undo=_batch_transition_undo, parameter_label="État cible",
    parameter_choices=_target_choices,
))
# Actions whose parameter is a location: scanning a location label switches the target.
LOCATION_ACTIONS = frozenset({MOVE_ACTION.key})


# ------------------------------------------------------------------------------- demo

def demo_qa_hook(device: Device, target: State, actor_id: int | None, when: datetime) -> None:
    """Demo machines reaching `ready` get their software and a passing QA pass first."""
    if State(target) != S.READY:
        return
    if device.device_type in {"desktop", "laptop", "all_in_one", "mini_pc"}:
        record_software(device, os_name="linux_mint", os_version="22.1", office="LibreOffice",
                        other_software="Firefox, VLC", actor_id=actor_id, now=when)
    results = {row.check_id: (True, 85) for row in checklist_for(device.device_type)}
    record_qa(device, results=results, grade="AB"[device.id % 2], actor_id=actor_id,
              now=when)


def _register_demo_hook() -> None:
    from refurb import demo

    if demo_qa_hook not in demo.DEMO_STEP_HOOKS:
        demo.DEMO_STEP_HOOKS.append(demo_qa_hook)


_register_demo_hook()


# ------------------------------------------------------------------------------- labels

def location_label_pdf(location: StockLocation, stock_id: str | None) -> bytes:
    """A shelf label: its code as a barcode (what the scanner reads) and its name."""
    from refurb.printing import LabelData, LabelError, list_stocks, render_pdf

    stocks = {s.id: s for s in list_stocks() if "device" in s.usage}
    if not stocks:
        raise InvalidInput("Aucun support d'étiquettes n'est défini.")
    try:
        stock = stocks.get(stock_id or "") or next(iter(stocks.values()))
        return render_pdf(stock, [LabelData(tag=location.code, facts_line=location.name)])
    except LabelError as error:
        raise InvalidInput(str(error)) from None
