"""Reads never wait for a writer: a big CSV import holds its write transaction open while
20 readers open pages and 5 technicians post notes. Every reader is answered while the import
still holds its transaction; the notes wait for the lock and then go in; nobody gets an error."""

from __future__ import annotations

import io
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from refurb.database import READ, WRITE, current_intent
from refurb.devices.models import DeviceEvent
from refurb.extensions import db as _db
from refurb.intake import asset_lists as intake
from refurb.intake.models import Collection
from tests.conftest import make_app
from tests.factories import make_device, make_user
from tests.intake.helpers import HEADER, asset_rows, csv_bytes, open_collection

NOW = datetime(2026, 3, 4, 10, 0)
IMPORT_ROWS = 3000
READERS, WRITERS = 20, 5


def _signed_in(app, user_id):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def test_readers_are_answered_while_a_long_import_holds_the_write_lock(app, db, _db_location):
    collection = open_collection()
    donor_user = make_user("donor", donor_organisation_id=collection.donor_id)
    technician = make_user("technician")
    admin = make_user("admin")
    shown = make_device(collection=collection)
    noted = [make_device() for _ in range(WRITERS)]
    db.session.commit()
    collection_id, shown_id = collection.id, shown.id
    donor_id, technician_id, admin_id = donor_user.id, technician.id, admin.id
    noted_ids = [d.id for d in noted]
    events_before = db.session.scalar(select(func.count()).select_from(DeviceEvent))
    db.session.remove()

    # The web side (readers and note writers) and the importer are two apps on one database,
    # like two gunicorn workers. Note writers wait for the lock as long as the import holds it.
    web = make_app(_db_location, SQLITE_BUSY_TIMEOUT_MS=120_000)
    importer = make_app(_db_location)
    data = csv_bytes([HEADER, *asset_rows(IMPORT_ROWS)])
    holding, readers_done, committed = threading.Event(), threading.Event(), threading.Event()
    outcome: dict = {}

    def long_import():
        with importer.app_context():
            try:
                target = _db.session.get(Collection, collection_id)
                result = intake.import_file(target, io.BytesIO(data), None, actor_id=None,
                                           now=NOW, prefix="RF", filename="parc.csv")
                outcome["imported"] = result.imported
                holding.set()
                # Keep the transaction (and on SQLite the write lock) until every reader is
                # answered: a reader that needed the lock would never be.
                outcome["held_until_readers_done"] = readers_done.wait(timeout=120)
                _db.session.commit()
            except Exception as error:  # reported by the assertions below
                outcome["error"] = error
                holding.set()
            finally:
                committed.set()
                _db.session.remove()

    pages = [(donor_id, "/portal/"), (technician_id, "/devices"),
             (technician_id, f"/devices/{shown_id}"), (admin_id, f"/collections/{collection_id}")]
    answers: list[tuple[str, int, bool]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(READERS + WRITERS)

    def reader(index):
        user, url = pages[index % len(pages)]
        client = _signed_in(web, user)
        start.wait()
        try:
            status = client.get(url).status_code
            answers.append((url, status, not committed.is_set()))
        except BaseException as error:
            errors.append(error)

    def writer(index):
        client = _signed_in(web, technician_id)
        start.wait()
        try:
            response = client.post(f"/devices/{noted_ids[index]}/note",
                                   data={"note": f"Charnière {index} resserrée"})
            answers.append(("note", response.status_code, False))
        except BaseException as error:
            errors.append(error)

    importing = threading.Thread(target=long_import)
    importing.start()
    holding.wait(timeout=120)
    assert "error" not in outcome, outcome.get("error")
    readers = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    writers = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in readers + writers:
        thread.start()
    for thread in readers:
        thread.join(timeout=120)
    readers_done.set()
    for thread in writers:
        thread.join(timeout=180)
    importing.join(timeout=180)

    assert errors == []
    assert "error" not in outcome, outcome.get("error")
    assert outcome["imported"] == IMPORT_ROWS and outcome["held_until_readers_done"]
    page_answers = [a for a in answers if a[0] != "note"]
    assert len(page_answers) == READERS
    assert all(status == 200 for _, status, _ in page_answers), page_answers
    assert all(before_commit for *_, before_commit in page_answers), page_answers
    notes = [status for url, status, _ in answers if url == "note"]
    assert notes == [302] * WRITERS
    with web.app_context():
        events = _db.session.scalar(select(func.count()).select_from(DeviceEvent))
        noted_events = _db.session.scalar(select(func.count()).select_from(DeviceEvent).where(
            DeviceEvent.kind == "note", DeviceEvent.device_id.in_(noted_ids)))
    assert noted_events == WRITERS
    assert events == events_before + IMPORT_ROWS + WRITERS


@pytest.mark.parametrize(("method", "url", "intent"), [
    ("GET", "/devices", READ),
    ("HEAD", "/portal/", READ),
    ("POST", "/devices/1/note", WRITE),
    ("GET", "/beneficiaries/1", WRITE),  # writes its access-log row
    ("GET", "/allocations/", WRITE),  # expires stale reservations as it loads
])
def test_the_transaction_mode_follows_the_request(app, db, method, url, intent):
    with app.test_request_context(url, method=method):
        app.preprocess_request()
        assert current_intent() == intent
