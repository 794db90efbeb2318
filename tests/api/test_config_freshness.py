"""A workshop's configuration read by the API is the one its admins set: a change made through
this worker is used by the very next report; one made by another worker (the stamp it renewed
is all this worker sees of it) once the second a report may reuse a stamp has passed."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from refurb.settings import services as settings
from refurb.workshops import config_cache
from tests.conftest import make_app
from tests.factories import NOW
from tests.intake.helpers import FIXTURES, open_collection

DRIVES = ("ata-ssd-Crucial_MX500-passed.json", "nvme-WDC_PC_SN520-passed.json",
          "ata-hdd-WDC_WD5000AAKX-FAILED.json")


def _report(worker, secret: str, collection: int, drive: str) -> Decimal:
    """The estimated weight of the laptop a bench report (one drive) registers, sent to
    another app (its own sessions: no workshop row of this test's in their identity map)."""
    body = {"reports": [FIXTURES.joinpath("smartctl_json", drive).read_text(encoding="utf-8")],
            "device_type": "laptop"}
    url = f"/api/v1/collections/{collection}/hardware-reports"
    answers = []
    # From another thread, as a request of another worker: its own database session.
    sender = threading.Thread(target=lambda: answers.append(worker.post(
        url, json=body,
        headers={"Authorization": f"Bearer {secret}"})))
    sender.start()
    sender.join(timeout=60)
    made = answers[0]
    assert made.status_code == 201, made.get_json()
    return Decimal(str(made.get_json()["device"]["weight_kg"]))


def test_a_setting_changed_in_this_worker_is_used_by_the_next_report(db, _db_location, token):
    collection = open_collection().id  # read before the commit: no transaction left open
    db.session.commit()
    secret = token("technician", "station")
    server = make_app(_db_location).test_client()
    before = _report(server, secret, collection, DRIVES[0])

    settings.set_value("weight.laptop", "3,7", actor_id=None, now=NOW)
    db.session.commit()
    assert before != Decimal("3.7")
    assert _report(server, secret, collection, DRIVES[1]) == Decimal("3.7")


def test_a_setting_changed_by_another_worker_is_used_once_the_second_has_passed(
        db, _db_location, token, monkeypatch):
    collection = open_collection().id  # read before the commit: no transaction left open
    db.session.commit()
    secret = token("technician", "station")
    server = make_app(_db_location).test_client()
    before = _report(server, secret, collection, DRIVES[0])
    assert before != Decimal("3.7")

    remembered = dict(config_cache._RECENT)  # the stamps this worker read with that report
    assert remembered
    settings.set_value("weight.laptop", "3,7", actor_id=None, now=NOW)
    db.session.commit()
    # As if the change had been made by another worker: this one still remembers the old
    # stamp, read just now.
    config_cache._RECENT.update({w: (stamp, time.monotonic())
                                 for w, (stamp, _) in remembered.items()})
    later = time.monotonic() + 1.5
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: later)
    assert _report(server, secret, collection, DRIVES[1]) == Decimal("3.7")
