"""Every workshop list page does the same number of queries with 3 rows as with 30."""

import pytest

from refurb.workshop.locations import move_device
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.qa import CheckSettings, create_check, save_checklist
from refurb.workshop.spare_parts import receive_spare_parts
from refurb.workshop.work_orders import SparePartUse, record_work_order
from tests.factories import NOW, make_device
from tests.querycount import count_queries
from tests.workshop.helpers import make_location, make_part, ready_device, to_repair


def queries_for(client, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def same_count(client, db, url, add_rows):
    add_rows(3)
    db.session.commit()
    few = queries_for(client, url())
    add_rows(27)
    db.session.commit()
    many = queries_for(client, url())
    assert few == many, f"{url()}: {few} queries with 3 rows, {many} with 30"


@pytest.fixture
def tech(login_as):
    return login_as("technician")


def test_stock(client, db, tech):
    shelf = make_location()

    def add(n):
        for i in range(n):
            ready_device("laptop" if i % 2 else "desktop", location=shelf if i % 3 else None,
                         grade="AB"[i % 2])

    same_count(client, db, lambda: "/workshop/stock?type=&ram=2&storage=100", add)


def test_stock_filtered_by_profile(client, db, tech):
    profile = save_profile(None, ProfileValues(
        name="Test", min_ram_mib=1024, storage_kinds=("ssd",), os_names=("linux_mint",),
        software=("LibreOffice",)), now=NOW)
    same_count(client, db, lambda: f"/workshop/stock?profile={profile.id}",
               lambda n: [ready_device() for _ in range(n)])


def test_parts(client, db, tech):
    def add(n):
        for _ in range(n):
            make_part(f"Pièce {add.count}", quantity=2)
            add.count += 1
    add.count = 0
    same_count(client, db, lambda: "/workshop/parts", add)


def test_part_ledger(client, db, tech):
    part = make_part("Batterie", "battery")

    def add(n):
        for _ in range(n):
            device = make_device()
            receive_spare_parts(part, 1, actor_id=tech.id, now=NOW)
            record_work_order(to_repair(device), actions="Batterie", minutes=5,
                              technician_id=tech.id,
                              parts=[SparePartUse(part.id, 1)],
                              actor_id=tech.id, now=NOW)
    same_count(client, db, lambda: f"/workshop/parts/{part.id}", add)


def test_locations(client, db, tech):
    def add(n):
        for i in range(n):
            location = make_location(f"Étagère {i}")
            move_device(make_device(), location, actor_id=None, now=NOW)
    same_count(client, db, lambda: "/workshop/locations", add)


def test_location_page(client, db, tech):
    location = make_location()
    same_count(client, db, lambda: f"/workshop/locations/{location.id}",
               lambda n: [ready_device(location=location) for _ in range(n)])


def test_profiles(client, db, tech):
    def add(n):
        for _ in range(n):
            save_profile(None, ProfileValues(name=f"Profil {add.count}"),
                         now=NOW)
            add.count += 1
    add.count = 0
    same_count(client, db, lambda: "/workshop/profiles", add)


def test_batch_page(client, db, tech):
    response = client.post("/workshop/batch", data={"action": "apply_transition",
                                                    "parameter": "diagnosis"})
    url = response.headers["Location"]

    def add(n):
        tags = [make_device().asset_tag for _ in range(n)]
        db.session.commit()
        client.post(f"{url}/scan", data={"codes": "\n".join(tags + ["RF-2026-999999"])})
    same_count(client, db, lambda: url, add)


def test_device_workshop_page(client, db, tech):
    device = to_repair(make_device())
    part = make_part(quantity=100)

    def add(n):
        for _ in range(n):
            record_work_order(device, actions="Nettoyage", minutes=10,
                              technician_id=tech.id,
                              parts=[SparePartUse(part.id, 1)],
                              actor_id=tech.id, now=NOW)
    same_count(client, db, lambda: f"/workshop/devices/{device.id}", add)


def test_checklist_admin(client, db, login_as):
    login_as("admin")

    def add(n):
        for i in range(n):
            check = create_check(f"Contrôle {add.count} {i}", "pass_fail")
            save_checklist({check.id: CheckSettings(
                name=check.name, minimum=None, active=True, rules={"laptop": "mandatory"})})
        add.count += 1
    add.count = 0
    same_count(client, db, lambda: "/workshop/qa/checklist", add)
