"""The sign-in back-off rule, without a database."""

from datetime import datetime, timedelta

import pytest

from refurb.core.sign_in_backoff import BackoffPolicy, network_wait, pair_wait

NOW = datetime(2026, 3, 2, 9, 0)
POLICY = BackoffPolicy()
S = timedelta(seconds=1)


@pytest.mark.parametrize(("failures", "wait"), [
    (0, 0), (4, 0), (5, 15), (6, 30), (7, 60), (8, 120), (10, 480), (11, 900), (12, 900),
    (10_000, 900)])
def test_wait_after_consecutive_failures(failures, wait):
    assert pair_wait(failures, NOW, NOW, POLICY) == wait * S


def test_wait_counts_from_the_last_failure():
    assert pair_wait(6, NOW - 20 * S, NOW, POLICY) == 10 * S
    assert pair_wait(6, NOW - 31 * S, NOW, POLICY) == timedelta(0)
    assert pair_wait(6, None, NOW, POLICY) == timedelta(0)


def test_network_ceiling_over_a_sliding_window():
    policy = BackoffPolicy(network_max_failures=3, network_window=timedelta(minutes=10))
    minute = timedelta(minutes=1)
    two = [NOW - 5 * minute, NOW - minute]
    assert network_wait(two, NOW, policy) == timedelta(0)
    three = [NOW - 5 * minute, NOW - 8 * minute, NOW - minute]
    assert network_wait(three, NOW, policy) == 2 * minute  # the oldest leaves in 2 minutes
    four = [*three, NOW]
    assert network_wait(four, NOW, policy) == 5 * minute  # two must leave
    old = [NOW - 11 * minute] * 5
    assert network_wait(old, NOW, policy) == timedelta(0)
