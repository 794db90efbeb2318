"""How long a sign-in must wait after failures: the rule, without a database.

Two limits, neither of which lets a stranger lock a real user out:
- per (account, client network): a few free failures, then a wait doubling with each further
  failure, capped. Only that client waits; the owner signing in from elsewhere does not.
- per client network, all accounts together: a ceiling of failures in a sliding window, so
  one client cannot try passwords on every account in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class BackoffPolicy:
    free_failures: int = 5
    first_wait: timedelta = timedelta(seconds=15)
    longest_wait: timedelta = timedelta(minutes=15)
    network_max_failures: int = 50
    network_window: timedelta = timedelta(minutes=15)
    # Failures older than this are forgotten, even without a success since.
    memory: timedelta = timedelta(days=1)


def pair_wait(failures: int, last_failure: datetime | None, now: datetime,
              policy: BackoffPolicy) -> timedelta:
    """Time left before the next attempt for one (account, client), after `failures`
    consecutive failures (none since a success), the latest at `last_failure`."""
    if last_failure is None or failures < policy.free_failures:
        return timedelta(0)
    doublings = failures - policy.free_failures
    # 2 ** doublings overflows nothing: the cap is reached long before.
    wait = policy.first_wait * (2 ** min(doublings, 32))
    wait = min(wait, policy.longest_wait)
    return max(timedelta(0), last_failure + wait - now)


def network_wait(failure_times: Sequence[datetime], now: datetime,
                 policy: BackoffPolicy) -> timedelta:
    """Time left before one client network may try again, given the times of its failures
    within the window (any order): until enough of them leave the window."""
    recent = sorted(t for t in failure_times if t > now - policy.network_window)
    excess = len(recent) - policy.network_max_failures
    if excess < 0:
        return timedelta(0)
    return max(timedelta(0), recent[excess] + policy.network_window - now)
