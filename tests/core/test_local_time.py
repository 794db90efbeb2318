"""UTC stored, Paris shown, across the daylight-saving changes of 2026 (last Sundays of March
and October): the hour skipped in spring, the hour repeated in autumn."""

from datetime import date, datetime

import pytest

from refurb.core.local_time import local_date, local_to_utc, utc_to_local, zone
from refurb.core.sanitization.repeats import STATION_WINDOW, Attempt, repeat_of

PARIS = zone("Europe/Paris")


@pytest.mark.parametrize(("utc", "local"), [
    (datetime(2026, 3, 29, 0, 59), "2026-03-29 01:59+01:00"),   # just before the spring change
    (datetime(2026, 3, 29, 1, 0), "2026-03-29 03:00+02:00"),    # just after
    (datetime(2026, 10, 25, 0, 30), "2026-10-25 02:30+02:00"),  # first 02:30 of the autumn
    (datetime(2026, 10, 25, 1, 30), "2026-10-25 02:30+01:00"),  # the repeated one
    (datetime(2026, 7, 14, 8, 0), "2026-07-14 10:00+02:00"),
    (datetime(2026, 1, 15, 8, 0), "2026-01-15 09:00+01:00"),
])
def test_utc_to_paris(utc, local):
    assert utc_to_local(utc, PARIS).isoformat(sep=" ", timespec="minutes") == local


@pytest.mark.parametrize(("local", "utc"), [
    (datetime(2026, 1, 15, 9, 0), datetime(2026, 1, 15, 8, 0)),
    (datetime(2026, 7, 14, 9, 0), datetime(2026, 7, 14, 7, 0)),
    (datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 1, 30)),   # skipped: read as 03:30
    (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30)),  # twice: the first one
])
def test_paris_to_utc(local, utc):
    assert local_to_utc(local, PARIS) == utc


def test_the_local_day_is_not_the_utc_day_around_midnight():
    assert local_date(datetime(2026, 6, 30, 22, 30), PARIS) == date(2026, 7, 1)
    assert local_date(datetime(2026, 12, 31, 23, 30), PARIS) == date(2027, 1, 1)


def test_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="Fuseau horaire inconnu"):
        zone("Europe/Atlantis")


def test_a_station_scan_repeated_within_half_a_day_is_the_same_erasure():
    method = ("overwrite", "clear", "last_pass", "passed", "0x00", 1)
    first = Attempt(method, None, datetime(2026, 3, 2, 9, 0))
    previous = [(first, "record 1")]
    assert repeat_of(Attempt(method, None, datetime(2026, 3, 2, 9, 1)), previous,
                     STATION_WINDOW) == "record 1"
    assert repeat_of(Attempt(method, None, datetime(2026, 3, 2, 21, 1)), previous,
                     STATION_WINDOW) is None
    other = ("overwrite", "clear", "last_pass", "aborted", "0x00", 1)
    assert repeat_of(Attempt(other, None, datetime(2026, 3, 2, 9, 1)), previous,
                     STATION_WINDOW) is None
    # Outside the station, only the same times make the same erasure.
    assert repeat_of(Attempt(method, None, datetime(2026, 3, 2, 9, 1)), previous) is None
    assert repeat_of(Attempt(method, None, datetime(2026, 3, 2, 9, 0)), previous) == "record 1"
