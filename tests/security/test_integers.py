"""Item 9: integers in URLs are bounded — a huge page number or id is a 404, never a 500."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.factories import make_device
from tests.security.helpers import role_clients

HUGE = "999999999999999999999"
# Every integer the query strings of the app read (ids, filters, pages).
INTEGER_ARGS = ("page", "programme", "beneficiary", "device", "donor", "donor_id", "device_id",
                "ram", "storage", "profile")


def test_huge_page_number_is_a_404(client, db, login_as):
    login_as("admin")
    assert client.get(f"/devices?page={HUGE}").status_code == 404
    assert client.get(f"/devices?page={HUGE * 300}").status_code == 404  # thousands of digits


def test_page_past_the_last_one_is_a_404(client, db, login_as):
    login_as("admin")
    make_device()
    db.session.commit()
    assert client.get("/devices?page=1").status_code == 200
    assert client.get("/devices?page=2").status_code == 404


@pytest.mark.parametrize("page", ["-3", "0", "x", "", "1.5", "١"])
def test_unreadable_or_low_page_numbers_show_the_first_page(client, db, login_as, page):
    login_as("admin")
    assert client.get(f"/devices?page={page}").status_code == 200


def test_huge_id_in_a_path_is_a_404(client, db, login_as):
    login_as("admin")
    for url in (f"/devices/{HUGE}", f"/admin/users/{HUGE}", "/devices/2147483648",
                f"/collections/{HUGE}"):
        assert client.get(url).status_code == 404, url
    assert client.get("/devices/2147483647").status_code == 404  # largest id: simply unknown


def _urls_with_huge_integers(app):
    """(url, has an integer path argument) for every GET route, integers set to HUGE."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        converters = rule._converters
        if any(arg not in converters for arg in rule.arguments):
            continue  # a default-valued variant (…/new) of a route walked anyway
        values = {}
        for arg, converter in converters.items():
            if isinstance(converter, IntegerConverter):
                values[arg] = int(HUGE)
            elif isinstance(converter, AnyConverter):
                values[arg] = sorted(converter.items)[0]
            else:
                values[arg] = "x"
        url = rule.build(values, append_unknown=False)[1]
        yield url, any(isinstance(c, IntegerConverter) for c in converters.values())


def test_every_page_bounds_its_integer_arguments(app, db):
    """Every GET route, every role, every integer query argument at once far too large, and
    every <int:…> path argument too: answers are a page or a refusal, never a 500, and a
    huge id is a 404 (or the 403 of a role that may not open the page at all)."""
    make_device()
    db.session.commit()
    query = "&".join(f"{name}={HUGE}" for name in INTEGER_ARGS)
    clients = role_clients(app)
    failures = []
    for url, has_int_path in _urls_with_huge_integers(app):
        for role, client in clients.items():
            status = client.get(f"{url}?{query}").status_code
            if status >= 500:
                failures.append(f"{url} as {role}: {status}")
            elif has_int_path and role != "anonymous" and status not in (403, 404):
                failures.append(f"{url} as {role}: {status}, expected 404")
    assert failures == []
