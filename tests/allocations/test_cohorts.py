"""Cohorts, pack templates and the distribution day, through the pages as a social worker
uses them: a ten-member class gets its packs by scanning machines in turn."""

import html as htmlmod

import pytest
from sqlalchemy import func, select

from refurb.allocations.models import Allocation, Cohort, CohortMember, PackTemplate
from refurb.documents.models import IssuedDocument
from refurb.training import enrolments
from tests.access import assert_only, status_for_roles
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import NOW

SOCIAL = {"admin", "social_worker"}


def _text(response) -> str:
    return htmlmod.unescape(response.get_data(as_text=True))


def _pack(client, name="Pack élève CE2", types=("laptop",), accessories="1 Souris\n1 Sacoche"):
    response = client.post("/allocations/packs", data={
        "name": name, "device_types": list(types), "accessories": accessories})
    assert response.status_code == 302, _text(response)
    return name


def _cohort(client, db, pack_name, **changes):
    pack = db.session.scalar(select(PackTemplate).where(PackTemplate.name == pack_name))
    data = {"kind": "school_class", "name": "CE2 École Jean Macé 2026",
            "starts_on": "2026-03-01", "ends_on": "2026-06-30", "uai": "0250001R",
            "school_name": "École Jean Macé", "pack_template_id": pack.id, "mode": "gift",
            "school_programme_id": 0, "fee_amount": "0", "fee_method": "",
            "training_programme_id": 0, **changes}
    response = client.post("/allocations/cohorts/new", data=data)
    assert response.status_code == 302, _text(response)
    return db.session.scalar(select(Cohort).where(Cohort.name == data["name"]))


def _agreements(db, allocation_id):
    return db.session.scalar(select(func.count()).select_from(IssuedDocument).where(
        IssuedDocument.subject == f"allocation:{allocation_id}"))


@pytest.mark.usefixtures("no_training", "clock")
def test_distribution_day_of_a_ten_member_cohort(db, client, login_as):
    login_as("social_worker")
    families = [approved_file(last_name=f"Famille{i}") for i in range(10)]
    laptops = [ready_device() for _ in range(10)]
    printer = ready_device("printer")
    db.session.commit()
    cohort = _cohort(client, db, _pack(client))
    url = f"/allocations/cohorts/{cohort.id}"

    # All or nothing: one unknown number and nobody is added.
    pseudonyms = "\n".join(f.pseudonym for f in families)
    refused = client.post(f"{url}/members", data={"pseudonyms": pseudonyms + "\nBEN-9999"})
    assert refused.status_code == 400
    assert "BEN-9999" in _text(refused) and "Aucun dossier n'a été ajouté" in _text(refused)
    assert pseudonyms in _text(refused)  # what was typed is kept
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    assert client.post(f"{url}/members", data={"pseudonyms": pseudonyms}).status_code == 302

    day = client.get(f"{url}/distribution")
    assert "Machines : 0 / 10" in _text(day) and "1 × Sacoche" in _text(day)

    # A wrong type is refused with a clear message and changes nothing.
    wrong = client.post(f"{url}/distribution", data={"tag": printer.asset_tag})
    assert wrong.status_code == 400
    assert "Machine refusée : c'est un appareil de type « Imprimante », le membre suivant " \
           "attend : Ordinateur portable." in _text(wrong)
    db.session.expire_all()
    assert printer.state == "ready"

    for index, laptop in enumerate(laptops, start=1):
        response = client.post(f"{url}/distribution", data={"tag": laptop.asset_tag})
        assert response.status_code == 302
        page = _text(client.get(response.headers["Location"]))
        assert f"Machines : {index} / 10" in page
        assert f"{laptop.asset_tag} → {families[index - 1].pseudonym}" in page

    # Scanning a machine again: said plainly, nothing changes.
    again = client.post(f"{url}/distribution", data={"tag": laptops[3].asset_tag})
    assert again.status_code == 400
    assert f"{laptops[3].asset_tag} est déjà attribué à {families[3].pseudonym}" in _text(again)
    db.session.expire_all()
    members = db.session.scalars(select(CohortMember).order_by(CohortMember.position)).all()
    allocations = db.session.scalars(select(Allocation).order_by(Allocation.id)).all()
    assert len(allocations) == 10
    for member, family, laptop in zip(members, families, laptops, strict=True):
        assert member.beneficiary_id == family.id and member.allocation is not None
        assert member.allocation.beneficiary_id == family.id
        assert [i.device_id for i in member.allocation.reservation.items] == [laptop.id]
        assert _agreements(db, member.allocation.id) == 1
        assert laptop.state == "allocated"
    assert "Toute la cohorte est servie" in _text(client.get(f"{url}/distribution"))
    # A member who received the pack stays in the cohort.
    client.post(f"{url}/members/{members[0].id}/remove")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 10


@pytest.mark.usefixtures("no_training", "clock")
def test_a_two_device_pack_hands_over_once_complete(db, client, login_as):
    login_as("social_worker")
    association = approved_file("association")
    pc, printer = ready_device("desktop"), ready_device("printer")
    db.session.commit()
    pack = _pack(client, "Pack association", ("desktop", "printer"),
                 "1 Suite bureautique\n1 Carte de bibliothèque")
    cohort = _cohort(client, db, pack, kind="association_call", name="Appel associations 2026",
                     uai="", school_name="", fee_amount="20,00", fee_method="cheque")
    url = f"/allocations/cohorts/{cohort.id}"
    client.post(f"{url}/members", data={"pseudonyms": association.pseudonym})
    client.post(f"{url}/distribution", data={"tag": printer.asset_tag})
    db.session.expire_all()
    assert printer.state == "reserved" and db.session.scalar(
        select(func.count()).select_from(Allocation)) == 0
    client.post(f"{url}/distribution", data={"tag": pc.asset_tag})
    db.session.expire_all()
    allocation = db.session.scalar(select(Allocation))
    assert (pc.state, printer.state) == ("allocated", "allocated")
    assert allocation.fee_method == "cheque" and str(allocation.fee_amount) == "20.00"
    assert allocation.receipt_number == f"C{cohort.id}-001"


@pytest.mark.usefixtures("no_training", "clock")
def test_parents_are_enrolled_all_or_nothing_and_shown_on_the_file(db, client, login_as):
    from refurb.training.programmes import ProgrammeValues, create_programme

    login_as("social_worker")
    pupils = [approved_file("pupil", last_name=f"Eleve{i}") for i in range(3)]
    workshop = create_programme(ProgrammeValues(title="Atelier des parents",
                                                planned_sessions=6,
                                                hours_per_session=2), actor_id=None, now=NOW)
    db.session.commit()
    cohort = _cohort(client, db, _pack(client), training_programme_id=workshop.id)
    url = f"/allocations/cohorts/{cohort.id}"
    client.post(f"{url}/members", data={"pseudonyms": " ".join(p.pseudonym for p in pupils)})
    # The last file is closed: nobody gets enrolled.
    pupils[2].status = "closed"
    db.session.commit()
    refused = client.post(f"{url}/enrol-parents", follow_redirects=True)
    assert "est clos" in _text(refused)
    db.session.expire_all()
    assert enrolments.queries.enrolment_of(workshop.id, pupils[0].id) is None
    pupils[2].status = "approved"
    db.session.commit()
    done = client.post(f"{url}/enrol-parents", follow_redirects=True)
    assert "3 famille(s) inscrite(s)" in _text(done)
    assert "inscrit — 0 / 6 séance(s)" in _text(done)
    page = _text(client.get(f"/beneficiaries/{pupils[0].id}"))
    assert cohort.name in page and "Atelier des parents — inscrit le" in page
    assert "0 / 6 séance(s) suivie(s)" in page


@pytest.mark.usefixtures("no_training", "clock")
def test_only_social_workers_and_admins_open_cohort_pages(app, db, client, login_as):
    login_as("admin")
    cohort = _cohort(client, db, _pack(client))
    for path in ("/allocations/cohorts", "/allocations/packs", "/allocations/cohorts/new",
                 f"/allocations/cohorts/{cohort.id}", f"/allocations/cohorts/{cohort.id}/edit",
                 f"/allocations/cohorts/{cohort.id}/distribution"):
        assert_only(app, path, SOCIAL)
    for path in (f"/allocations/cohorts/{cohort.id}/members",
                 f"/allocations/cohorts/{cohort.id}/distribution",
                 f"/allocations/cohorts/{cohort.id}/enrol-parents",
                 f"/allocations/cohorts/{cohort.id}/members/1/remove"):
        results = status_for_roles(app, path, method="POST")
        assert results["technician"] == 403 and results["donor"] == 403, path
