"""The beneficiary file workflow: every pair against the table, then each guard."""

import pytest

from refurb.core.applications import (
    ELIGIBILITY_TARGETS,
    FLOW_ONLY_TARGETS,
    REASON_REQUIRED,
    STATUS_LABELS,
    TRANSITIONS,
    ApplicationFacts,
    Status,
    check_transition,
    next_statuses,
)

S = Status
ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
ALL_PAIRS = [(a, b) for a in S for b in S]
CREATOR, OTHER = 7, 8


def facts(status: Status, **changes) -> ApplicationFacts:
    """A file that passes every guard: eligible, reason given, valid approval, via the flow."""
    base = dict(
        status=status,
        actor_id=OTHER,
        created_by_id=CREATOR,
        eligible=True,
        reason="dossier complet",
        approval_valid=True,
        via_flow=True,
    )
    return ApplicationFacts(**{**base, **changes})


def texts(verdict) -> tuple[str, ...]:
    """The reasons as the French reader sees them."""
    return tuple(str(reason) for reason in verdict.reasons)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_pair_follows_the_table(current, target):
    verdict = check_transition(target, facts(current))
    assert verdict.allowed is ((current, target) in ALLOWED)
    if not verdict.allowed:
        assert texts(verdict) == (
            f"Passage de « {STATUS_LABELS[current]} » à « {STATUS_LABELS[target]} » impossible.",
        )


def test_the_documented_path_and_terminal_closed():
    path = [S.DRAFT, S.SUBMITTED, S.WAITING, S.APPROVED, S.SERVED, S.CLOSED]
    for current, target in zip(path, path[1:], strict=False):
        assert check_transition(target, facts(current)).allowed, (current, target)
    assert set(TRANSITIONS) == set(S)
    assert TRANSITIONS[S.CLOSED] == frozenset()
    assert set(STATUS_LABELS) == set(S)


def test_unknown_target_is_refused_in_french():
    verdict = check_transition("teleported", facts(S.SUBMITTED))
    assert not verdict.allowed and texts(verdict) == ("Statut inconnu : teleported",)


# --- reasons --------------------------------------------------------------------------------


@pytest.mark.parametrize(("current", "target"), sorted(REASON_REQUIRED))
def test_pairs_needing_a_reason(current, target):
    for blank in ("", "   \n"):
        verdict = check_transition(target, facts(current, reason=blank))
        assert not verdict.allowed
    assert check_transition(target, facts(current, reason="nouvel avis d'imposition")).allowed


@pytest.mark.parametrize("source", [S.SUBMITTED, S.WAITING])
def test_refusal_needs_a_reason_with_a_french_message(source):
    verdict = check_transition(S.REFUSED, facts(source, reason=""))
    assert texts(verdict) == ("Un refus doit être motivé : indiquez le motif du refus.",)


def test_reason_table_covers_refusals_closings_and_back_steps():
    assert {(a, b) for a, b in REASON_REQUIRED if b == S.REFUSED} == {
        (S.SUBMITTED, S.REFUSED), (S.WAITING, S.REFUSED)}
    closing = {a for a, b in REASON_REQUIRED if b == S.CLOSED}
    assert closing == {a for a in S if S.CLOSED in TRANSITIONS[a]} - {S.SERVED}
    # Closing a served file is the normal end: no reason asked.
    assert check_transition(S.CLOSED, facts(S.SERVED, reason="")).allowed
    assert check_transition(S.SUBMITTED, facts(S.DRAFT, reason="")).allowed
    assert check_transition(S.APPROVED, facts(S.SUBMITTED, reason="")).allowed


# --- four eyes ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [S.SUBMITTED, S.WAITING])
def test_four_eyes_creator_cannot_approve(source):
    verdict = check_transition(S.APPROVED, facts(source, four_eyes=True, actor_id=CREATOR))
    assert not verdict.allowed
    assert "ne peut pas le valider elle-même" in texts(verdict)[0]


@pytest.mark.parametrize("source", [S.SUBMITTED, S.WAITING])
def test_four_eyes_another_person_can_approve(source):
    assert check_transition(S.APPROVED, facts(source, four_eyes=True, actor_id=OTHER)).allowed


def test_four_eyes_off_lets_the_creator_approve():
    assert check_transition(S.APPROVED, facts(S.SUBMITTED, four_eyes=False, actor_id=CREATOR)).allowed


def test_four_eyes_needs_an_identified_person():
    verdict = check_transition(S.APPROVED, facts(S.SUBMITTED, four_eyes=True, actor_id=None))
    assert not verdict.allowed and "personne identifiée" in texts(verdict)[0]


def test_four_eyes_only_concerns_approval():
    on = dict(four_eyes=True, actor_id=CREATOR)
    assert check_transition(S.WAITING, facts(S.SUBMITTED, **on)).allowed
    assert check_transition(S.REFUSED, facts(S.SUBMITTED, **on)).allowed
    assert check_transition(S.SUBMITTED, facts(S.DRAFT, **on)).allowed


def test_four_eyes_binds_admins_too():
    verdict = check_transition(
        S.APPROVED, facts(S.SUBMITTED, four_eyes=True, actor_id=CREATOR, actor_is_admin=True))
    assert not verdict.allowed


# --- eligibility and the admin override -----------------------------------------------------

FAILED = ("Commune « Lille » hors des communes du dispositif (Fresnes-sur-Escaut).",)


@pytest.mark.parametrize("target", sorted(ELIGIBILITY_TARGETS))
def test_not_eligible_blocks_with_the_failed_rules(target):
    verdict = check_transition(
        target, facts(S.SUBMITTED, eligible=False, eligibility_reasons=FAILED))
    assert not verdict.allowed
    assert texts(verdict)[0].startswith("Le foyer ne remplit pas les critères")
    assert FAILED[0] in texts(verdict)


@pytest.mark.parametrize("target", sorted(ELIGIBILITY_TARGETS))
def test_unevaluated_household_is_blocked(target):
    verdict = check_transition(target, facts(S.SUBMITTED, eligible=None))
    assert not verdict.allowed and "n'a pas pu être évalué" in texts(verdict)[0]


def test_admin_override_with_a_written_reason_passes_and_is_flagged():
    verdict = check_transition(S.APPROVED, facts(
        S.SUBMITTED, eligible=False, override=True, actor_is_admin=True,
        reason="Situation d'urgence signalée par la Mission locale"))
    assert verdict.allowed and verdict.override_used


def test_override_needs_a_reason():
    verdict = check_transition(S.APPROVED, facts(
        S.SUBMITTED, eligible=False, override=True, actor_is_admin=True, reason=" "))
    assert texts(verdict) == ("Passer outre les critères d'éligibilité exige un motif écrit.",)


def test_override_is_for_admins_only():
    verdict = check_transition(S.APPROVED, facts(
        S.SUBMITTED, eligible=False, override=True, actor_is_admin=False, reason="urgence"))
    assert not verdict.allowed
    assert texts(verdict)[0] == "Seul un administrateur peut passer outre les critères d'éligibilité."


def test_eligible_file_does_not_count_as_an_override():
    verdict = check_transition(
        S.APPROVED, facts(S.SUBMITTED, override=True, actor_is_admin=True))
    assert verdict.allowed and not verdict.override_used


def test_organisations_are_approved_on_a_written_reason_not_the_household_policy():
    org = dict(evaluated=False, eligible=None)
    blocked = check_transition(S.APPROVED, facts(S.SUBMITTED, reason="", **org))
    assert not blocked.allowed and "école ou une association" in texts(blocked)[0]
    allowed = check_transition(S.APPROVED, facts(S.SUBMITTED, reason="Convention 2026", **org))
    assert allowed.allowed and not allowed.override_used
    assert check_transition(S.WAITING, facts(S.SUBMITTED, reason="", **org)).allowed


# --- served: only through the allocation flow, only with a valid approval -----------------


def test_served_only_through_the_flow():
    verdict = check_transition(S.SERVED, facts(S.APPROVED, via_flow=False))
    assert texts(verdict) == (FLOW_ONLY_TARGETS[S.SERVED],)


def test_served_refused_when_the_approval_expired():
    verdict = check_transition(S.SERVED, facts(S.APPROVED, approval_valid=False))
    assert not verdict.allowed and "expiré" in texts(verdict)[0]


# --- the options shown on the file page ----------------------------------------------------


def test_next_statuses_lists_every_target_with_why_not():
    options = {o.target: o for o in next_statuses(facts(
        S.SUBMITTED, eligible=False, eligibility_reasons=FAILED, reason=""))}
    assert set(options) == TRANSITIONS[S.SUBMITTED]
    assert not options[S.APPROVED].verdict.allowed and not options[S.APPROVED].overridable
    # A missing reason is asked for by the form: refusing stays offered.
    assert options[S.REFUSED].verdict.allowed and options[S.REFUSED].needs_reason
    assert options[S.DRAFT].verdict.allowed and options[S.DRAFT].needs_reason


def test_next_statuses_offers_the_override_to_admins_only():
    admin = {o.target: o for o in next_statuses(facts(
        S.SUBMITTED, eligible=False, actor_is_admin=True))}
    assert admin[S.APPROVED].overridable and admin[S.WAITING].overridable
    assert not admin[S.REFUSED].overridable


def test_next_statuses_marks_served_as_flow_only():
    [served] = [o for o in next_statuses(facts(S.APPROVED)) if o.target == S.SERVED]
    assert not served.manual and served.flow_note


def test_next_statuses_asks_organisations_for_an_approval_reason():
    options = {o.target: o for o in next_statuses(facts(S.SUBMITTED, evaluated=False))}
    assert options[S.APPROVED].needs_reason and options[S.APPROVED].verdict.allowed


def test_reasons_are_msgids_translated_where_they_are_shown():
    verdict = check_transition(S.CLOSED, facts(S.CLOSED))
    english = {"Passage de « %(source)s » à « %(target)s » impossible.":
               "Moving from “%(source)s” to “%(target)s” is not possible.",
               "Clos": "Closed"}
    [reason] = verdict.reasons
    assert reason.render(lambda msgid: english.get(msgid, msgid)) == (
        "Moving from “Closed” to “Closed” is not possible.")
