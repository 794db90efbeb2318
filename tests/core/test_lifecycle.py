import pytest

from refurb.core.lifecycle import (
    FLOW_ONLY_TARGETS,
    LEAVING_STATES,
    REASON_REQUIRED,
    TRANSITIONS,
    DeviceFacts,
    State,
    check_transition,
    next_states,
)

ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
ALL_PAIRS = [(a, b) for a in State for b in State]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_pair_follows_the_table(current, target):
    verdict = check_transition(target, DeviceFacts(state=current, reason="contrôle"))
    assert verdict.allowed is ((current, target) in ALLOWED)
    if not verdict.allowed:
        assert "impossible" in verdict.reasons[0]


def test_disposed_is_terminal_and_every_state_has_a_row():
    assert set(TRANSITIONS) == set(State)
    assert TRANSITIONS[State.DISPOSED] == frozenset()


@pytest.mark.parametrize("target", sorted(LEAVING_STATES))
def test_sanitization_guard_blocks_every_leaving_state(target):
    source = next(s for s, targets in TRANSITIONS.items() if target in targets)
    facts = DeviceFacts(state=source, unsanitized_drives=("WD 500 Go (SN WX1) : aucun effacement",),
                        reason="x")
    verdict = check_transition(target, facts)
    assert not verdict.allowed
    assert any("WX1" in r for r in verdict.reasons)


def test_sanitization_guard_ignores_workshop_moves():
    facts = DeviceFacts(state=State.DIAGNOSIS, unsanitized_drives=("disque",))
    assert check_transition(State.WIPING, facts).allowed
    assert check_transition(State.TO_DISPOSE, facts).allowed


def test_quality_guard_only_for_ready():
    facts = DeviceFacts(state=State.REPAIR, qa_missing=("Wi-Fi",))
    verdict = check_transition(State.READY, facts)
    assert not verdict.allowed and "Wi-Fi" in verdict.reasons[0]
    assert check_transition(State.WIPING, facts).allowed


@pytest.mark.parametrize(("current", "target"), sorted(REASON_REQUIRED))
def test_going_back_needs_a_reason(current, target):
    assert not check_transition(target, DeviceFacts(state=current)).allowed
    assert check_transition(target, DeviceFacts(state=current, reason="écran fêlé")).allowed


def test_unknown_target_is_refused_with_a_reason():
    verdict = check_transition("teleported", DeviceFacts(state=State.READY))
    assert not verdict.allowed and "inconnu" in verdict.reasons[0]


def test_next_states_lists_blocked_options_with_reasons():
    facts = DeviceFacts(state=State.REPAIR, unsanitized_drives=("SSD 256 Go : aucun effacement",))
    options = {o.target: o for o in next_states(facts)}
    assert set(options) == TRANSITIONS[State.REPAIR]
    assert not options[State.READY].verdict.allowed
    assert options[State.WIPING].verdict.allowed
    flow = {o.target for o in next_states(DeviceFacts(state=State.READY)) if not o.manual}
    assert flow == {State.RESERVED, State.ALLOCATED} & set(FLOW_ONLY_TARGETS)
