"""Beneficiary files (dossiers): create, edit, record a contact; what other roles may see.

A file is frozen once closed or anonymised; every change is flushed under the file's
optimistic lock, so two workers saving one file cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from refurb.beneficiaries.evaluation import facts_from
from refurb.beneficiaries.file_values import FileValues, clean
from refurb.beneficiaries.history import record_decision
from refurb.beneficiaries.labels import KIND_LABELS
from refurb.beneficiaries.models import Beneficiary, BeneficiarySituation, Kind
from refurb.beneficiaries.policy import ensure_policy_recorded, get_current_policy
from refurb.concurrency import flush_or_conflict
from refurb.core.applications import Status
from refurb.core.eligibility import Policy, household_quotient
from refurb.core.errors import IllegalTransition, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.quotient import qf_band
from refurb.counters import next_number
from refurb.extensions import db

PSEUDONYM_COUNTER = "beneficiary"


def create_file(
    kind: str, values: FileValues, *, actor_id: int | None, now: datetime
) -> Beneficiary:
    try:
        kind = Kind(kind)
    except ValueError:
        raise InvalidInput(N_("Type de dossier inconnu : %(kind)s."), kind=kind) from None
    data = clean(values, kind)
    policy = ensure_policy_recorded(now)
    beneficiary = Beneficiary(
        pseudonym=f"BEN-{next_number(PSEUDONYM_COUNTER):04d}",
        kind=kind.value,
        status=Status.DRAFT.value,
        created_at=now,
        created_by_id=actor_id,
        updated_at=now,
        last_contact_at=now,
    )
    _apply(beneficiary, data, policy)
    db.session.add(beneficiary)
    db.session.flush()
    record_decision(beneficiary, None, Status.DRAFT, actor_id=actor_id, now=now, policy=policy,
                    reason="Création du dossier")
    db.session.flush()
    return beneficiary


def update_file(
    beneficiary: Beneficiary, values: FileValues, *, actor_id: int | None, now: datetime
) -> Beneficiary:
    require_open(beneficiary)
    data = clean(values, Kind(beneficiary.kind))
    _apply(beneficiary, data, get_current_policy())
    beneficiary.updated_at = now
    beneficiary.last_contact_at = now
    flush_file(beneficiary)
    return beneficiary


def _apply(beneficiary: Beneficiary, data: dict[str, Any], policy: Policy) -> None:
    # The core checks the household facts (counts, amounts, basis) before anything is
    # changed. The QF does not depend on the date: any will do.
    facts = facts_from(data, Kind(beneficiary.kind), application_date=date(2000, 1, 1))
    if facts is None:
        band = "n/a"
    else:
        quotient = household_quotient(facts, policy)
        band = qf_band(None if quotient is None else quotient.value)
    situations = data.pop("situations")
    for name, value in data.items():
        setattr(beneficiary, name, value)
    beneficiary.qf_band = band
    current = {row.situation: row for row in beneficiary.situation_rows}
    beneficiary.situation_rows = [
        current.get(code) or BeneficiarySituation(situation=code)
        for code in sorted(s.value for s in situations)
    ]


def require_open(beneficiary: Beneficiary) -> None:
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(
            N_("Le dossier %(pseudonym)s est anonymisé : il ne peut plus être modifié."),
            pseudonym=beneficiary.pseudonym)
    if beneficiary.status == Status.CLOSED:
        raise IllegalTransition(N_("Le dossier %(pseudonym)s est clos."),
                                pseudonym=beneficiary.pseudonym)


def is_open(beneficiary: Beneficiary) -> bool:
    return beneficiary.anonymised_at is None and beneficiary.status != Status.CLOSED


def flush_file(beneficiary: Beneficiary) -> None:
    flush_or_conflict(Message(N_("Le dossier %(pseudonym)s vient d'être modifié par "
                                 "quelqu'un d'autre : rechargez la page."),
                              {"pseudonym": beneficiary.pseudonym}))


def record_contact(beneficiary: Beneficiary, now: datetime) -> None:
    """A contact with the person (visit, handover, training): restarts the retention period."""
    if beneficiary.anonymised_at is None and now > beneficiary.last_contact_at:
        beneficiary.last_contact_at = now
        flush_file(beneficiary)


# --- what anyone but social workers and admins may see (invariant 4) -----------------------


@dataclass(frozen=True)
class PublicView:
    """A file as technicians, donors and reports may see it."""

    pseudonym: str
    commune: str
    kind: str
    kind_label: str


def pseudonym_of(beneficiary: Beneficiary) -> str:
    return beneficiary.pseudonym


def public_view(beneficiary: Beneficiary) -> PublicView:
    return PublicView(
        pseudonym=beneficiary.pseudonym,
        commune=beneficiary.commune,
        kind=beneficiary.kind,
        kind_label=KIND_LABELS[Kind(beneficiary.kind)],
    )
