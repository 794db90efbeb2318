"""The beneficiary file (dossier) workflow: statuses, the transition table and its guards.

Pure: the beneficiaries service gathers the facts a guard needs (who acts, who created the
file, the eligibility evaluation, whether the approval is still valid) and is the only code
that changes a file's status.

::

    draft ─▶ submitted ─┬─▶ approved ─▶ served ─▶ closed
                        ├─▶ waiting ──▶ approved
                        └─▶ refused

Guards, each giving one reason (a Message, translated where it is shown) when it blocks:

- **reasons**: a refusal must say why; so must closing a file that was never served and every
  step backwards (a file sent back to draft, an approval or a refusal re-examined).
- **four eyes**: when the policy asks for it, whoever created the file cannot approve it, and
  an approval needs an identified person.
- **eligibility**: approving a household (or putting it on the waiting list) needs an eligible
  evaluation under the current policy. An *admin* may override with a written reason; the
  override is recorded with the decision. Schools and associations are not judged by the
  household policy (income, composition): approving one needs a written reason instead.
- **flow**: ``served`` is reached only through the allocation flow (a device handed over), and
  only while the approval is still valid (invariant 2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from refurb.core.errors import Message
from refurb.core.i18n import N_

__all__ = [
    "ACTION_LABELS",
    "ELIGIBILITY_TARGETS",
    "FLOW_ONLY_TARGETS",
    "REASON_REQUIRED",
    "STATUS_LABELS",
    "TRANSITIONS",
    "ApplicationFacts",
    "Option",
    "Status",
    "Verdict",
    "check_transition",
    "next_statuses",
]


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"
    WAITING = "waiting"
    SERVED = "served"
    CLOSED = "closed"


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: N_("Brouillon"),
    Status.SUBMITTED: N_("Déposé"),
    Status.APPROVED: N_("Validé"),
    Status.REFUSED: N_("Refusé"),
    Status.WAITING: N_("Liste d'attente"),
    Status.SERVED: N_("Équipé"),
    Status.CLOSED: N_("Clos"),
}

# The verb shown on the button that leads to each status.
ACTION_LABELS: dict[Status, str] = {
    Status.DRAFT: N_("Renvoyer en brouillon"),
    Status.SUBMITTED: N_("Déposer le dossier"),
    Status.APPROVED: N_("Valider"),
    Status.REFUSED: N_("Refuser"),
    Status.WAITING: N_("Mettre en liste d'attente"),
    Status.SERVED: N_("Équipement remis"),
    Status.CLOSED: N_("Clore le dossier"),
}

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CLOSED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REFUSED, S.WAITING, S.DRAFT, S.CLOSED}),
    S.WAITING: frozenset({S.APPROVED, S.REFUSED, S.CLOSED}),
    # An expired approval is re-examined (back to submitted) before it is approved again.
    S.APPROVED: frozenset({S.SERVED, S.SUBMITTED, S.CLOSED}),
    # New documents after a refusal: the file is examined again.
    S.REFUSED: frozenset({S.SUBMITTED, S.CLOSED}),
    S.SERVED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

FLOW_ONLY_TARGETS: dict[Status, str] = {
    S.SERVED: N_("Passe par la remise d'un équipement (attribution)."),
}

# Pairs that must carry a written reason. Refusals and closings before service are listed
# for every source so the table stays the single answer to "is a reason required?".
REASON_REQUIRED: frozenset[tuple[Status, Status]] = frozenset(
    {(source, S.REFUSED) for source in S if S.REFUSED in TRANSITIONS[source]}
    | {(source, S.CLOSED) for source in S if S.CLOSED in TRANSITIONS[source] and source != S.SERVED}
    | {(S.SUBMITTED, S.DRAFT), (S.APPROVED, S.SUBMITTED), (S.REFUSED, S.SUBMITTED)}
)

ELIGIBILITY_TARGETS = frozenset({S.APPROVED, S.WAITING})


@dataclass(frozen=True)
class ApplicationFacts:
    """What the guards need to know about one file and one requested change.

    ``evaluated`` is False for schools and associations (no household evaluation);
    ``eligible`` is the evaluation's verdict under the current policy and
    ``eligibility_reasons`` the failed rules' reasons, shown when it blocks.
    """

    status: Status
    actor_id: int | None = None
    actor_is_admin: bool = False
    created_by_id: int | None = None
    four_eyes: bool = False
    evaluated: bool = True
    eligible: bool | None = None
    eligibility_reasons: tuple[str, ...] = ()
    override: bool = False
    reason: str = ""
    approval_valid: bool = False
    via_flow: bool = False

    @property
    def has_reason(self) -> bool:
        return bool(self.reason.strip())


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Message, ...] = ()
    # True when the change passes only because an admin overrode the eligibility rules.
    override_used: bool = False


def _say(msgid: str, **params) -> list[Message]:
    return [Message(msgid, params)]


def reason_guard(target: Status, facts: ApplicationFacts) -> list[Message]:
    if (facts.status, target) not in REASON_REQUIRED or facts.has_reason:
        return []
    if target == S.REFUSED:
        return _say(N_("Un refus doit être motivé : indiquez le motif du refus."))
    if target == S.CLOSED:
        return _say(N_("Indiquez pourquoi le dossier est clos sans avoir été équipé."))
    return _say(N_("Un motif est obligatoire pour revenir à une étape précédente."))


def four_eyes_guard(target: Status, facts: ApplicationFacts) -> list[Message]:
    if target != S.APPROVED or not facts.four_eyes:
        return []
    if facts.actor_id is None:
        return _say(N_("Double validation : la validation doit être faite par une personne "
                       "identifiée."))
    if facts.created_by_id is not None and facts.actor_id == facts.created_by_id:
        return _say(N_("Double validation : la personne qui a créé le dossier ne peut pas le "
                       "valider elle-même. Un autre travailleur social ou un administrateur "
                       "doit valider."))
    return []


def _eligibility_blockers(target: Status, facts: ApplicationFacts) -> list[Message]:
    """Why eligibility blocks ``target`` before any override is considered."""
    if target not in ELIGIBILITY_TARGETS:
        return []
    if not facts.evaluated:
        if target == S.APPROVED and not facts.has_reason:
            return _say(N_("Une école ou une association n'est pas évaluée selon les critères "
                           "des foyers : indiquez le motif de la validation."))
        return []
    if facts.eligible:
        return []
    if facts.eligible is None:
        return _say(N_("Le dossier n'a pas pu être évalué : complétez-le avant de décider."))
    # The evaluation's reasons are French sentences recorded with the decision, not msgids:
    # shown as they are.
    return [
        *_say(N_("Le foyer ne remplit pas les critères d'éligibilité de la politique en "
                 "vigueur.")),
        *(Message(reason) for reason in facts.eligibility_reasons),
    ]


def eligibility_guard(target: Status, facts: ApplicationFacts) -> list[Message]:
    blockers = _eligibility_blockers(target, facts)
    if not blockers or not facts.evaluated or not facts.override:
        return blockers
    if not facts.actor_is_admin:
        return [*_say(N_("Seul un administrateur peut passer outre les critères "
                         "d'éligibilité.")), *blockers]
    if not facts.has_reason:
        return _say(N_("Passer outre les critères d'éligibilité exige un motif écrit."))
    return []


def flow_guard(target: Status, facts: ApplicationFacts) -> list[Message]:
    if target not in FLOW_ONLY_TARGETS:
        return []
    if not facts.via_flow:
        return _say(FLOW_ONLY_TARGETS[target])
    if not facts.approval_valid:
        return _say(N_("L'accord a expiré : le dossier doit être réexaminé avant toute remise."))
    return []


GUARDS = (reason_guard, four_eyes_guard, eligibility_guard, flow_guard)


def check_transition(target: Status | str, facts: ApplicationFacts) -> Verdict:
    try:
        target = Status(target)
    except ValueError:
        return Verdict(False, tuple(_say(N_("Statut inconnu : %(status)s"), status=target)))
    if target not in TRANSITIONS[facts.status]:
        return Verdict(False, tuple(_say(
            N_("Passage de « %(source)s » à « %(target)s » impossible."),
            source=Message(STATUS_LABELS[facts.status]), target=Message(STATUS_LABELS[target]))))
    reasons = [r for guard in GUARDS for r in guard(target, facts)]
    if reasons:
        return Verdict(False, tuple(reasons))
    override_used = facts.evaluated and bool(_eligibility_blockers(target, facts))
    return Verdict(True, (), override_used=override_used)


@dataclass(frozen=True)
class Option:
    """One possible next status, as the file page shows it."""

    target: Status
    label: str
    verdict: Verdict
    manual: bool
    needs_reason: bool
    # Blocked only by eligibility, and the actor is an admin: the form offers the override.
    overridable: bool = False
    flow_note: str = ""


def next_statuses(facts: ApplicationFacts) -> list[Option]:
    """Every status reachable from here, with why it is unavailable when it is.

    Evaluated as if a reason were typed: a missing reason is asked for by the form, it does
    not grey out the button.
    """
    with_reason = replace(facts, reason="-", override=False)
    options = []
    for target in sorted(TRANSITIONS[facts.status], key=list(Status).index):
        verdict = check_transition(target, with_reason)
        overridable = (
            not verdict.allowed
            and facts.actor_is_admin
            and check_transition(target, replace(with_reason, override=True)).allowed
        )
        needs_reason = (facts.status, target) in REASON_REQUIRED or (
            target == S.APPROVED and not facts.evaluated
        )
        options.append(
            Option(
                target=target,
                label=ACTION_LABELS[target],
                verdict=verdict,
                manual=target not in FLOW_ONLY_TARGETS,
                needs_reason=needs_reason,
                overridable=overridable,
                flow_note=FLOW_ONLY_TARGETS.get(target, ""),
            )
        )
    return options
