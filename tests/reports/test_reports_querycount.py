"""Report pages aggregate in SQL: their number of queries does not grow with the data."""

from __future__ import annotations

from datetime import datetime, timedelta

from refurb.devices import services as devices
from tests.factories import make_collection, make_device
from tests.querycount import count_queries

PAGES = ("/reports/", "/reports/activity", "/reports/lead-times", "/reports/reuse",
         "/reports/beneficiaries", "/reports/training", "/reports/annual", "/portal/mecenat")


def _add_devices(count: int, start: datetime) -> None:
    collection = make_collection()
    for n in range(count):
        device = make_device("laptop" if n % 2 else "desktop", collection=collection,
                             now=start + timedelta(days=n))
        moment = start + timedelta(days=n, hours=5)
        for target in ("diagnosis", "to_dispose"):
            moment += timedelta(hours=7)
            devices.transition(device, target, actor_id=None, now=moment)


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with count_queries() as statements:
            assert client.get(url + "?year=2025").status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_report_pages_do_not_grow_with_the_data(db, client, login_as):
    login_as("admin")
    _add_devices(2, datetime(2025, 2, 1))
    db.session.commit()
    few = _counts(client)
    _add_devices(25, datetime(2025, 3, 1))
    db.session.commit()
    assert _counts(client) == few
    assert max(few.values()) <= 25, few
