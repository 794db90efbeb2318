"""Quality control: record a pass through a device's checklist (and move it to `ready` when
every guard allows), and the checklist itself, kept by admins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.concurrency import flush_or_conflict
from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.errors import ConcurrentChange, DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.lifecycle import State, check_transition
from refurb.core.profiles import software_key
from refurb.core.qa import (
    CHECK_KINDS,
    DEFAULT_CHECKLIST,
    PERCENT,
    CheckResult,
    check_grade,
    evaluate,
    missing_checks,
)
from refurb.core.workshop import REPAIRABLE, changed_elsewhere, state_name
from refurb.devices.models import Device
from refurb.devices.services import gather_facts, record_event, transition
from refurb.extensions import db
from refurb.workshop.models import QACheck, QACheckRule, QAResult, QARun
from refurb.workshop.queries.qa import ChecklistRow, checklist_for


@dataclass(frozen=True)
class QAOutcome:
    run: QARun
    missing: tuple[str, ...]
    ready_refused: tuple[str, ...] = ()  # why `ready` was not reached when it was asked for


def _store_results(run: QARun, rows: list[ChecklistRow],
                   results: Mapping[int, tuple[bool, int | None]],
                   ) -> tuple[dict[str, CheckResult], list[str]]:
    """One result row per applicable check; returns them by code, and "name : ok" lines."""
    by_code, summary = {}, []
    for row in rows:
        ticked, value = results.get(row.check_id, (False, None))
        result = by_code[row.item.code] = evaluate(row.item, ticked, value)
        db.session.add(QAResult(run_id=run.id, check_id=row.check_id, passed=result.passed,
                                value=result.value))
        outcome = (f"{result.value} %" if row.item.kind == PERCENT and result.value is not None
                   else "ok" if result.passed else "non")
        summary.append(f"{row.item.name} : {outcome}")
    return by_code, summary


def _try_ready(device: Device, run: QARun, grade: str | None, *, actor_id: int | None,
               now: datetime) -> tuple[str, ...]:
    """Move to `ready` if every guard allows it; else the reasons it does not."""
    facts = gather_facts(device)
    verdict = check_transition(State.READY, facts)
    if not verdict.allowed:
        return verdict.reasons
    transition(device, State.READY, actor_id=actor_id, now=now, facts=facts,
               details={"qa_run_id": run.id, **({"grade": grade} if grade else {})})
    return ()


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
        raise DomainError(N_("%(tag)s : pas de contrôle qualité dans l'état « %(state)s »."),
                          tag=device.asset_tag, state=state_name(device.state))
    rows = checklist_for(device.device_type)
    run = QARun(device_id=device.id, grade=grade, notes=(notes or "").strip(),
                actor_id=actor_id, recorded_at=now)
    db.session.add(run)
    db.session.flush()
    by_code, summary = _store_results(run, rows, results)
    if grade and grade != device.grade:
        device.grade = grade
        device.updated_at = now
    flush_or_conflict(changed_elsewhere(device.asset_tag))
    missing = missing_checks([row.item for row in rows], by_code)
    details: dict[str, Any] = {"qa_run_id": run.id, "results": summary}
    if grade:
        details["grade"] = grade
    if missing:
        details["missing"] = list(missing)
    record_event(device, "qa_recorded", actor_id=actor_id, now=now, details=details)
    refused: tuple[str, ...] = ()
    if mark_ready and device.state != State.READY:
        refused = _try_ready(device, run, grade, actor_id=actor_id, now=now)
    return QAOutcome(run, missing, refused)


# ------------------------------------------------------------------------- the checklist

def _percent_minimum(kind: str, minimum: Any) -> int | None:
    if kind != PERCENT:
        return None
    try:
        minimum = int(minimum)
    except (TypeError, ValueError):
        raise InvalidInput(
            N_("Un contrôle en pourcentage a besoin d'un minimum (0 à 100).")) from None
    if not 0 <= minimum <= 100:
        raise InvalidInput(N_("Le minimum est un pourcentage entre 0 et 100."))
    return minimum


def create_check(name: str, kind: str, minimum: int | None = None) -> QACheck:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(N_("Donnez un nom au contrôle (ex. « Lecteur de cartes SD »)."))
    if kind not in CHECK_KINDS:
        raise InvalidInput(N_("Type de contrôle inconnu."))
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


@dataclass(frozen=True)
class CheckSettings:
    """The admin grid, one check: its name, minimum, whether in use, and per device type
    "" (not applicable), "optional" or "mandatory"."""

    name: str
    minimum: Any
    active: bool
    rules: Mapping[str, str]


def _apply_rules(check: QACheck, rules: Mapping[str, str]) -> None:
    current = {r.device_type: r for r in check.rules}
    for device_type in DEVICE_TYPE_LABELS:
        choice = rules.get(device_type.value, "")
        if choice not in ("", "optional", "mandatory"):
            raise InvalidInput(N_("Choix inconnu dans la grille."))
        rule = current.get(device_type.value)
        if not choice and rule is not None:
            check.rules.remove(rule)
        elif choice and rule is None:
            check.rules.append(QACheckRule(device_type=device_type.value,
                                           mandatory=choice == "mandatory"))
        elif choice:
            rule.mandatory = choice == "mandatory"


def save_checklist(settings: Mapping[int, CheckSettings]) -> None:
    checks = {c.id: c for c in db.session.scalars(select(QACheck))}
    for check_id, wanted in settings.items():
        check = checks.get(check_id)
        if check is None:
            raise InvalidInput(N_("Contrôle inconnu : rechargez la page."))
        if not wanted.name.strip():
            raise InvalidInput(N_("Un contrôle doit garder un nom."))
        check.name = wanted.name.strip()
        check.minimum = _percent_minimum(check.kind, wanted.minimum)
        check.active = wanted.active
        _apply_rules(check, wanted.rules)
    try:
        db.session.flush()
    except IntegrityError:  # the caller's rollback (refurb.web.attempt) undoes the grid
        raise ConcurrentChange(
            N_("La grille vient d'être modifiée : rechargez la page.")) from None


def seed_default_checklist() -> int:
    """Insert the default checks missing by code (the migration seeds them at installation;
    this restores them on a database emptied by other means). Returns how many were added."""
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
