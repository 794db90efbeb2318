"""The ready stock: filters (type, grade, RAM, storage, build profile), counts per type and
state, pagination; the profile filter in SQL agrees with the pure matching rules."""

import pytest

from refurb.core.profiles import match_profile
from refurb.devices.models import Device
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.queries.profiles import machine_facts, to_core_profile
from refurb.workshop.queries.software import latest_software
from refurb.workshop.queries.stock import StockFilters, counts_by_type_and_state, stock_query
from tests.factories import NOW, make_device
from tests.workshop.helpers import make_location, pack_famille, ready_device, to_repair


@pytest.fixture
def stock(db):
    shelf = make_location("Étagère prêts")
    machines = {
        "A": ready_device("laptop", location=shelf),
        "B": ready_device("laptop", ram_mib=2048, grade="B"),
        "C": ready_device("desktop", drives=(("hdd", 500),), grade="C"),
        "D": ready_device("laptop", os_name="windows"),
        "E": ready_device("laptop", software=""),
        "F": ready_device("monitor", ram_mib=None, drives=(), os_name=None),
        "G": ready_device("laptop", drives=(("hdd", 1000), ("nvme", 128))),
    }
    machines["H"] = to_repair(make_device("laptop", ram_mib=8192))  # not ready: not in stock
    db.session.commit()
    return machines


def listed(client, **args):
    response = client.get("/workshop/stock", query_string=args)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html


def tags_in(html, stock):
    return {key for key, device in stock.items() if device.asset_tag in html.split("<h2")[0]}


@pytest.fixture
def profile(db):
    found = pack_famille()
    db.session.commit()
    return found


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, "ABCDEFG"),
        ({"type": "laptop"}, "ABDEG"),
        ({"grade": "B"}, "B"),
        ({"ram": 4}, "ACDEG"),
        ({"storage": 200}, "ABCDEG"),
        ({"storage": 600}, "G"),
        ({"state": "repair"}, "H"),
        ({"type": "laptop", "ram": 8, "grade": "A"}, "ADEG"),
    ],
)
def test_filters(client, login_as, stock, args, expected):
    login_as("technician")
    assert tags_in(listed(client, **args), stock) == set(expected)


def test_profile_filter(client, login_as, stock, profile):
    login_as("technician")
    html = listed(client, profile=profile.id)
    assert tags_in(html, stock) == {"A", "G"}
    assert "Pack famille" in html


@pytest.mark.parametrize("values", [
    ProfileValues(name="8 Go", min_ram_mib=8192),
    ProfileValues(name="Portable libre", device_types=("laptop",),
                  os_names=("linux_mint", "debian")),
    ProfileValues(name="Gros disque", min_storage_gb=900),
    ProfileValues(name="SSD", storage_kinds=("ssd",)),
    ProfileValues(name="Bureautique", software=("libreoffice",)),
    ProfileValues(name="Windows + Office", os_names=("windows",),
                  software=("LibreOffice",)),
])
def test_sql_filter_agrees_with_the_pure_rules(db, stock, values):
    profile = save_profile(None, values, now=NOW)
    listed_ids = set(db.session.scalars(
        stock_query(StockFilters(state="", profile_id=profile.id))
        .with_only_columns(Device.id)))
    core = to_core_profile(profile)
    for device in stock.values():
        facts = machine_facts(device, latest_software(device.id))
        assert (device.id in listed_ids) is match_profile(core, facts).matches, device.asset_tag


def test_counts_per_type_and_state(db, stock):
    counts = counts_by_type_and_state()
    assert counts["laptop"] == {"ready": 5, "repair": 1}
    assert counts["desktop"] == {"ready": 1} and counts["monitor"] == {"ready": 1}


def test_bad_filters_never_give_a_500(client, login_as, stock):
    login_as("technician")
    html = listed(client, ram="beaucoup", storage="-", type="fusée", grade="Z", state="nowhere",
                  profile="999", page="x")
    assert tags_in(html, stock) == set()  # unknown profile: nothing matches


def test_pages_and_rows_show_profiles_and_locations(app, client, login_as, stock):
    login_as("technician")
    app.config["PAGE_SIZE"] = 3
    try:
        first = listed(client)
        second = listed(client, page=2)
    finally:
        app.config["PAGE_SIZE"] = 50
    assert "Page 1 sur 3" in first and "Page 2 sur 3" in second
    assert len(tags_in(first, stock) | tags_in(second, stock)) == 6
    html = listed(client, type="laptop", grade="A", ram=8, storage=200)
    assert "LOC-0001" in html and "Linux Mint" in html


def test_social_workers_read_the_stock_without_workshop_links(client, login_as, stock):
    login_as("social_worker")
    html = listed(client)
    assert stock["A"].asset_tag in html
    assert "LOC-0001" in html and "/workshop/locations/" not in html
