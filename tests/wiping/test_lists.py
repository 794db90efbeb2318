"""List pages: a bounded number of queries whatever the number of rows (no N+1)."""

import pytest

from refurb.wiping import drives, log_import, records
from tests.factories import NOW, make_device, make_user
from tests.nwipe_synthetic import make_synthetic_log
from tests.querycount import count_queries
from tests.wiping.helpers import make_drive, wipe


def seed(n: int):
    validator = make_user("admin")
    for i in range(n):
        operator = make_user("technician")
        device = make_device()
        drive = make_drive(device, kind=("hdd", "ssd")[i % 2])
        record = wipe(drive, operator_id=operator.id)
        if i % 2:
            records.validate_record(record, actor_id=validator.id, now=NOW)
        if i % 3 == 0:
            drives.remove_drive(make_drive(device), prefix="RF", destination="", actor_id=None,
                                now=NOW)
        log_import.import_nwipe_log(f"log{i}.txt", make_synthetic_log(2, seed=i).encode(),
                                    actor_id=operator.id, now=NOW)


@pytest.mark.parametrize("url", ["/wiping/records", "/wiping/drives", "/wiping/logs",
                                 "/wiping/drives?where=removed", "/wiping/records?result=passed"])
def test_list_pages_do_a_bounded_number_of_queries(client, login_as, db, url):
    login_as("technician")
    seed(3)
    db.session.commit()
    with count_queries() as few:
        assert client.get(url).status_code == 200
    seed(12)
    db.session.commit()
    with count_queries() as many:
        page = client.get(url)
        assert page.status_code == 200
    assert len(many) == len(few), many
    assert len(many) <= 8, many


def test_device_page_with_many_drives_stays_bounded(client, login_as, db):
    login_as("technician")
    device = make_device()
    for _ in range(2):
        wipe(make_drive(device))
    db.session.commit()
    client.get(f"/devices/{device.id}")  # the first page of a process reads the configuration
    with count_queries() as few:
        client.get(f"/devices/{device.id}")
    for _ in range(10):
        wipe(make_drive(device))
    db.session.commit()
    with count_queries() as many:
        client.get(f"/devices/{device.id}")
    assert len(many) == len(few)
