"""The device page costs a fixed number of SQL statements, whatever a machine holds (drives,
history, work orders), and reads the workshop's configuration (QA checklist, build profiles,
settings) once per change, not once per page; a change is seen at the next request."""

from sqlalchemy import select, update

from refurb.devices import services as devices
from refurb.workshop.models import BuildProfile, QACheck
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.software import record_software
from refurb.workshop.work_orders import SparePartUse, record_work_order
from tests.factories import NOW, make_device
from tests.querycount import count_queries
from tests.wiping.helpers import make_drive, save_identity, wipe
from tests.workshop.helpers import make_part, pack_famille, pass_qa, to_repair

# A machine in repair, read by a technician: user and workshops (2), device with its drives (1),
# what the next steps need (erasures, QA results: 2), history (1), workshop panel (latest
# records, QA results, work orders and their parts: 4), erasure panel (records, whether drives
# were removed or documents issued: 2), after-sales panel (holder, whether it has requests: 1).
# The first page a worker shows also reads the configuration (QA checklist, build profiles,
# settings).
DEVICE_PAGE = 13
CONFIGURATION = ("FROM qa_checks JOIN qa_check_rules", "FROM build_profiles", "FROM settings")


def _machine(technician, *, drives: int, notes: int, work_orders: int):
    """A machine in repair with something in every panel."""
    device = to_repair(make_device("laptop"))
    record_software(device, os_name="linux_mint", office="LibreOffice", actor_id=None, now=NOW)
    for _ in range(drives):
        wipe(make_drive(device, kind="ssd"))
    part = make_part(f"DDR4 SO-DIMM 8 Go n°{device.id}", quantity=work_orders)
    for k in range(work_orders):
        record_work_order(device, actions=f"Travaux {k} sur {device.id}", minutes=10,
                          technician_id=technician.id, parts=[SparePartUse(part.id, 1)],
                          actor_id=technician.id, now=NOW)
    pass_qa(device)
    for k in range(notes):
        devices.record_event(device, "note", actor_id=technician.id, now=NOW,
                             reason=f"Note {k} sur {device.id}")
    return device


def _page(client, db, device_id: int) -> tuple[str, list[str]]:
    # The test client shares the test's session: empty it, the page loads what it shows.
    db.session.close()
    with count_queries() as statements:
        response = client.get(f"/devices/{device_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def test_the_statements_do_not_grow_with_drives_history_or_work_orders(client, db, login_as):
    technician = login_as("technician")
    pack_famille()
    small = _machine(technician, drives=1, notes=1, work_orders=1).id
    big = _machine(technician, drives=9, notes=60, work_orders=6).id
    db.session.commit()

    html, _ = _page(client, db, small)
    assert f"Travaux 0 sur {small}" in html and f"Note 0 sur {small}" in html
    html, statements = _page(client, db, big)
    assert f"Travaux 5 sur {big}" in html and f"Note 59 sur {big}" in html
    assert html.count("En règle") == 9  # every drive and its erasure
    assert "Pack famille" in html and "Contrôles obligatoires validés" in html
    assert len(statements) == DEVICE_PAGE, "\n".join(statements)
    html, statements = _page(client, db, small)
    assert len(statements) == DEVICE_PAGE, "\n".join(statements)
    assert not [s for s in statements if any(c in s for c in CONFIGURATION)]


def test_a_change_of_configuration_shows_at_the_next_request(client, db, login_as):
    technician = login_as("technician")
    profile_id = pack_famille().id
    device = _machine(technician, drives=1, notes=0, work_orders=0).id
    db.session.commit()
    html, _ = _page(client, db, device)
    assert "Pack famille" in html and "Clavier (toutes les touches)" in html
    assert "Émettre un relevé provisoire" not in html  # the identity is missing

    # Each change is committed by another unit of work, as another worker would.
    save_profile(db.session.get(BuildProfile, profile_id), ProfileValues(
        name="Pack école", device_types=("laptop",), min_ram_mib=None, min_storage_gb=None,
        storage_kinds=(), os_names=("linux_mint",), software=()), now=NOW)
    db.session.commit()
    assert "Pack école" in _page(client, db, device)[0]

    check = db.session.scalar(select(QACheck).where(QACheck.name == "Clavier (toutes les touches)"))
    check.name, check_id = "Clavier complet", check.id
    db.session.commit()
    assert "Clavier complet" in _page(client, db, device)[0]

    db.session.execute(update(QACheck).where(QACheck.id == check_id)
                       .values(name="Clavier et pavé"))
    db.session.execute(update(BuildProfile).where(BuildProfile.id == profile_id)
                       .values(name="Pack collège"))
    db.session.commit()
    html, _ = _page(client, db, device)
    assert "Clavier et pavé" in html and "Pack collège" in html

    save_identity()
    db.session.commit()
    assert "Émettre un relevé provisoire" in _page(client, db, device)[0]


def test_drives_not_yet_erased_cost_no_statement_for_their_records(client, db, login_as):
    # Much of a stock waits for erasure: the erasure panel then reads no records at all.
    technician = login_as("technician")
    pack_famille()
    waiting = to_repair(make_device("laptop"))
    make_drive(waiting, kind="ssd")
    make_drive(waiting, kind="hdd")
    erased = _machine(technician, drives=1, notes=1, work_orders=1).id
    waiting_id = waiting.id
    db.session.commit()

    html, statements = _page(client, db, waiting_id)
    assert html.count("Bloquant") == 2  # each drive still shown, still blocking
    # The lifecycle guard reads the records it needs; the panel reads no records with people.
    assert not [s for s in statements if "FROM wipe_records" in s and "users" in s]
    assert len(statements) < DEVICE_PAGE
    html, statements = _page(client, db, erased)
    assert "En règle" in html and len(statements) == DEVICE_PAGE
