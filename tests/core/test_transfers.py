"""Rules of a transfer note: what may travel, what a reception must say."""

import pytest

from refurb.core import transfers as rules
from refurb.core.errors import InvalidInput


def _reasons(error) -> str:
    return " ".join(str(r) for r in error.value.reasons)


def test_a_note_goes_to_another_workshop_with_devices():
    with pytest.raises(InvalidInput, match="autre atelier"):
        rules.check_sign_out(1, 1, [rules.Candidate("RF-2026-000001", "ready")])
    with pytest.raises(InvalidInput, match="au moins un appareil"):
        rules.check_sign_out(1, 2, [])
    rules.check_sign_out(1, 2, [rules.Candidate("RF-2026-000001", "ready")])


def test_devices_gone_twice_listed_or_travelling_are_refused_all_at_once():
    with pytest.raises(InvalidInput) as error:
        rules.check_sign_out(1, 2, [
            rules.Candidate("RF-2026-000001", "allocated"),
            rules.Candidate("RF-2026-000002", "diagnosis"),
            rules.Candidate("RF-2026-000002", "diagnosis"),
            rules.Candidate("RF-2026-000003", "ready", in_transit=True),
            rules.Candidate("RF-2026-000004", "disposed"),
            rules.Candidate("RF-2026-000005", "reserved"),
        ])
    text = _reasons(error)
    for tag in ("000001", "000003", "000004", "000005"):
        assert f"RF-2026-{tag}" in text
    assert "RF-2026-000002 figure deux fois" in text


def test_a_note_has_a_size_limit():
    many = [rules.Candidate(f"RF-2026-{n:06d}", "received")
            for n in range(rules.MAX_DEVICES + 1)]
    with pytest.raises(InvalidInput, match="au plus"):
        rules.check_sign_out(1, 2, many)


def test_a_refusal_needs_its_reason_and_a_device_of_the_note():
    tags = ["RF-2026-000001", "RF-2026-000002"]
    assert rules.check_reception(tags, {}) == dict.fromkeys(tags, rules.RECEIVED)
    assert rules.check_reception(tags, {"RF-2026-000002": "Écran fêlé"}) == {
        "RF-2026-000001": rules.RECEIVED, "RF-2026-000002": rules.REFUSED}
    with pytest.raises(InvalidInput, match="raison du refus"):
        rules.check_reception(tags, {"RF-2026-000002": "  "})
    with pytest.raises(InvalidInput, match="ne figure pas"):
        rules.check_reception(tags, {"RF-2026-000009": "absent"})


def test_numbers_per_year():
    assert rules.format_number(2026, 7) == "TR-2026-0007"
    assert rules.counter_name(2026) == "transfer:2026"
