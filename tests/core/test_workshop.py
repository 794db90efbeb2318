"""Workshop floor rules: where a machine stands, where a diagnosis sends it, what a
technician may type for a shelf code, a memory size or a quantity."""

import pytest

from refurb.core.errors import InvalidInput
from refurb.core.lifecycle import State
from refurb.core.workshop import (
    DIAGNOSABLE,
    IN_WORKSHOP,
    REPAIRABLE,
    changed_elsewhere,
    decision_target,
    parse_location_code,
    parse_ram_gb,
    positive_quantity,
    state_name,
)


@pytest.mark.parametrize(("decision", "has_drive", "target"), [
    ("reuse", True, State.WIPING), ("reuse", False, State.REPAIR),
    ("parts", True, State.PARTS), ("dispose", False, State.TO_DISPOSE),
])
def test_a_decision_sends_the_machine_on(decision, has_drive, target):
    assert decision_target(decision, has_drive) == target


def test_work_happens_only_on_machines_in_the_workshop():
    assert REPAIRABLE <= IN_WORKSHOP and DIAGNOSABLE <= IN_WORKSHOP
    assert State.ALLOCATED not in IN_WORKSHOP and State.DISPOSED not in IN_WORKSHOP
    assert State.PARTS not in REPAIRABLE  # a machine sent to parts is harvested, not repaired


@pytest.mark.parametrize(("typed", "code"), [
    ("LOC-0007", "LOC-0007"), ("loc-7", "LOC-0007"), (" LOC 0007\r\n", "LOC-0007"),
    ("LOC0123456", "LOC-123456"), ("RF-2026-000001", None), ("LOC-", None), ("", None),
])
def test_shelf_codes_are_read_however_scanned_or_typed(typed, code):
    assert parse_location_code(typed) == code


@pytest.mark.parametrize(("typed", "mib"), [
    ("8", 8192), ("1,5", 1536), ("0.5", 512), ("", None), (None, None),
])
def test_memory_is_typed_in_gigabytes_and_kept_in_mebibytes(typed, mib):
    assert parse_ram_gb(typed) == mib


@pytest.mark.parametrize("typed", ["huit", "0", "-2", "5000"])
def test_impossible_memory_sizes_are_refused(typed):
    with pytest.raises(InvalidInput, match="Mémoire"):
        parse_ram_gb(typed)


def test_quantities_are_whole_and_positive():
    assert positive_quantity("3") == 3
    for typed in ("0", "-1", "deux", None):
        with pytest.raises(InvalidInput, match="quantité"):
            positive_quantity(typed)


def test_messages_name_states_in_the_readers_language():
    english = {"En réparation": "Under repair",
               "%(tag)s vient d'être modifié par quelqu'un d'autre : rechargez la page.":
               "%(tag)s has just been changed by someone else: reload the page."}
    assert state_name("repair").render(lambda text: english.get(text, text)) == "Under repair"
    assert str(state_name("repair")) == "En réparation"
    assert changed_elsewhere("RF-1").render(lambda text: english.get(text, text)) == (
        "RF-1 has just been changed by someone else: reload the page.")
