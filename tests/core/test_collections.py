import pytest

from refurb.core import collections as rules


@pytest.mark.parametrize(("current", "target", "count", "allowed"), [
    ("planned", "collected", 0, True),
    ("collected", "received", 0, True),
    ("received", "closed", 3, True),
    ("received", "closed", 0, False),      # nothing to close
    ("planned", "received", 0, False),     # one step at a time
    ("planned", "closed", 5, False),
    ("collected", "planned", 0, False),    # no way back
    ("closed", "received", 5, False),
    ("received", "received", 5, False),
    ("planned", "lost", 0, False),
    ("nowhere", "collected", 0, False),
])
def test_transition_table(current, target, count, allowed):
    verdict = rules.check_transition(current, target, device_count=count)
    assert verdict.allowed is allowed
    assert bool(verdict.reasons) is not allowed


def test_refusals_say_why_in_french():
    assert "Aucun appareil" in rules.check_transition("received", "closed", device_count=0).reasons[0]
    refusal = rules.check_transition("planned", "closed", device_count=1).reasons[0]
    assert "Passage impossible" in str(refusal)


@pytest.mark.parametrize(("state", "allowed"), [
    ("planned", False), ("collected", True), ("received", True), ("closed", False), ("x", False)])
def test_intake_is_open_between_pickup_and_closing(state, allowed):
    verdict = rules.check_intake(state)
    assert verdict.allowed is allowed and bool(verdict.reasons) is not allowed


def test_every_state_reachable_once_and_dates_stamped():
    seen, state = ["planned"], "planned"
    while rules.next_states(state):
        (state,) = rules.next_states(state)
        seen.append(state)
        assert rules.DATE_FIELDS[rules.CollectionState(state)].endswith("_on")
    assert seen == ["planned", "collected", "received", "closed"]
    assert rules.next_states("garbage") == ()


def test_numbers():
    assert rules.format_number(2026, 7) == "COL-2026-0007"
    assert rules.format_number(2026, 12345) == "COL-2026-12345"
    assert rules.NUMBER_RE.match(rules.format_number(2026, 1))
    assert rules.receipt_number("COL-2026-0007") == "COL-2026-0007-BPC"
    assert rules.counter_name(2026) == "collection:2026"


def test_receipt_needs_devices_and_a_pickup():
    assert not rules.can_issue_receipt("received", 0).allowed
    assert not rules.can_issue_receipt("planned", 3).allowed
    assert rules.can_issue_receipt("received", 3).allowed
    assert rules.can_issue_receipt("closed", 3).allowed
