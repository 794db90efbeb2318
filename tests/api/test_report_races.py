"""Reports of one machine sent at the same moment to several workers: the hardware report
reads and builds everything before its write transaction, so the one-serial-per-donor rule is
checked again inside it, where no other report can come between the check and the insert."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from refurb.devices.models import Device, DeviceEvent, Drive
from tests.conftest import make_app
from tests.intake.helpers import FIXTURES, open_collection

COPIES = 4


def _reports(serial: str = "--") -> list[str]:
    """A laptop's dmidecode (its own serial, or none as the fixture has) and a drive."""
    dmidecode = FIXTURES.joinpath(
        "dmidecode", "Notebook-Lenovo-ThinkPad_T480_20L6S52C0L.txt").read_text(encoding="utf-8")
    system = "Version: ThinkPad T480\n\tSerial Number: "
    assert system + "--" in dmidecode
    return [dmidecode.replace(system + "--", system + serial, 1),
            FIXTURES.joinpath("smartctl_json", "ata-ssd-Crucial_MX500-passed.json")
            .read_text(encoding="utf-8")]


def _send_at_once(location: dict, url: str, secret: str, body: dict, *, same_key: bool = False
                  ) -> list:
    workers = [make_app(location).test_client() for _ in range(COPIES)]
    start = threading.Barrier(COPIES)
    answers: list = [None] * COPIES

    def send(index: int) -> None:
        start.wait()
        answers[index] = workers[index].post(url, json=body, headers={
            "Authorization": f"Bearer {secret}", "Accept-Language": "fr",
            "Idempotency-Key": "one-upload" if same_key else f"copy-{index}"})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_the_same_machine_reported_by_several_workers_at_once_is_registered_once(
        db, _db_location, token):
    url = f"/api/v1/collections/{open_collection().id}/hardware-reports"
    secret = token("technician", "station")  # commits
    body = {"reports": _reports("PF1BRACE01")}

    db.session.rollback()  # the test's own session holds no transaction meanwhile
    answers = _send_at_once(_db_location, url, secret, body)

    assert sorted(a.status_code for a in answers) == [201] + [400] * (COPIES - 1)
    [made] = [a.get_json() for a in answers if a.status_code == 201]
    tag, serial = made["device"]["asset_tag"], made["device"]["serial"]
    assert serial == "PF1BRACE01"
    for refused in (a.get_json() for a in answers if a.status_code == 400):
        assert refused["detail"] == (f"N° de série {serial} déjà enregistré pour ce "
                                     f"donateur : {tag}.")
    db.session.rollback()
    # The refused copies left nothing behind: no device, no drive, no event.
    assert db.session.scalar(select(func.count()).select_from(Device)) == 1
    assert db.session.scalar(select(func.count()).select_from(Drive)) == 1
    assert db.session.scalar(select(func.count()).select_from(DeviceEvent)) == 1
    # A copy sent later is refused the same way.
    db.session.rollback()
    again = make_app(_db_location).test_client().post(url, json=body, headers={
        "Authorization": f"Bearer {secret}", "Idempotency-Key": "later"})
    assert again.status_code == 400


def test_different_machines_reported_at_once_all_get_their_own_tag(db, _db_location,
                                                                  token):
    url = f"/api/v1/collections/{open_collection().id}/hardware-reports"
    secret = token("technician", "station")  # commits
    # No serial in the report (dmidecode says "--"): nothing to refuse, four devices.
    body = {"reports": _reports()}

    db.session.rollback()  # the test's own session holds no transaction meanwhile
    answers = _send_at_once(_db_location, url, secret, body)

    assert [a.status_code for a in answers] == [201] * COPIES
    tags = {a.get_json()["device"]["asset_tag"] for a in answers}
    ids = {a.get_json()["device"]["id"] for a in answers}
    assert len(tags) == len(ids) == COPIES
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Device)) == COPIES


def test_copies_of_one_upload_sent_at_once_all_get_its_answer(db, _db_location, token):
    """A station that retried an upload it thought lost, while the first copy was still on
    its way: every copy gets the answer of the one that registered the machine."""
    url = f"/api/v1/collections/{open_collection().id}/hardware-reports"
    secret = token("technician", "station")  # commits
    db.session.rollback()

    answers = _send_at_once(_db_location, url, secret, {"reports": _reports("PF1BRETRY1")},
                            same_key=True)

    assert [a.status_code for a in answers] == [201] * COPIES
    assert len({a.get_data() for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == (
        [""] + ["true"] * (COPIES - 1))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Device)) == 1
