"""A technician at a pick-up creates the donor from the collection form: the donor is checked
(SIRET with its Luhn key), created and selected, and what was typed for the collection stays."""

from __future__ import annotations

import re

from sqlalchemy import select

from refurb.donors.models import DonorOrganisation
from refurb.intake.models import Collection
from tests.factories import make_donor

COLLECTION = {"pickup_site": "Quai 4, zone artisanale", "pickup_contact": "M. Gardien 06 00",
              "planned_on": "2026-03-20", "transport_notes": "Camion 12 m³, hayon"}


def selected_donor(page: str) -> str | None:
    match = re.search(r'<option selected value="(\d+)">|<option value="(\d+)" selected>', page)
    return next(g for g in match.groups() if g) if match else None


def test_technician_creates_the_donor_and_keeps_the_collection_typed(client, db, login_as):
    login_as("technician")
    make_donor(name="Mairie de Condé")
    db.session.commit()
    form = client.get("/collections/new").get_data(as_text=True)
    assert 'id="new-donor"' in form and "Nouveau donateur" in form

    response = client.post("/collections/new", data={
        **COLLECTION, "donor_id": "0", "action": "create_donor",
        "new_donor-name": "Banque du Nord", "new_donor-siret": "487 741 969 00033",
        "new_donor-city": "Lille"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    donor = db.session.scalar(select(DonorOrganisation).where(
        DonorOrganisation.name == "Banque du Nord"))
    assert donor is not None and donor.siret == "48774196900033" and donor.city == "Lille"
    assert "Donateur « Banque du Nord » créé et choisi pour cette collecte." in page
    assert selected_donor(page) == str(donor.id)
    for key in ("pickup_site", "pickup_contact", "planned_on"):
        assert f'value="{COLLECTION[key]}"' in page, key
    assert COLLECTION["transport_notes"] in page
    assert db.session.scalar(select(Collection)) is None  # nothing planned yet

    saved = client.post("/collections/new", data={**COLLECTION, "donor_id": str(donor.id)})
    assert saved.status_code == 302
    collection = db.session.scalar(select(Collection))
    assert collection.donor_id == donor.id and collection.pickup_site == COLLECTION["pickup_site"]


def test_a_wrong_siret_is_refused_and_nothing_typed_is_lost(client, db, login_as):
    login_as("technician")
    db.session.commit()
    response = client.post("/collections/new", data={
        **COLLECTION, "donor_id": "0", "action": "create_donor",
        "new_donor-name": "Banque du Nord", "new_donor-siret": "48774196900034"})
    page = response.get_data(as_text=True)
    assert "SIRET" in page and 'aria-invalid="true"' in page
    assert 'value="Banque du Nord"' in page and 'value="48774196900034"' in page
    assert f'value="{COLLECTION["pickup_site"]}"' in page
    assert db.session.scalar(select(DonorOrganisation)) is None


def test_a_siret_already_known_names_the_donor_it_belongs_to(client, db, login_as):
    login_as("technician")
    make_donor(name="Ecologic", siret="48774196900033")
    db.session.commit()
    page = client.post("/collections/new", data={
        **COLLECTION, "donor_id": "0", "action": "create_donor",
        "new_donor-name": "Ecologic bis", "new_donor-siret": "48774196900033"},
    ).get_data(as_text=True)
    assert "Le SIRET 48774196900033 est déjà celui de « Ecologic »." in page
    assert 'value="Ecologic bis"' in page
    assert len(db.session.scalars(select(DonorOrganisation)).all()) == 1


def test_technicians_create_donors_but_do_not_edit_them(client, db, login_as):
    login_as("technician")
    donor = make_donor()
    db.session.commit()
    assert client.get("/donors/new").status_code == 200
    assert client.get(f"/donors/{donor.id}/edit").status_code == 403
    assert client.post(f"/donors/{donor.id}/edit", data={"name": "x"}).status_code == 403
