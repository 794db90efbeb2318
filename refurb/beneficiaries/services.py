"""Beneficiary files: create and edit, decide (the workflow), check documents, log every
opening, version the eligibility policy, purge old files (GDPR).

For other domains (allocations, training, reports):

- ``is_approved_and_valid(beneficiary, today)`` / ``require_approved_and_valid`` — invariant 2;
- ``mark_served(beneficiary, actor_id, now)`` — the allocation flow's handover;
- ``record_contact(beneficiary, now)`` — any contact with the person restarts the retention
  period (a loan returned, a training session attended);
- ``pseudonym_of`` / ``public_view`` — what anyone but social workers and admins may see;
- ``register_purge_blocker(fn)`` — ``fn(beneficiary)`` returns a French reason to keep a file
  out of the purge (e.g. a device still on loan), or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from refurb.accounts.models import Role, User
from refurb.concurrency import flush_or_conflict
from refurb.core import applications as workflow
from refurb.core.applications import STATUS_LABELS, ApplicationFacts, Status
from refurb.core.eligibility import (
    DEFAULT_POLICY,
    LABELS_FR,
    Decision,
    HouseholdFacts,
    Policy,
    Situation,
    add_months,
    approval_expires_on,
    evaluate,
    household_quotient,
)
from refurb.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, NotEligible
from refurb.core.siret import validate_rna, validate_uai
from refurb.counters import next_number
from refurb.documents.services import erase_personal_content
from refurb.extensions import db
from refurb.settings.services import define
from refurb.settings.services import get as get_setting

from .models import (
    AccessAction,
    AccessLogEntry,
    ApplicationDecision,
    Beneficiary,
    BeneficiarySituation,
    DocumentCheck,
    DocumentKind,
    Kind,
    PolicyVersion,
    Referrer,
)

RETENTION_SETTING = "beneficiaries.retention_months"
define(
    RETENTION_SETTING,
    "Conservation des dossiers sans contact (mois)",
    "int",
    24,
    help="Au-delà, « flask gdpr purge » anonymise le dossier (CNIL, délibération 2023-095 : "
    "2 ans après le dernier contact).",
    minimum=1,
)

PSEUDONYM_COUNTER = "beneficiary"

KIND_LABELS = {
    Kind.HOUSEHOLD: "Foyer",
    Kind.PUPIL: "Famille d'élève (dispositif scolaire)",
    Kind.SCHOOL: "École",
    Kind.ASSOCIATION: "Association",
}
REFERRER_LABELS = {
    Referrer.CCAS: "CCAS",
    Referrer.MISSION_LOCALE: "Mission locale",
    Referrer.SCHOOL_SOCIAL_WORKER: "Assistante sociale scolaire",
    Referrer.ASSOCIATION: "Association",
    Referrer.SELF: "Démarche personnelle",
    Referrer.OTHER: "Autre",
}
DOCUMENT_LABELS = {
    DocumentKind.TAX_NOTICE: "Avis d'imposition",
    DocumentKind.CAF_CERTIFICATE: "Attestation CAF (quotient familial)",
    DocumentKind.PROOF_OF_ADDRESS: "Justificatif de domicile",
    DocumentKind.OTHER: "Autre document",
}
ACCESS_LABELS = {
    AccessAction.VIEW: "Consultation",
    AccessAction.EDIT: "Modification",
    AccessAction.EXPORT: "Export",
    AccessAction.ANONYMISE: "Anonymisation",
}
_STATUS_CODES = frozenset(s.value for s in Status)
EXPIRED = "expired"
EXPIRED_LABEL = "Accord expiré"

# QF bands for statistics: kept after the purge, when the exact figures are erased. Fixed,
# so that reports over several years compare the same bands.
QF_BANDS: tuple[tuple[str, Decimal | None, str], ...] = (
    ("lt400", Decimal(400), "Moins de 400 €"),
    ("400-599", Decimal(600), "De 400 à 599,99 €"),
    ("600-799", Decimal(800), "De 600 à 799,99 €"),
    ("800-999", Decimal(1000), "De 800 à 999,99 €"),
    ("ge1000", None, "1 000 € et plus"),
)
QF_BAND_LABELS = {code: label for code, _, label in QF_BANDS} | {
    "unknown": "Non renseigné",
    "n/a": "Sans objet (structure)",
}


def qf_band(qf: Decimal | None) -> str:
    if qf is None:
        return "unknown"
    for code, upper, _label in QF_BANDS:
        if upper is None or qf < upper:
            return code
    return "unknown"  # pragma: no cover - the last band has no upper bound


# --- what other domains may see ---------------------------------------------------------


@dataclass(frozen=True)
class PublicView:
    """A file as technicians, donors and reports may see it (invariant 4)."""

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


# --- policy -----------------------------------------------------------------------------


def _latest_policy_row() -> PolicyVersion | None:
    return db.session.scalars(
        select(PolicyVersion).order_by(PolicyVersion.version.desc()).limit(1)
    ).first()


def get_current_policy() -> Policy:
    """The policy in force; DEFAULT_POLICY (version 1) until an admin saves one."""
    row = _latest_policy_row()
    return DEFAULT_POLICY if row is None else Policy.from_dict(row.rules)


def ensure_policy_recorded(now: datetime) -> Policy:
    """The policy in force, stored: a decision must name a version that exists."""
    row = _latest_policy_row()
    if row is not None:
        return Policy.from_dict(row.rules)
    _insert_policy(DEFAULT_POLICY, actor_id=None, now=now, note="Politique par défaut")
    return DEFAULT_POLICY


def _insert_policy(policy: Policy, *, actor_id: int | None, now: datetime, note: str) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(
                PolicyVersion(
                    version=policy.version,
                    rules=policy.to_dict(),
                    note=note,
                    created_at=now,
                    created_by_id=actor_id,
                )
            )
    except IntegrityError:
        # Another worker stored the same version number first (PostgreSQL, two requests).
        raise ConcurrentChange(
            "La politique d'éligibilité vient d'être modifiée par quelqu'un d'autre : "
            "rechargez la page."
        ) from None


def save_policy(
    rules: dict[str, Any],
    *,
    base_version: int | None,
    actor_id: int | None,
    now: datetime,
    note: str = "",
) -> Policy:
    """Store ``rules`` as version N+1; older versions are never changed.

    ``base_version`` is the version the admin's form was filled from: if someone saved in
    between, the change is refused rather than silently overwriting theirs.
    """
    current = ensure_policy_recorded(now)
    if base_version is not None and base_version != current.version:
        raise ConcurrentChange(
            f"La politique est passée en version {current.version} depuis l'ouverture du "
            "formulaire : rechargez la page et refaites vos changements."
        )
    policy = Policy.from_dict({**rules, "version": current.version + 1})
    _insert_policy(policy, actor_id=actor_id, now=now, note=note.strip())
    db.session.flush()
    return policy


def policy_for_display(version: int) -> tuple[Policy | None, PolicyVersion | None]:
    """(policy, stored row) for a version page; version 1 is the default before any save."""
    row = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == version))
    if row is not None:
        return Policy.from_dict(row.rules), row
    if version == DEFAULT_POLICY.version and _latest_policy_row() is None:
        return DEFAULT_POLICY, None
    return None, None


def template_labels() -> dict[str, dict[str, str]]:
    """French labels by code, for pages and exports (translated by the caller)."""
    return {
        "kind": {k.value: v for k, v in KIND_LABELS.items()},
        "status": {k.value: v for k, v in STATUS_LABELS.items()} | {EXPIRED: EXPIRED_LABEL},
        "referrer": {k.value: v for k, v in REFERRER_LABELS.items()},
        "document": {k.value: v for k, v in DOCUMENT_LABELS.items()},
        "access": {k.value: v for k, v in ACCESS_LABELS.items()},
        "situation": {k.value: v for k, v in LABELS_FR.items()},
        "qf_band": dict(QF_BAND_LABELS),
    }


# --- files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileValues:
    """Everything a social worker types about a file, as plain values."""

    commune: str
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    email: str = ""
    phone: str = ""
    address_line: str = ""
    postal_code: str = ""
    organisation_name: str = ""
    uai: str | None = None
    rna: str | None = None
    school_level: str = ""
    programme: str | None = None
    adults: int = 1
    children: int = 0
    children_with_disability: int = 0
    single_parent: bool = False
    member_with_disability: bool = False
    income_basis: str | None = None
    stated_quotient: Decimal | None = None
    annual_income: Decimal | None = None
    tax_parts: Decimal | None = None
    monthly_benefits: Decimal | None = None
    non_taxable: bool = False
    situations: frozenset[str] = field(default_factory=frozenset)
    has_computer: bool = False
    last_device_received_on: date | None = None
    referred_by: str = ""
    referrer_detail: str = ""
    notes: str = ""


PERSONAL_TEXT = ("last_name", "first_name", "email", "phone", "address_line", "referrer_detail",
                 "notes")


def _clean(values: FileValues, kind: Kind) -> dict[str, Any]:
    """Validate ``values`` for a file of ``kind``; French InvalidInput on the first problem."""
    data = {
        name: (getattr(values, name) or "").strip()
        for name in (*PERSONAL_TEXT, "postal_code", "organisation_name", "school_level")
    }
    data["commune"] = " ".join((values.commune or "").split())
    if not data["commune"]:
        raise InvalidInput("La commune est obligatoire.")
    if kind in (Kind.HOUSEHOLD, Kind.PUPIL) and not (data["last_name"] and data["first_name"]):
        raise InvalidInput("Le nom et le prénom du demandeur sont obligatoires.")
    if kind in (Kind.SCHOOL, Kind.ASSOCIATION) and not data["organisation_name"]:
        raise InvalidInput("Le nom de l'école ou de l'association est obligatoire.")
    uai = (values.uai or "").strip()
    rna = (values.rna or "").strip()
    if kind in (Kind.SCHOOL, Kind.PUPIL):
        if not uai:
            raise InvalidInput("Le code UAI de l'école est obligatoire.")
        data["uai"] = validate_uai(uai)
    else:
        data["uai"] = validate_uai(uai) if uai else None
    if kind == Kind.ASSOCIATION:
        if not rna:
            raise InvalidInput("Le numéro RNA de l'association est obligatoire.")
        data["rna"] = validate_rna(rna)
    else:
        data["rna"] = None
    if kind == Kind.PUPIL and not data["school_level"]:
        raise InvalidInput("La classe de l'élève est obligatoire (par exemple CE2).")
    if values.referred_by and values.referred_by not in {r.value for r in Referrer}:
        raise InvalidInput(f"Orienteur inconnu : {values.referred_by}.")
    try:
        situations = {Situation(s) for s in values.situations}
    except ValueError:
        raise InvalidInput("Situation inconnue.") from None
    situations.discard(Situation.NON_TAXABLE)  # comes from the "non imposable" box
    if values.non_taxable:
        situations.add(Situation.NON_TAXABLE)
    _check_ranges(values)
    basis = values.income_basis or None
    data.update(
        birth_date=values.birth_date,
        programme=(values.programme or "").strip() or None,
        adults=values.adults,
        children=values.children,
        children_with_disability=values.children_with_disability,
        single_parent=values.single_parent,
        member_with_disability=values.member_with_disability,
        income_basis=basis,
        # Only the figures of the chosen basis are kept: the others were not checked.
        stated_quotient=values.stated_quotient if basis == "caf" else None,
        annual_income=values.annual_income if basis == "rfr" else None,
        tax_parts=values.tax_parts if basis == "rfr" else None,
        monthly_benefits=values.monthly_benefits if basis == "rfr" else None,
        has_computer=values.has_computer,
        last_device_received_on=values.last_device_received_on,
        referred_by=values.referred_by or "",
        situations=situations,
    )
    return data


# Beyond these, a figure is a typing error (and would overflow the database columns).
MAX_PEOPLE = 30
AMOUNT_LIMITS = {
    "stated_quotient": ("Le quotient familial CAF", Decimal("100000")),
    "annual_income": ("Le revenu fiscal de référence", Decimal("1000000000")),
    "tax_parts": ("Le nombre de parts fiscales", Decimal("50")),
    "monthly_benefits": ("Les prestations mensuelles", Decimal("100000")),
}


def _check_ranges(values: FileValues) -> None:
    for name, label in (("adults", "d'adultes"), ("children", "d'enfants"),
                        ("children_with_disability", "d'enfants en situation de handicap")):
        count = getattr(values, name)
        if isinstance(count, int) and count > MAX_PEOPLE:
            raise InvalidInput(f"Le nombre {label} ne peut pas dépasser {MAX_PEOPLE}.")
    for name, (label, limit) in AMOUNT_LIMITS.items():
        amount = getattr(values, name)
        if isinstance(amount, Decimal | int) and amount >= limit:
            raise InvalidInput(f"{label} semble erroné : {amount} (maximum {limit - 1}).")


def _facts_from(data: dict[str, Any], kind: Kind, application_date: date) -> HouseholdFacts | None:
    if kind not in (Kind.HOUSEHOLD, Kind.PUPIL):
        return None
    situations = frozenset(data["situations"])
    return HouseholdFacts(
        commune=data["commune"],
        application_date=application_date,
        adults=data["adults"],
        children=data["children"],
        children_with_disability=data["children_with_disability"],
        single_parent=data["single_parent"],
        income_basis=data["income_basis"],
        stated_quotient=data["stated_quotient"],
        annual_income=data["annual_income"],
        tax_parts=data["tax_parts"],
        monthly_benefits=data["monthly_benefits"] or Decimal("0"),
        non_taxable=Situation.NON_TAXABLE in situations,
        situations=situations - {Situation.NON_TAXABLE},
        has_computer=data["has_computer"],
        last_device_received_on=data["last_device_received_on"],
    )


def facts_of(beneficiary: Beneficiary) -> HouseholdFacts | None:
    """The household facts the core evaluates; None for schools and associations."""
    data = {
        name: getattr(beneficiary, name)
        for name in (
            "commune", "adults", "children", "children_with_disability", "single_parent",
            "income_basis", "stated_quotient", "annual_income", "tax_parts", "monthly_benefits",
            "has_computer", "last_device_received_on",
        )
    }
    data["situations"] = beneficiary.situations
    applied = beneficiary.submitted_on or beneficiary.created_at.date()
    return _facts_from(data, Kind(beneficiary.kind), application_date=applied)


def evaluate_file(beneficiary: Beneficiary, today: date, policy: Policy | None = None):
    """The core's Decision under ``policy`` (the current one by default); None for
    organisations, and for anonymised files whose income figures are gone."""
    if beneficiary.anonymised_at is not None:
        return None
    facts = facts_of(beneficiary)
    if facts is None:
        return None
    return evaluate(facts, policy or get_current_policy(), today)


def _apply(beneficiary: Beneficiary, data: dict[str, Any], policy: Policy) -> None:
    # The core checks the household facts (counts, amounts, basis) with French messages,
    # before anything is changed. The QF does not depend on the date: any will do.
    facts = _facts_from(data, Kind(beneficiary.kind), application_date=date(2000, 1, 1))
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


def create_file(
    kind: str, values: FileValues, *, actor_id: int | None, now: datetime
) -> Beneficiary:
    try:
        kind = Kind(kind)
    except ValueError:
        raise InvalidInput(f"Type de dossier inconnu : {kind}.") from None
    data = _clean(values, kind)
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
    _write_decision(beneficiary, None, Status.DRAFT, actor_id=actor_id, now=now, policy=policy,
                    reason="Création du dossier")
    db.session.flush()
    return beneficiary


def update_file(
    beneficiary: Beneficiary, values: FileValues, *, actor_id: int | None, now: datetime
) -> Beneficiary:
    _require_open(beneficiary)
    data = _clean(values, Kind(beneficiary.kind))
    _apply(beneficiary, data, get_current_policy())
    beneficiary.updated_at = now
    beneficiary.last_contact_at = now
    _flush(beneficiary)
    return beneficiary


def _require_open(beneficiary: Beneficiary) -> None:
    if beneficiary.anonymised_at is not None:
        raise IllegalTransition(
            f"Le dossier {beneficiary.pseudonym} est anonymisé : il ne peut plus être modifié."
        )
    if beneficiary.status == Status.CLOSED:
        raise IllegalTransition(f"Le dossier {beneficiary.pseudonym} est clos.")


def _flush(beneficiary: Beneficiary) -> None:
    flush_or_conflict(
        f"Le dossier {beneficiary.pseudonym} vient d'être modifié par quelqu'un d'autre : "
        "rechargez la page.")


def record_contact(beneficiary: Beneficiary, now: datetime) -> None:
    """A contact with the person (visit, handover, training): restarts the retention period."""
    if beneficiary.anonymised_at is None and now > beneficiary.last_contact_at:
        beneficiary.last_contact_at = now
        _flush(beneficiary)


# --- workflow ---------------------------------------------------------------------------


def _snapshot(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {**decision.to_json(), "quotient_working": list(decision.quotient_working)}


def _write_decision(
    beneficiary: Beneficiary,
    source: Status | None,
    target: Status,
    *,
    actor_id: int | None,
    now: datetime,
    policy: Policy,
    reason: str = "",
    override: bool = False,
    evaluation: Decision | None = None,
) -> ApplicationDecision:
    if evaluation is None:
        evaluation = evaluate_file(beneficiary, now.date(), policy)
    row = ApplicationDecision(
        beneficiary_id=beneficiary.id,
        from_status=None if source is None else source.value,
        to_status=target.value,
        actor_id=actor_id,
        occurred_at=now,
        reason=reason.strip(),
        policy_version=policy.version,
        evaluation=_snapshot(evaluation),
        override=override,
    )
    db.session.add(row)
    return row


def _is_admin(actor_id: int | None) -> bool:
    if actor_id is None:
        return False
    user = db.session.get(User, actor_id)
    return user is not None and user.role == Role.ADMIN


def _facts_for(
    beneficiary: Beneficiary,
    *,
    actor_id: int | None,
    policy: Policy,
    evaluation: Decision | None,
    today: date,
    reason: str = "",
    override: bool = False,
    via_flow: bool = False,
) -> ApplicationFacts:
    failed = () if evaluation is None else tuple(
        c.reason for c in evaluation.checks if not c.passed
    )
    return ApplicationFacts(
        status=Status(beneficiary.status),
        actor_id=actor_id,
        actor_is_admin=_is_admin(actor_id),
        created_by_id=beneficiary.created_by_id,
        four_eyes=policy.four_eyes,
        evaluated=beneficiary.is_household,
        eligible=None if evaluation is None else evaluation.eligible,
        eligibility_reasons=failed,
        override=override,
        reason=reason,
        approval_valid=is_approved_and_valid(beneficiary, today),
        via_flow=via_flow,
    )


def next_options(beneficiary: Beneficiary, *, actor_id: int | None, today: date,
                 policy: Policy | None = None, evaluation: Decision | None = None):
    """The file page's actions: every next status, allowed or with the reasons it is not.
    ``policy`` and ``evaluation`` save recomputing them when the page already has them."""
    if beneficiary.anonymised_at is not None:
        return []
    policy = policy or get_current_policy()
    if evaluation is None:
        evaluation = evaluate_file(beneficiary, today, policy)
    facts = _facts_for(beneficiary, actor_id=actor_id, policy=policy, evaluation=evaluation,
                       today=today)
    return workflow.next_statuses(facts)


def decide(
    beneficiary: Beneficiary,
    target: str,
    *,
    actor_id: int | None,
    now: datetime,
    reason: str = "",
    override: bool = False,
    _via_flow: bool = False,
) -> ApplicationDecision:
    """Move the file to ``target`` if the workflow allows it; record the decision with the
    policy version and the evaluation it relied on."""
    _require_open(beneficiary)
    today = now.date()
    policy = ensure_policy_recorded(now)
    evaluation = evaluate_file(beneficiary, today, policy)
    facts = _facts_for(beneficiary, actor_id=actor_id, policy=policy, evaluation=evaluation,
                       today=today, reason=reason, override=override, via_flow=_via_flow)
    verdict = workflow.check_transition(target, facts)
    if not verdict.allowed:
        action = workflow.ACTION_LABELS.get(Status(target)) if target in _STATUS_CODES else None
        raise IllegalTransition(
            f"Dossier {beneficiary.pseudonym} : « {action or target} » impossible.",
            reasons=list(verdict.reasons),
        )
    source, target = Status(beneficiary.status), Status(target)
    beneficiary.status = target.value
    beneficiary.updated_at = now
    beneficiary.last_contact_at = max(beneficiary.last_contact_at, now)
    if evaluation is not None and target in workflow.ELIGIBILITY_TARGETS | {Status.SUBMITTED}:
        beneficiary.priority = evaluation.priority
    if target == Status.SUBMITTED and beneficiary.submitted_on is None:
        beneficiary.submitted_on = today
    if target == Status.APPROVED:
        beneficiary.approved_on = today
        beneficiary.approved_until = approval_expires_on(today, policy)
    if target == Status.SERVED:
        beneficiary.last_device_received_on = today
    row = _write_decision(beneficiary, source, target, actor_id=actor_id, now=now, policy=policy,
                          reason=reason, override=verdict.override_used, evaluation=evaluation)
    _flush(beneficiary)
    return row


def is_approved_and_valid(beneficiary: Beneficiary, today: date) -> bool:
    """Invariant 2: only an approved file whose approval has not expired may receive a device."""
    return (
        beneficiary.status == Status.APPROVED
        and beneficiary.anonymised_at is None
        and beneficiary.approved_on is not None
        and beneficiary.approved_until is not None
        and beneficiary.approved_on <= today <= beneficiary.approved_until
    )


def require_approved_and_valid(beneficiary: Beneficiary, today: date) -> None:
    if is_approved_and_valid(beneficiary, today):
        return
    if beneficiary.status == Status.APPROVED and beneficiary.approved_until is not None:
        raise NotEligible(
            f"L'accord du dossier {beneficiary.pseudonym} a expiré le "
            f"{beneficiary.approved_until:%d/%m/%Y} : il doit être réexaminé."
        )
    raise NotEligible(f"Le dossier {beneficiary.pseudonym} n'est pas validé.")


def mark_served(beneficiary: Beneficiary, actor_id: int | None, now: datetime):
    """Called by the allocation flow when a device is handed over: approved → served."""
    require_approved_and_valid(beneficiary, now.date())
    return decide(beneficiary, Status.SERVED.value, actor_id=actor_id, now=now,
                  reason="Équipement remis", _via_flow=True)


def display_status(beneficiary: Beneficiary, today: date) -> tuple[str, str]:
    """(code, French label); an approval past its date shows as expired."""
    if (
        beneficiary.status == Status.APPROVED
        and beneficiary.approved_until is not None
        and beneficiary.approved_until < today
    ):
        return EXPIRED, EXPIRED_LABEL
    status = Status(beneficiary.status)
    return status.value, STATUS_LABELS[status]


# --- documents and access log -----------------------------------------------------------


def record_document_check(
    beneficiary: Beneficiary,
    kind: str,
    *,
    checked_on: date,
    actor_id: int | None,
    now: datetime,
    label: str = "",
) -> DocumentCheck:
    _require_open(beneficiary)
    if kind not in {k.value for k in DocumentKind}:
        raise InvalidInput(f"Type de document inconnu : {kind}.")
    label = (label or "").strip()
    if kind == DocumentKind.OTHER and not label:
        raise InvalidInput("Précisez quel document a été vérifié.")
    if checked_on > now.date():
        raise InvalidInput("La date de vérification ne peut pas être dans le futur.")
    check = DocumentCheck(
        beneficiary_id=beneficiary.id,
        kind=kind,
        label=label if kind == DocumentKind.OTHER else "",
        checked_on=checked_on,
        checked_by_id=actor_id,
        recorded_at=now,
    )
    db.session.add(check)
    beneficiary.last_contact_at = max(beneficiary.last_contact_at, now)
    _flush(beneficiary)
    return check


def record_access(
    beneficiary: Beneficiary, action: str, *, actor_id: int | None, now: datetime, detail: str = ""
) -> AccessLogEntry:
    entry = AccessLogEntry(
        beneficiary_id=beneficiary.id,
        user_id=actor_id,
        occurred_at=now,
        action=AccessAction(action).value,
        detail=detail[:40],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# --- GDPR purge -------------------------------------------------------------------------

PurgeBlocker = Callable[[Beneficiary], "str | None"]
PURGE_BLOCKERS: list[PurgeBlocker] = []
# Later domains name the issued documents that carry a person's identity (agreements…):
# fn(beneficiary) -> list of IssuedDocument subjects, erased with the file.
DocumentSubjects = Callable[[Beneficiary], list[str]]
PERSONAL_DOCUMENT_SUBJECTS: list[DocumentSubjects] = []


def register_personal_documents(finder: DocumentSubjects) -> DocumentSubjects:
    if finder not in PERSONAL_DOCUMENT_SUBJECTS:
        PERSONAL_DOCUMENT_SUBJECTS.append(finder)
    return finder


def register_purge_blocker(blocker: PurgeBlocker) -> PurgeBlocker:
    if blocker not in PURGE_BLOCKERS:
        PURGE_BLOCKERS.append(blocker)
    return blocker


@dataclass(frozen=True)
class PurgeCandidate:
    beneficiary: Beneficiary
    kept_because: str | None  # a blocker's reason; None: anonymised (or would be)


def retention_cutoff(now: datetime) -> datetime:
    months = int(get_setting(RETENTION_SETTING))
    return datetime.combine(add_months(now.date(), -months), now.time())


def purge_inactive(*, now: datetime, dry_run: bool = False) -> list[PurgeCandidate]:
    """Anonymise files with no contact since the retention cutoff; ``dry_run`` changes nothing."""
    cutoff = retention_cutoff(now)
    stale = db.session.scalars(
        select(Beneficiary)
        .where(Beneficiary.anonymised_at.is_(None), Beneficiary.last_contact_at < cutoff)
        .order_by(Beneficiary.id)
    ).all()
    results = []
    for beneficiary in stale:
        kept = next((r for r in (b(beneficiary) for b in PURGE_BLOCKERS) if r), None)
        if kept is None and not dry_run:
            anonymise(beneficiary, actor_id=None, now=now)
        results.append(PurgeCandidate(beneficiary, kept))
    return results


def anonymise(beneficiary: Beneficiary, *, actor_id: int | None, now: datetime) -> None:
    """Erase names, contacts, address line, birth date, exact income and free text; keep
    kind, commune, composition, QF band, situations, decisions and the access log."""
    for name in PERSONAL_TEXT:
        setattr(beneficiary, name, "")
    beneficiary.birth_date = None
    beneficiary.stated_quotient = beneficiary.annual_income = None
    beneficiary.tax_parts = beneficiary.monthly_benefits = None
    for check in db.session.scalars(
        select(DocumentCheck).where(DocumentCheck.beneficiary_id == beneficiary.id)
    ):
        check.label = ""
    subjects = [f"beneficiary:{beneficiary.id}"]
    for finder in PERSONAL_DOCUMENT_SUBJECTS:
        subjects.extend(finder(beneficiary))
    erase_personal_content(subjects, now=now)
    beneficiary.anonymised_at = now
    beneficiary.updated_at = now
    record_access(beneficiary, AccessAction.ANONYMISE, actor_id=actor_id, now=now)
    _flush(beneficiary)
