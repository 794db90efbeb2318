"""Pack templates edited (name, machines, accessories) and retired: the handovers already made
keep the pack they received and their agreements; the next ones get the edited pack."""

import re

import pytest
from sqlalchemy import select

from refurb.allocations import cohorts
from refurb.allocations.handover import agreement_versions
from refurb.allocations.models import Allocation, PackTemplate
from refurb.core.errors import InvalidInput
from tests.access import assert_only, status_for_roles
from tests.allocations.helpers import approved_file, ready_device
from tests.allocations.test_cohorts import SOCIAL, _cohort, _pack, _text
from tests.beneficiaries.helpers import NOW
from tests.training.helpers import pdf_text


def _pdf(document) -> str:
    return " ".join(pdf_text(document.content).split())


@pytest.mark.usefixtures("no_training", "clock")
def test_an_edited_pack_serves_the_next_members_and_past_handovers_keep_theirs(
        db, client, login_as):
    login_as("social_worker")
    first, second = approved_file(last_name="Premier"), approved_file(last_name="Second")
    laptop_1, laptop_2, printer = ready_device(), ready_device(), ready_device("printer")
    db.session.commit()
    cohort = _cohort(client, db, _pack(client, accessories="1 Souris\n1 Sacoche"))
    url = f"/allocations/cohorts/{cohort.id}"
    client.post(f"{url}/members", data={"pseudonyms": f"{first.pseudonym} {second.pseudonym}"})
    assert client.post(f"{url}/distribution", data={"tag": laptop_1.asset_tag}).status_code == 302
    db.session.expire_all()
    served = db.session.scalar(select(Allocation))
    [before] = agreement_versions(served)
    assert "Pack « Pack élève CE2 », avec : 1 × Souris, 1 × Sacoche." in _pdf(before)
    original_bytes = before.content

    # The form comes back filled with the pack as it is.
    pack = db.session.scalar(select(PackTemplate))
    form = _text(client.get(f"/allocations/packs/{pack.id}/edit"))
    assert 'value="Pack élève CE2"' in form and "1 Souris\n1 Sacoche" in form
    # A refused edit keeps what was typed and changes nothing.
    refused = client.post(f"/allocations/packs/{pack.id}/edit", data={
        "name": "Pack élève CE2 2027", "device_types": [], "accessories": "1 Casque"})
    assert refused.status_code == 400
    assert "au moins un type d'appareil" in _text(refused)
    assert 'value="Pack élève CE2 2027"' in _text(refused) and "1 Casque" in _text(refused)
    response = client.post(f"/allocations/packs/{pack.id}/edit", data={
        "name": "Pack élève CE2 2027", "device_types": ["laptop", "printer"],
        "accessories": "1 Casque\n2 Clé USB"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [(line.kind, line.device_type or line.label, line.quantity)
            for line in db.session.get(PackTemplate, pack.id).lines] == [
        ("device", "laptop", 1), ("device", "printer", 1), ("accessory", "Casque", 1),
        ("accessory", "Clé USB", 2)]

    # The member already served is still served (1 / 2); the next one needs the new pack.
    day = _text(client.get(f"{url}/distribution"))
    assert "Membres servis : 1 / 2" in day and "Machines : 2 / 4" in day
    assert "2 × Clé USB" in day
    client.post(f"{url}/distribution", data={"tag": laptop_2.asset_tag})
    db.session.expire_all()
    assert db.session.scalar(select(Allocation).where(Allocation.id != served.id)) is None
    client.post(f"{url}/distribution", data={"tag": printer.asset_tag})
    db.session.expire_all()
    later = db.session.scalar(select(Allocation).where(Allocation.id != served.id))
    assert later.pack["name"] == "Pack élève CE2 2027"
    [agreement] = agreement_versions(later)
    assert "Pack « Pack élève CE2 2027 », avec : 1 × Casque, 2 × Clé USB." in _pdf(agreement)

    # What the first family received is unchanged, and so is its agreement.
    served = db.session.get(Allocation, served.id)
    assert served.pack == {"name": "Pack élève CE2", "devices": [["laptop", 1]],
                           "accessories": [["Souris", 1], ["Sacoche", 1]]}
    [still] = agreement_versions(served)
    assert still.version == 1 and still.content == original_bytes


@pytest.mark.usefixtures("no_training", "clock")
def test_a_retired_pack_is_offered_to_no_new_cohort(db, client, login_as):
    login_as("social_worker")
    old = _pack(client, "Pack 2025")
    cohort = _cohort(client, db, old)
    pack = db.session.scalar(select(PackTemplate).where(PackTemplate.name == old))
    assert client.post(f"/allocations/packs/{pack.id}/retire").status_code == 302
    listing = " ".join(re.sub(r"<[^>]+>", " ", _text(client.get("/allocations/packs"))).split())
    assert "Pack 2025 (retiré le" in listing
    again = client.post(f"/allocations/packs/{pack.id}/retire", follow_redirects=True)
    assert "déjà retiré" in _text(again)

    # Not offered to a new cohort, and refused if sent anyway.
    assert "Pack 2025" not in _text(client.get("/allocations/cohorts/new"))
    refused = client.post("/allocations/cohorts/new", data={
        "kind": "season", "name": "Saison 2026", "starts_on": "2026-03-01",
        "ends_on": "2026-06-30", "pack_template_id": pack.id, "mode": "gift",
        "school_programme_id": 0, "fee_amount": "0", "fee_method": "",
        "training_programme_id": 0})
    assert refused.status_code == 400 and "N'est pas un choix valide." in _text(refused)
    with pytest.raises(InvalidInput, match="est retiré"):
        cohorts.create_cohort(cohorts.CohortValues(
            kind="season", name="Saison 2026", starts_on=NOW.date(), ends_on=NOW.date(),
            pack_template_id=pack.id), actor_id=None, now=NOW)
    db.session.rollback()
    # The cohort that had it keeps it and can still be saved.
    edit = _text(client.get(f"/allocations/cohorts/{cohort.id}/edit"))
    assert "Pack 2025" in edit
    saved = client.post(f"/allocations/cohorts/{cohort.id}/edit", data={
        "kind": "school_class", "name": cohort.name, "starts_on": "2026-03-01",
        "ends_on": "2026-07-04", "pack_template_id": pack.id, "mode": "gift",
        "school_programme_id": 0, "fee_amount": "0", "fee_method": "",
        "training_programme_id": 0})
    assert saved.status_code == 302


@pytest.mark.usefixtures("no_training", "clock")
def test_only_social_workers_and_admins_edit_or_retire_packs(app, db, client, login_as):
    login_as("admin")
    _pack(client)
    pack = db.session.scalar(select(PackTemplate))
    assert_only(app, f"/allocations/packs/{pack.id}/edit", SOCIAL)
    for path in (f"/allocations/packs/{pack.id}/edit", f"/allocations/packs/{pack.id}/retire"):
        results = status_for_roles(app, path, method="POST")
        assert results["technician"] == 403 and results["donor"] == 403, path
