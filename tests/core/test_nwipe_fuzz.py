"""The nwipe parser must never raise: random text, truncated logs, shuffled lines."""

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refurb.core.nwipe import STATUSES, NwipeLog, parse_nwipe_log, to_json_dict
from tests.nwipe_synthetic import make_synthetic_log

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nwipe"
LOGS = {p.name: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))}
ALL_LINES = [line for text in LOGS.values() for line in text.splitlines()]


def check_sane(log: NwipeLog) -> None:
    assert isinstance(log, NwipeLog)
    assert not any("Erreur interne" in w for w in log.warnings), log.warnings
    for drive in log.drives:
        assert drive.status in STATUSES
        assert all(isinstance(n, int) and n >= 0 for n in drive.errors.values())
        json.dumps(to_json_dict(drive))
    assert all(isinstance(w, str) for w in log.warnings)


@given(st.text())
def test_random_text(text):
    check_sane(parse_nwipe_log(text))


@given(st.lists(st.sampled_from(ALL_LINES + ["", "|", "!  | |", "*" * 80]), max_size=80))
def test_random_mix_of_real_lines(lines):
    check_sane(parse_nwipe_log("\n".join(lines)))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(LOGS)), st.randoms(use_true_random=False))
def test_shuffled_lines(name, rnd):
    lines = LOGS[name].splitlines()
    rnd.shuffle(lines)
    check_sane(parse_nwipe_log("\n".join(lines)))


@given(
    st.sampled_from(sorted(LOGS)),
    st.lists(st.tuples(st.integers(0, 10_000), st.text(max_size=12)), max_size=6),
)
def test_random_insertions(name, edits):
    text = LOGS[name]
    for offset, junk in edits:
        offset %= len(text) + 1
        text = text[:offset] + junk + text[offset:]
    check_sane(parse_nwipe_log(text))


# Lines shaped like nwipe's, with hostile values in every field.
_field = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\d{1,40}", fullmatch=True),
    st.just(""),
    st.just("/dev/sda"),
    st.just("99999999999:99:99"),
    st.just("0000/00/00 00:00:00"),
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "[2026/11/25 17:38:21]  notice: Found {0}, {1}, {2}, {3}, S/N={4}",
                    "[2026/11/25 17:38:21]  notice: {0}, sect/blk/dev 512/4096/{1}",
                    "[2026/11/25 17:38:21]  notice: Invoking method '{0}' on {1}",
                    "[2026/11/25 17:38:21]  notice: Starting pass {0}/{1}, round {2}/{3}, on {4}",
                    "[2026/11/25 17:38:21]  notice: {0} bytes written to {1}",
                    "[2026/11/25 17:38:21]   error: {0} verification errors on '{1}'.",
                    "[2026/11/25 17:38:21]   debug: Status: {0}, result={1}, pass_errors={2}, verify_errors={3}, "
                    "fsync_errors={4}",
                    "[{0}] Total Throughput {1}/s, {2}, {3}R+B+VL",
                    "!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number",
                    "!   Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors",
                    "!  {0} |{1}| {2}/s | {3} | {4}",
                    "   {0} |  {1} |   {2} |   {3}",
                ]
            ),
            st.lists(_field, min_size=5, max_size=5),
        ),
        max_size=40,
    )
)
def test_hostile_field_values(rows):
    text = "\n".join(template.format(*values) for template, values in rows)
    check_sane(parse_nwipe_log(text))


@pytest.mark.parametrize("name", sorted(LOGS))
def test_every_fixture_truncated_every_50_chars(name):
    text = LOGS[name]
    for offset in range(0, len(text) + 1, 50):
        log = parse_nwipe_log(text[:offset])
        check_sane(log)
        if "Drive Status" not in text[:offset] and log.drives:
            # No summary yet: nothing may be reported as erased.
            assert all(d.status != "erased" for d in log.drives)


def test_synthetic_log_truncated_and_shuffled():
    text = make_synthetic_log(12, failed={2}, aborted={5}, seed=5)
    rnd = random.Random(1)
    for offset in range(0, len(text), 997):
        check_sane(parse_nwipe_log(text[:offset]))
    lines = text.splitlines()
    for _ in range(20):
        rnd.shuffle(lines)
        check_sane(parse_nwipe_log("\n".join(lines)))
