"""The eligibility policy in force: versioned, append-only, and described in French."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from refurb.beneficiaries import queries
from refurb.beneficiaries.models import PolicyVersion
from refurb.core.eligibility import DEFAULT_POLICY, LABELS_FR, Policy
from refurb.core.errors import ConcurrentChange
from refurb.core.i18n import N_
from refurb.core.quotient import format_eur
from refurb.extensions import db


def get_current_policy() -> Policy:
    """The policy in force; DEFAULT_POLICY (version 1) until an admin saves one."""
    row = queries.latest_policy_row()
    return DEFAULT_POLICY if row is None else Policy.from_dict(row.rules)


def ensure_policy_recorded(now: datetime) -> Policy:
    """The policy in force, stored: a decision must name a version that exists."""
    row = queries.latest_policy_row()
    if row is not None:
        return Policy.from_dict(row.rules)
    _insert_policy(DEFAULT_POLICY, actor_id=None, now=now, note="Politique par défaut")
    return DEFAULT_POLICY


def _insert_policy(policy: Policy, *, actor_id: int | None, now: datetime, note: str) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(PolicyVersion(version=policy.version, rules=policy.to_dict(),
                                         note=note, created_at=now, created_by_id=actor_id))
    except IntegrityError:
        # Another worker stored the same version number first (PostgreSQL, two requests).
        raise ConcurrentChange(N_("La politique d'éligibilité vient d'être modifiée par "
                                  "quelqu'un d'autre : rechargez la page.")) from None


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
            N_("La politique est passée en version %(version)s depuis l'ouverture du "
               "formulaire : rechargez la page et refaites vos changements."),
            version=current.version)
    policy = Policy.from_dict({**rules, "version": current.version + 1})
    _insert_policy(policy, actor_id=actor_id, now=now, note=note.strip())
    db.session.flush()
    return policy


def policy_for_display(version: int) -> tuple[Policy | None, PolicyVersion | None]:
    """(policy, stored row) for a version page; version 1 is the default before any save."""
    row = queries.get_policy_row(version)
    if row is not None:
        return Policy.from_dict(row.rules), row
    if version == DEFAULT_POLICY.version and queries.latest_policy_row() is None:
        return DEFAULT_POLICY, None
    return None, None


MODE_TEXT = {
    "any_qualifies": "plafond de QF, ou une situation ouvrant droit suffit",
    "required": "plafond de QF et une situation ouvrant droit",
    "priority_only": "plafond de QF seul (situations : priorité uniquement)",
}


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def describe_policy(policy: Policy) -> list[tuple[str, str]]:
    """The policy in French, one (label, value) line per setting; labels are msgids."""
    points = ", ".join(
        f"{LABELS_FR[s]} : {p}" for s, p in policy.priority_situations.items() if p
    )
    years = policy.one_device_per_household_years
    return [
        (N_("Plafond de quotient familial"),
         "aucun" if policy.max_quotient is None else format_eur(policy.max_quotient)),
        (N_("Communes du dispositif"), ", ".join(policy.allowed_communes) or "toutes"),
        (N_("Foyer sans ordinateur exigé"), _yes(policy.require_no_computer)),
        (N_("Situations ouvrant droit"),
         ", ".join(sorted(LABELS_FR[s] for s in policy.qualifying_situations)) or "aucune"),
        (N_("Règle des situations"), MODE_TEXT[policy.situations_mode]),
        (N_("Points de priorité"), points or "aucun"),
        (N_("Un équipement par foyer"), "sans limite" if years is None else f"tous les {years} ans"),
        (N_("Validité d'un accord"), f"{policy.approval_validity_months} mois"),
        (N_("Double validation"), _yes(policy.four_eyes)),
        (N_("Demi-part parent isolé"), _yes(policy.single_parent_bonus)),
        (N_("Séances de formation minimales"), str(policy.min_training_sessions)),
    ]
