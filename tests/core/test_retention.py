"""Backup retention: 7 daily + 4 weekly, counted on days and weeks that have a backup."""

from datetime import datetime, timedelta

from refurb.core.retention import backups_to_delete, backups_to_keep


def nightly(days: int, start=datetime(2026, 3, 31, 2, 30)) -> list[datetime]:
    return [start - timedelta(days=n) for n in range(days)]


def test_a_month_of_nights_keeps_seven_days_and_four_weeks():
    times = nightly(31)  # 1..31 March 2026 (31 March is a Tuesday)
    keep = backups_to_keep(times, daily=7, weekly=4)
    days = sorted(t.day for t in keep)
    # The last 7 nights (25-31), and the newest of each of the last 4 ISO weeks: Tuesday 31
    # (this week), Sunday 29, 22 and 15 March.
    assert days == [15, 22, 25, 26, 27, 28, 29, 30, 31]
    assert sorted(backups_to_delete(times, daily=7, weekly=4)) == sorted(set(times) - keep)


def test_two_backups_on_one_day_use_one_daily_slot():
    times = nightly(10) + [datetime(2026, 3, 31, 14, 0)]
    keep = backups_to_keep(times, daily=7, weekly=0)
    assert datetime(2026, 3, 31, 14, 0) in keep and datetime(2026, 3, 31, 2, 30) not in keep
    assert len(keep) == 7


def test_days_without_backup_do_not_use_up_slots():
    # The server was off for a fortnight: the last good backups before that are kept.
    times = nightly(5) + nightly(10, start=datetime(2026, 3, 10, 2, 30))
    keep = backups_to_keep(times, daily=7, weekly=4)
    assert {t.day for t in keep} >= {27, 28, 29, 30, 31, 10, 9}


def test_the_newest_is_always_kept():
    assert backups_to_keep([datetime(2026, 1, 1)], daily=0, weekly=0) == {datetime(2026, 1, 1)}
    assert backups_to_delete([], daily=7, weekly=4) == []
