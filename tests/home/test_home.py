"""The home page at `/`: each role sees what waits for it, each count opens the list of exactly
those items, and the page reads the database a fixed number of times whatever it counts."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from flask import current_app

from refurb.allocations import handover, reservations
from refurb.beneficiaries import services as beneficiaries
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.documents.pdf import workshop_letterhead
from refurb.network import transfers
from refurb.reports import annual
from refurb.settings import services as settings
from refurb.wiping import certificates, records
from refurb.workshop.part_needs import record_part_need
from refurb.workshops.context import use_workshop
from tests.allocations.helpers import WORKSHOP, approved_file, loan_values, ready_device
from tests.beneficiaries.helpers import NOW, make_file, set_policy, submit
from tests.factories import make_collection, make_device, make_user
from tests.network.helpers import make_workshop, stock
from tests.querycount import count_queries
from tests.wiping.helpers import device_in_wiping, make_drive, save_identity, wipe
from tests.workshop.helpers import make_part

TODAY = NOW + timedelta(days=12)  # 14 March 2026: reservations of 2 March end on the 16th


@pytest.fixture
def clock(monkeypatch):
    from refurb import web

    monkeypatch.setattr(web, "utcnow", lambda: TODAY)


def counts(html: str) -> dict[str, int]:
    return {key: int(n) for key, n in re.findall(
        r'data-queue="([a-z_]+)">\s*<a href="[^"]*"><strong class="home-count" data-count>(\d+)',
        html)}


def links(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-queue="([a-z_]+)">\s*<a href="([^"]*)"', html))


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_donor_following_the_header_link_lands_on_the_portal(client, db, login_as):
    login_as("donor")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/portal/")
    assert client.get(response.location).status_code == 200


def test_signing_in_opens_the_home_and_the_state_table_stays_reachable(client, db, login_as):
    login_as("technician")
    make_device()
    page = home(client)
    assert 'href="/devices/dashboard"' in page
    table = client.get("/devices/dashboard").get_data(as_text=True)
    assert "Appareils par état" in table and 'href="/devices?state=received"' in table


def waiting_for_parts_scene():
    """Two machines in diagnosis waiting for a part: one in stock, one described."""
    screen, ram = make_device(), make_device()
    for device in (screen, ram):
        devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
    record_part_need(screen, part_id=None, category="screen", description="Dalle 15,6",
                     quantity=1, ordered_on=None, actor_id=None, now=NOW)
    part = make_part(f"DDR3 {ram.asset_tag}", quantity=1)
    record_part_need(ram, part_id=part.id, category=None, description="", quantity=1,
                     ordered_on=None, actor_id=None, now=NOW)
    return screen, ram


def technician_scene(me, colleague):
    make_device()
    make_device()
    waiting_for_parts_scene()
    host = device_in_wiping()
    untouched = make_drive(host)
    validated_by_nobody = make_drive(host)
    wipe(validated_by_nobody, operator_id=colleague.id)  # the reader may validate it
    own = make_drive(device_in_wiping())
    wipe(own, operator_id=me.id)  # the reader ran it: someone else validates
    return untouched, validated_by_nobody, own


def test_technician_queues_count_and_link_to_their_items(client, db, login_as):
    me = login_as("technician")
    colleague = make_user("technician")
    untouched, awaiting, own = technician_scene(me, colleague)
    db.session.commit()

    page = home(client)
    assert list(counts(page)) == ["received", "drives_to_wipe", "wipes_to_validate",
                                  "qa_pending", "waiting_for_parts", "weee_open"]
    assert counts(page) == {"received": 2, "drives_to_wipe": 1, "wipes_to_validate": 1,
                            "qa_pending": 0, "waiting_for_parts": 2, "weee_open": 0}
    targets = links(page)
    drives = client.get(targets["drives_to_wipe"]).get_data(as_text=True)
    assert untouched.serial in drives
    assert awaiting.serial not in drives and own.serial not in drives
    records = client.get(targets["wipes_to_validate"]).get_data(as_text=True)
    assert awaiting.serial in records and own.serial not in records
    received = client.get(targets["received"]).get_data(as_text=True)
    assert received.count('href="/devices/') - received.count('href="/devices/dashboard"') >= 2
    waiting = client.get(targets["waiting_for_parts"]).get_data(as_text=True)
    assert waiting.count("data-device=") == 2 and "Dalle 15,6" in waiting
    assert "pièce disponible" in waiting  # the DDR3 awaited is in stock


def test_technician_home_reads_a_fixed_number_of_times(client, db, login_as):
    me = login_as("technician")
    colleague = make_user("technician")
    technician_scene(me, colleague)
    db.session.commit()
    home(client)
    with count_queries() as few:
        home(client)
    for _ in range(4):
        technician_scene(me, colleague)
    db.session.commit()
    with count_queries() as many:
        page = home(client)
    assert counts(page)["wipes_to_validate"] == 5
    assert counts(page)["waiting_for_parts"] == 10
    assert len(many) == len(few) <= 12
    # Both lines of machines by state read the stock tallies, once for the page.
    assert sum("FROM device_tallies" in s for s in many) == 1


def social_scene(worker, colleague):
    """Two reservations (one ending within the warning days), a loan overdue, a draft, a file
    the reader submitted and one a colleague submitted, a file on the waiting list."""
    set_policy(min_training_sessions=0)
    soon_file, later_file = approved_file(), approved_file()
    soon = reservations.reserve(soon_file, [ready_device()], actor_id=None, now=NOW)
    later = reservations.reserve(later_file, [ready_device()], actor_id=None,
                                 now=NOW + timedelta(days=10))
    borrower = approved_file()
    loan = reservations.reserve(borrower, [ready_device()], actor_id=None, now=NOW)
    handover.hand_over(loan, loan_values(date(2026, 3, 10)), actor_id=None,
                       now=NOW + timedelta(days=1), workshop=WORKSHOP,
                       signed_for_workshop="Camille Travailleuse")
    waiting = make_file()
    submit(waiting)
    beneficiaries.decide(waiting, "waiting", actor_id=None, now=NOW)
    make_file(actor_id=worker.id)
    submit(make_file(actor_id=worker.id), actor_id=worker.id)
    theirs = make_file(actor_id=colleague.id, last_name="Collègue")
    submit(theirs, actor_id=colleague.id)
    set_policy(four_eyes=True, min_training_sessions=2)
    return (soon, soon_file.pseudonym), (later, later_file.pseudonym), theirs


def test_social_worker_queues(client, db, login_as, clock):
    worker = login_as("social_worker")
    colleague = make_user("social_worker")
    (soon, soon_file), (later, later_file), theirs = social_scene(worker, colleague)
    db.session.commit()

    page = home(client)
    assert counts(page) == {"files_incomplete": 1, "files_to_decide": 1, "waiting_list": 1,
                            "reservations_expiring": 1, "handover_training": 2,
                            "loans_due": 1, "followups_due": 0}
    # Preview rows: the reservation about to end and what each handover still needs.
    assert f"Réservation n° {soon.id} ({soon_file}) : jusqu’au" in page
    assert f"Réservation n° {later.id} ({later_file}) : 0 séance(s) sur 2" \
        in page
    targets = links(page)
    to_decide = client.get(targets["files_to_decide"]).get_data(as_text=True)
    assert theirs.pseudonym in to_decide and "1 dossier(s)" in to_decide
    expiring = client.get(targets["reservations_expiring"]).get_data(as_text=True)
    assert f"n° {soon.id}<" in expiring and f"n° {later.id}<" not in expiring
    training = client.get(targets["handover_training"]).get_data(as_text=True)
    assert f"n° {soon.id}<" in training and f"n° {later.id}<" in training

    # The warning delay is a setting: a week catches both reservations.
    settings.set_value(reservations.EXPIRY_WARNING_DAYS, "14", actor_id=None, now=NOW)
    db.session.commit()
    assert counts(home(client))["reservations_expiring"] == 2


def test_social_worker_home_reads_a_fixed_number_of_times(client, db, login_as, clock):
    worker = login_as("social_worker")
    colleague = make_user("social_worker")
    social_scene(worker, colleague)
    db.session.commit()
    home(client)
    with count_queries() as few:
        home(client)
    set_policy(four_eyes=False, min_training_sessions=2)  # approve the new files ourselves
    for _ in range(3):
        reservations.reserve(approved_file(), [ready_device()], actor_id=None, now=NOW)
    db.session.commit()
    with count_queries() as many:
        page = home(client)
    assert counts(page)["reservations_expiring"] == 4
    assert len(many) == len(few) <= 17  # one query per queue: 7 queues


def test_admin_queues(client, db, login_as):
    login_as("admin")
    collection = make_collection()
    make_device(collection=collection)
    db.session.commit()
    page = home(client)
    assert list(counts(page)) == ["wipes_to_validate", "files_to_decide", "receipts_to_issue",
                                  "certificates_to_issue", "annual_report_due",
                                  "transfers_to_receive", "identity_gaps"]
    assert counts(page)["receipts_to_issue"] == 1
    assert counts(page)["identity_gaps"] > 0 and "Code postal" in page
    listed = client.get(links(page)["receipts_to_issue"]).get_data(as_text=True)
    assert collection.number in listed

    save_identity()
    db.session.commit()
    with count_queries() as statements:
        page = home(client)
    assert counts(page)["identity_gaps"] == 0
    assert len(statements) <= 14
    assert client.post(f"/collections/{collection.id}/receipt",
                       data={"confirm": "1"}).status_code == 302
    assert counts(home(client))["receipts_to_issue"] == 0


def test_home_in_english(client, db, login_as):
    login_as("technician")
    client.post("/language", data={"locale": "en"})
    assert "received" in counts(home(client))


_workshops = itertools.count(1)


def documents_scene(n: int = 1):
    """`n` collections whose drives are all validated, a device event last year, `n` transfer
    notes sent to this workshop by another one."""
    validator = make_user("admin")
    collections = []
    for _ in range(n):
        collection = make_collection()
        record = wipe(make_drive(make_device(collection=collection)))
        records.validate_record(record, actor_id=validator.id, now=NOW)
        collections.append(collection)
    make_device(now=NOW.replace(year=NOW.year - 1))
    k = next(_workshops)
    sender = make_workshop(f"LI{k}", f"Atelier de Lille {k}", f"L{k}")
    with use_workshop(sender.id):
        notes = [transfers.sign_out([device.asset_tag], 1, note="", actor_id=None, now=NOW)
                 for device in stock(sender, n)]
    return collections, notes


def test_admin_documents_to_issue(client, db, login_as, clock):
    login_as("admin")
    save_identity()
    (collection,), (note,) = documents_scene()
    db.session.commit()
    page = home(client)
    assert {key: counts(page)[key] for key in ("certificates_to_issue", "annual_report_due",
                                               "transfers_to_receive")} == {
        "certificates_to_issue": 1, "annual_report_due": 1, "transfers_to_receive": 1}
    targets = links(page)
    due = client.get(targets["certificates_to_issue"]).get_data(as_text=True)
    assert f'href="/wiping/collections/{collection.id}"' in due
    report = client.get(targets["annual_report_due"]).get_data(as_text=True)
    assert f'value="{NOW.year - 1}"' in report
    incoming = client.get(targets["transfers_to_receive"]).get_data(as_text=True)
    assert note.number in incoming

    certificates.issue_collection_certificate(collection, issuer=certificates.current_issuer(),
                                              actor_id=None, now=TODAY)
    annual.issue_annual_report(NOW.year - 1, workshop=workshop_letterhead(current_app.config),
                               actor_id=None, now=TODAY)
    db.session.commit()
    assert client.post(f"/network/transfers/{note.id}/receive").status_code == 302
    page = home(client)
    assert counts(page)["certificates_to_issue"] == 0
    assert counts(page)["annual_report_due"] == 0
    assert counts(page)["transfers_to_receive"] == 0


def test_admin_home_reads_a_fixed_number_of_times(client, db, login_as, clock):
    login_as("admin")
    save_identity()
    documents_scene()
    db.session.commit()
    home(client)
    with count_queries() as few:
        home(client)
    documents_scene(3)
    db.session.commit()
    with count_queries() as many:
        page = home(client)
    assert counts(page)["certificates_to_issue"] == 4
    assert counts(page)["transfers_to_receive"] == 4
    assert len(many) == len(few)
