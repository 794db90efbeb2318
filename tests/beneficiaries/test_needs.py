"""A file's needs: typed on the file form, shown on the file page, and matched against the ready
stock on the waiting list and the social worker's home page."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from refurb.beneficiaries import services as beneficiaries
from refurb.beneficiaries.models import Beneficiary
from refurb.devices import services as devices
from refurb.workshop.qa import record_qa
from refurb.workshop.queries.qa import checklist_for
from refurb.workshop.software import record_software
from tests.allocations.helpers import ready_device
from tests.beneficiaries.helpers import NOW, make_file, submit
from tests.beneficiaries.test_beneficiary_views import HOUSEHOLD_FORM
from tests.factories import make_device
from tests.querycount import count_queries


def laptop_without_webcam(ram_mib=8192):
    """A laptop whose quality control found the webcam broken (not mandatory: still ready)."""
    when = NOW - timedelta(days=5)
    device = make_device("laptop", cpu="Intel Core i3", ram_mib=ram_mib)
    for target in ("diagnosis", "wiping"):
        devices.transition(device, target, actor_id=None, now=when)
    record_software(device, os_name="linux_mint", os_version="22.1", office="LibreOffice",
                    other_software="", actor_id=None, now=when)
    results = {row.check_id: (row.item.code != "webcam", 85)
               for row in checklist_for("laptop")}
    record_qa(device, results=results, grade="B", actor_id=None, now=when)
    devices.transition(device, "ready", actor_id=None, now=when)
    return device


def waiting_file(**needs):
    beneficiary = make_file(**needs)
    submit(beneficiary)
    beneficiaries.decide(beneficiary, "waiting", actor_id=None, now=NOW)
    return beneficiary


def stock():
    """Ready: 2 laptops 8 GiB with a webcam, 1 laptop 4 GiB, 1 laptop 8 GiB without webcam, 1
    desktop 16 GiB, 1 tablet; a printer that no household need counts."""
    made = {"cam": [ready_device("laptop"), ready_device("laptop")],
            "small": [ready_device("laptop", ram_mib=4096)],
            "nocam": [laptop_without_webcam()],
            "desktop": [ready_device("desktop", ram_mib=16384)],
            "tablet": [ready_device("tablet", ram_mib=2048)]}
    ready_device("printer", ram_mib=None)
    return made


def fit_cells(html: str) -> dict[str, str]:
    """Pseudonym → the waiting list's "machines that fit" cell."""
    rows = re.findall(r"<tr>\s*<td><a[^>]*><code>(BEN-\d+)</code>.*?</tr>", html, re.S)
    cells = {}
    for pseudonym in rows:
        row = re.search(rf"<code>{pseudonym}</code>.*?</tr>", html, re.S).group(0)
        cells[pseudonym] = re.findall(r'<td class="num">(.*?)</td>', row, re.S)[-1].strip()
    return cells


def test_needs_are_typed_kept_on_refusal_and_shown(db, client, login_as):
    login_as("social_worker")
    needs = {"need_kind": "laptop", "need_min_ram_gib": "4", "need_webcam": "y",
             "need_notes": "Clavier adapté (gros caractères)"}
    # Refused (no commune): what was typed, needs included, comes back.
    html = client.post("/beneficiaries/new/household",
                       data={**HOUSEHOLD_FORM, **needs, "commune": ""}).get_data(as_text=True)
    assert "Commune requise." in html
    assert re.search(r'<option selected value="laptop">|<option value="laptop" selected',
                     html)
    assert 'value="4"' in html and "Clavier adapté (gros caractères)" in html
    assert re.search(r'<input checked[^>]*name="need_webcam"', html)

    response = client.post("/beneficiaries/new/household", data={**HOUSEHOLD_FORM, **needs})
    assert response.status_code == 302
    file = db.session.scalar(select(Beneficiary))
    assert (file.need_kind, file.need_min_ram_mib, file.need_webcam) == ("laptop", 4096, True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Portable · 4 Go de mémoire au moins · webcam · Clavier adapté" in page

    # The edit form comes back with the needs; a memory beyond reason is refused in French.
    edit = client.get(f"/beneficiaries/{file.id}/edit").get_data(as_text=True)
    assert 'name="need_min_ram_gib" type="number" value="4"' in edit or 'value="4"' in edit
    refused = client.post(f"/beneficiaries/{file.id}/edit",
                          data={**HOUSEHOLD_FORM, **needs, "need_min_ram_gib": "900"})
    assert "Entre 0 et 256 Go." in refused.get_data(as_text=True)


def test_waiting_list_shows_the_ready_machines_fitting_each_file(db, client, login_as):
    login_as("social_worker")
    made = stock()
    anything = waiting_file()
    remote_school = waiting_file(need_kind="laptop", need_webcam=True,
                                 need_notes="classe à distance")
    big = waiting_file(need_min_ram_gib=8)
    tablet = waiting_file(need_kind="tablet", need_min_ram_gib=4)
    db.session.commit()

    html = client.get("/beneficiaries/waiting").get_data(as_text=True)
    cells = fit_cells(html)
    assert re.sub(r"<[^>]+>", "", cells[anything.pseudonym]) == "6"  # every computer
    assert re.sub(r"<[^>]+>", "", cells[remote_school.pseudonym]) == "3"  # not "nocam"
    assert re.sub(r"<[^>]+>", "", cells[big.pseudonym]) == "4"  # 8 GiB and more
    assert cells[tablet.pseudonym] == "0"  # the tablet has 2 GiB only
    assert "Portable · webcam · classe à distance" in html

    # The count links to exactly those machines, and reserving from there names the file.
    link = re.search(r'<a href="([^"]+)"[^>]*>3</a>', cells[remote_school.pseudonym]).group(1)
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    tags = set(re.findall(r"<code>(RF-[0-9-]+)</code>", listed))
    assert tags == {d.asset_tag for d in made["cam"] + made["small"]}
    assert f"reserve?device={made['cam'][0].id}&amp;beneficiary={remote_school.id}" in listed
    assert f'name="beneficiary" value="{remote_school.id}"' in listed


def test_waiting_list_reads_the_stock_once_whatever_the_number_of_files(db, client, login_as):
    login_as("social_worker")
    stock()
    waiting_file(need_kind="laptop")
    db.session.commit()
    client.get("/beneficiaries/waiting")
    with count_queries() as few:
        client.get("/beneficiaries/waiting")
    for kind in ("desktop", "tablet", "laptop", ""):
        waiting_file(need_kind=kind, need_webcam=bool(kind))
    db.session.commit()
    with count_queries() as many:
        html = client.get("/beneficiaries/waiting").get_data(as_text=True)
    assert len(fit_cells(html)) == 5
    assert len(many) == len(few)


def test_home_queue_line_gives_each_file_its_fitting_machines(db, client, login_as):
    login_as("social_worker")
    stock()
    remote_school = waiting_file(need_kind="laptop", need_webcam=True)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert (f"{remote_school.pseudonym} (priorité {remote_school.priority}) : 3 machine(s) "
            "prête(s) adaptée(s) à ses besoins") in page


def test_needs_are_in_the_subject_access_export_and_the_free_text_goes_with_the_purge(
        db, client, login_as):
    from refurb.beneficiaries import gdpr

    login_as("social_worker")
    file = make_file(need_kind="desktop", need_min_ram_gib=8,
                     need_notes="Clavier adapté (malvoyance)")
    db.session.commit()
    exported = client.get(f"/beneficiaries/{file.id}/export.json").get_json()
    assert exported["file"]["needs"] == {"kind": "desktop", "min_ram_mib": 8192,
                                         "webcam": False, "notes": "Clavier adapté (malvoyance)"}
    gdpr.anonymise(file, actor_id=None, now=NOW + timedelta(days=800))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Beneficiary, file.id)
    # What a machine must be stays for the statistics; what it said about the person goes.
    assert (kept.need_kind, kept.need_min_ram_mib, kept.need_notes) == ("desktop", 8192, "")


def test_reserving_for_a_file_points_to_the_machines_that_fit(db, client, login_as):
    from tests.allocations.helpers import approved_file

    login_as("social_worker")
    stock()
    family = approved_file(need_kind="laptop", need_webcam=True)
    tablet_family = approved_file(need_kind="tablet", need_min_ram_gib=4)
    db.session.commit()
    page = client.get(f"/allocations/reserve?beneficiary={family.id}").get_data(as_text=True)
    assert (f'<a href="/allocations/?fit={family.id}">3 machine(s) prête(s) adaptée(s) aux '
            f"besoins du dossier {family.pseudonym}</a>") in page
    none = client.get(f"/allocations/reserve?beneficiary={tablet_family.id}")
    assert ("Aucune machine prête n’est adaptée aux besoins du dossier "
            f"{tablet_family.pseudonym}.") in none.get_data(as_text=True)
