"""Training arithmetic: half-days, hours attended, completion."""

from datetime import time
from decimal import Decimal

import pytest

from refurb.core.errors import InvalidInput
from refurb.core.training import (
    HalfDay,
    Presence,
    SessionRecord,
    Slot,
    format_hours,
    format_minutes,
    half_days,
    hours,
    progress,
)

M, A = HalfDay.MORNING, HalfDay.AFTERNOON
P, ABS, EXC = Presence.PRESENT, Presence.ABSENT, Presence.EXCUSED


def t(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("09:30", "11:30", (M,)),
        ("10:00", "12:00", (M,)),
        ("11:00", "13:00", (M,)),   # ends by 13:00: still a morning session
        ("14:00", "16:00", (A,)),
        ("12:00", "14:00", (A,)),
        ("09:00", "17:00", (M, A)),
        ("11:30", "13:30", (M, A)),
    ],
)
def test_half_days_covered(start, end, expected):
    assert half_days(t(start), t(end)) == expected
    assert Slot(t(start), t(end)).half_days == expected


def test_minutes_per_half_day_with_the_break_taken_at_noon_or_later():
    assert Slot(t("14:00"), t("16:00")).minutes_by_half_day() == {A: 120}
    assert Slot(t("09:30"), t("11:30")).minutes_by_half_day() == {M: 120}
    day = Slot(t("09:00"), t("17:00"), break_minutes=60)
    assert day.minutes == 420
    assert day.minutes_by_half_day() == {M: 180, A: 240}
    # A long break never makes a half-day negative.
    short = Slot(t("11:30"), t("13:30"), break_minutes=60)
    assert short.minutes_by_half_day() == {M: 30, A: 30}


@pytest.mark.parametrize(
    ("start", "end", "pause", "message"),
    [
        ("16:00", "14:00", 0, "fin doit être après"),
        ("14:00", "14:00", 0, "fin doit être après"),
        ("14:00", "16:00", -5, "pause"),
        ("14:00", "16:00", 120, "plus longue que la séance"),
        ("08:00", "18:00", 300, "pause"),
    ],
)
def test_impossible_times_are_refused_in_french(start, end, pause, message):
    with pytest.raises(InvalidInput, match=message):
        Slot(t(start), t(end), pause)


def test_full_presence_counts_every_minute():
    record = SessionRecord(Slot(t("09:00"), t("17:00"), 60), {M: P, A: P})
    assert record.minutes_attended == 420 and record.attended


def test_partial_presence_gives_partial_hours_but_counts_the_session():
    morning_only = SessionRecord(Slot(t("09:00"), t("17:00"), 60), {M: P, A: ABS})
    assert morning_only.minutes_attended == 180
    assert morning_only.attended and not morning_only.absent and not morning_only.excused


def test_excused_and_absent_count_no_hours():
    slot = Slot(t("14:00"), t("16:00"))
    excused = SessionRecord(slot, {A: EXC})
    absent = SessionRecord(slot, {A: ABS})
    assert excused.minutes_attended == absent.minutes_attended == 0
    assert excused.excused and not excused.absent and not excused.attended
    assert absent.absent and not absent.excused
    # Excused for one half-day, absent for the other: an excused missed session.
    mixed = SessionRecord(Slot(t("09:00"), t("17:00")), {M: EXC, A: ABS})
    assert mixed.excused and not mixed.absent


def test_not_recorded_is_neither_absent_nor_attended():
    record = SessionRecord(Slot(t("14:00"), t("16:00")), {})
    assert not (record.attended or record.absent or record.excused)
    assert record.minutes_attended == 0


def test_a_mark_on_a_half_day_the_session_does_not_cover_counts_nothing():
    record = SessionRecord(Slot(t("14:00"), t("16:00")), {M: P})
    assert record.minutes_attended == 0 and not record.attended


def test_feris_programme_five_sessions_of_two_hours():
    slot = Slot(t("14:00"), t("16:00"))
    records = [SessionRecord(slot, {A: P})] * 4 + [SessionRecord(slot, {A: EXC})]
    done = progress(5, records)
    assert (done.attended, done.excused, done.absent) == (4, 1, 0)
    assert done.hours == Decimal("8.00")
    assert not done.complete and done.missing == 1
    done = progress(5, [*records, SessionRecord(slot, {A: P})])
    assert done.complete and done.missing == 0 and done.hours == Decimal("10.00")


def test_completion_counts_sessions_not_hours():
    # Five days attended only in the morning complete a five-session programme.
    slot = Slot(t("09:00"), t("17:00"), 60)
    done = progress(5, [SessionRecord(slot, {M: P, A: ABS})] * 5)
    assert done.complete and done.hours == Decimal("15.00")


def test_progress_needs_at_least_one_planned_session():
    with pytest.raises(InvalidInput):
        progress(0, [])
    assert progress(6, []).missing == 6


def test_hours_are_made_from_summed_minutes_without_drift():
    # Three 20-minute pieces make exactly one hour, not 3 × 0.33.
    assert hours(20 + 20 + 20) == Decimal("1.00")
    assert hours(100) == Decimal("1.67")


@pytest.mark.parametrize(("minutes", "text"), [(120, "2 h"), (90, "1 h 30"), (45, "0 h 45"),
                                                 (605, "10 h 05")])
def test_french_durations(minutes, text):
    assert format_minutes(minutes) == text


def test_format_hours_from_decimal():
    assert format_hours(Decimal("7.5")) == "7 h 30"
    assert format_hours(Decimal("2")) == "2 h"
