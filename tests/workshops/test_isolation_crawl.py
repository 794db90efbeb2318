"""Isolation of workshops, walked like a user of workshop A would: two workshops with the
demo data each (B with a row in every domain besides); every page A's roles reach, every
route and API operation asked with B's ids, answer nothing of B: 404/403, and none of B's
tags, serial numbers, numbers or names in any body."""

from __future__ import annotations

import itertools

import pytest

from refurb.accounts import api_tokens
from refurb.extensions import db
from refurb.workshops.context import use_workshop
from tests.factories import NOW, make_user
from tests.network.helpers import sign_in
from tests.security.crawl import crawl
from tests.workshops import network as net

STAFF_ROLES = ("admin", "technician", "social_worker")

# Which table a route's id names; ids of any other table or of none are not B's rows.
TABLES_OF = {
    "allocation_id": ("allocations",), "batch_id": ("weee_batches", "batch_scan_sessions"),
    "beneficiary_id": ("beneficiaries",), "carrier_id": ("weee_carriers",),
    "collection_id": ("collections",), "device_id": ("devices",),
    "document_id": ("issued_documents",), "drive_id": ("drives",),
    "enrolment_id": ("training_enrolments",), "import_id": ("intake_imports",),
    "install_id": ("software_installs",), "item_id": ("waste_items", "batch_scan_items"),
    "job_id": ("jobs",), "line_id": ("waste_register_lines",),
    "location_id": ("stock_locations",), "log_id": ("wipe_logs",),
    "operator_id": ("weee_operators",), "part_id": ("parts",), "profile_id": ("build_profiles",),
    "programme_id": ("training_programmes", "school_programmes"),
    "record_id": ("wipe_records",), "reservation_id": ("reservations",),
    "session_id": ("training_sessions", "batch_scan_sessions"), "token_id": ("api_tokens",),
    "user_id": ("users",),
}
PLAIN = {"index": 0, "version": 1}


@pytest.fixture
def network(app, db, shared_rows):
    return shared_rows("workshops.network", net.build)


def _a_users():
    with use_workshop(1):
        users = {role: make_user(role) for role in STAFF_ROLES}
    db.session.commit()
    return users


def _urls_with_b_ids(app, network, api: bool) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route taking ids, built with ids of B's rows."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments:
            continue
        if hasattr(app.view_functions[rule.endpoint], "token_scopes") != api:
            continue
        if rule.defaults:
            continue  # the same view without its id (a "new" form): no row to ask for
        choices = {}
        for arg in rule.arguments:
            if arg in TABLES_OF:
                ids = [network.b_ids.get(t, [])[:1] for t in TABLES_OF[arg]]
                choices[arg] = [i for group in ids for i in group]
            elif arg in PLAIN:
                choices[arg] = [PLAIN[arg]]
            else:
                choices[arg] = []
        if not any(arg in TABLES_OF for arg in rule.arguments) or not all(choices.values()):
            continue
        for values in itertools.product(*choices.values()):
            found.append((rule.endpoint,
                          rule.build(dict(zip(choices, values, strict=True)),
                                     append_unknown=False)[1]))
    return sorted(set(found))


def test_each_role_of_a_sees_nothing_of_b(app, network):
    failures = []
    for role, user in _a_users().items():
        client = sign_in(app, user)
        for visit in crawl(app, client, role, ["/"]):
            if visit.html and net.leaks(visit.html, network):
                failures.append(f"{role} {visit.url}: {net.leaks(visit.html, network)[:3]}")
    assert not failures, "\n".join(failures)


def test_b_ids_answer_404_or_403_to_every_role_of_a(app, network):
    urls = _urls_with_b_ids(app, network, api=False)
    assert len(urls) >= 40, urls  # the enumeration found the routes
    failures = []
    for role, user in _a_users().items():
        client = sign_in(app, user)
        for endpoint, url in urls:
            response = client.get(url)
            body = response.get_data(as_text=True) if response.mimetype.startswith("text") \
                or response.mimetype.endswith("json") else ""
            response.close()
            if response.status_code not in (403, 404) or net.leaks(body, network):
                failures.append(f"{role} {endpoint} {url}: {response.status_code} "
                                f"{net.leaks(body, network)[:3]}")
    assert not failures, "\n".join(failures)


def test_b_ids_answer_404_or_403_to_a_tokens(app, network):
    urls = _urls_with_b_ids(app, network, api=True)
    assert len(urls) >= 8, urls
    failures = []
    for role, user in _a_users().items():
        with use_workshop(1):
            scopes = [s for s in api_tokens.SCOPES if role == "admin" or s != "admin"]
            _token, secret = api_tokens.create_token(user, role, scopes, now=NOW)
        db.session.commit()
        client = app.test_client()
        for endpoint, url in urls:
            response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
            body = response.get_data(as_text=True)
            if response.status_code not in (403, 404) or net.leaks(body, network):
                failures.append(f"{role} {endpoint} {url}: {response.status_code} "
                                f"{net.leaks(body, network)[:3]}")
    assert not failures, "\n".join(failures)


def test_b_can_see_its_own_rows(app, network):
    """The same walk as B's admin does show B's rows: the test above can fail."""
    with use_workshop(network.b):
        admin = make_user("admin")
    db.session.commit()
    client = sign_in(app, admin)
    seen = set()
    for visit in crawl(app, client, "admin", ["/"]):
        if visit.html:
            seen |= set(net.leaks(visit.html, network))
    assert len(seen) >= 10


def test_each_workshop_figures_count_its_own_rows(app, network):
    """Figures equal: the stock export and the devices' state counts of each workshop are
    the counts of its own devices (not the network's), from the tallies it reads."""
    import csv
    import io
    from collections import Counter

    import sqlalchemy as sa

    from refurb.core.lifecycle import STATE_LABELS, State
    from refurb.devices.models import Device
    from refurb.workshops.context import NETWORK

    with use_workshop(NETWORK):
        held = {w: Counter(dict(db.session.execute(
            sa.select(Device.state, sa.func.count()).where(Device.workshop_id == w)
            .group_by(Device.state)).all())) for w in (network.a, network.b)}
    assert held[network.a] != held[network.b]
    for workshop_id in (network.a, network.b):
        with use_workshop(workshop_id):
            admin = make_user("admin")
        db.session.commit()
        client = sign_in(app, admin)
        response = client.get("/reports/export/stock.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")),
                               delimiter=";"))
        by_label = {row[0]: int(row[-1]) for row in rows[1:]}
        mine = held[workshop_id]
        assert by_label["Total"] == sum(mine.values()), workshop_id
        for state in State:
            assert by_label[str(STATE_LABELS[state])] == mine.get(state.value, 0), state
