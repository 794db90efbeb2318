"""Donor organisations: SIRET checks, donor accounts, who may manage or read."""

import html as htmllib

import pytest
from sqlalchemy import select

from refurb.accounts.models import User
from refurb.core.errors import InvalidInput
from refurb.donors import services
from refurb.donors.models import DonorOrganisation
from tests.access import assert_only
from tests.factories import NOW, make_donor

FORM = {"name": "Banque du Nord", "siret": "487 741 969 00033", "legal_form": "SA",
        "address": "12 rue des Donateurs", "postal_code": "59970", "city": "Fresnes-sur-Escaut",
        "contact_name": "Mme Martin", "contact_email": "IT@Banque.example",
        "contact_phone": "03 27 00 00 00", "notes": "Renouvelle son parc tous les 2 ans."}


def text(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def test_admin_creates_an_organisation_with_a_valid_siret(client, db, login_as):
    login_as("admin")
    response = client.post("/donors/new", data=FORM, follow_redirects=True)
    assert "Organisation « Banque du Nord » créée." in text(response)
    org = db.session.scalar(select(DonorOrganisation))
    assert org.siret == "48774196900033"  # spaces dropped
    assert org.contact_email == "it@banque.example" and org.city == "Fresnes-sur-Escaut"


@pytest.mark.parametrize(("siret", "message"), [
    ("48774196900034", "la clé de contrôle ne correspond pas"),
    ("4877419690003", "doit comporter 14 chiffres (reçu 13)"),
    ("4877419690003A", "ne doit contenir que des chiffres"),
])
def test_wrong_siret_is_explained_and_what_was_typed_stays(client, db, login_as, siret, message):
    login_as("admin")
    response = client.post("/donors/new", data={**FORM, "siret": siret})
    assert response.status_code == 200
    page = text(response)
    assert message in page and 'aria-invalid="true"' in page
    for key in ("name", "legal_form", "address", "city", "contact_name", "contact_phone"):
        assert f'value="{FORM[key]}"' in page, key
    assert f'value="{siret}"' in page and FORM["notes"] in page
    assert db.session.scalar(select(DonorOrganisation)) is None


def test_siret_already_used_by_another_organisation(client, db, login_as):
    login_as("admin")
    make_donor(name="Ecologic", siret="48774196900033")
    db.session.commit()
    response = client.post("/donors/new", data=FORM)
    page = text(response)
    assert "Le SIRET 48774196900033 est déjà celui de « Ecologic »." in page
    assert 'value="Banque du Nord"' in page


def test_service_checks_too(db):
    with pytest.raises(InvalidInput, match="nom"):
        services.create_organisation(services.OrganisationValues(name="  "), now=NOW)
    with pytest.raises(InvalidInput, match="clé de contrôle"):
        services.create_organisation(services.OrganisationValues(name="X", siret="12345678901234"),
                                     now=NOW)
    la_poste = services.create_organisation(
        services.OrganisationValues(name="La Poste", siret="35600000000048"), now=NOW)
    assert la_poste.siret == "35600000000048"
    assert services.create_organisation(services.OrganisationValues(name="Particulier"),
                                        now=NOW).siret is None


def test_edit_keeps_its_own_siret(client, db, login_as):
    login_as("admin")
    org = make_donor(name="Banque du Nord", siret="48774196900033")
    db.session.commit()
    response = client.post(f"/donors/{org.id}/edit", data={**FORM, "city": "Lille"},
                           follow_redirects=True)
    assert "Organisation mise à jour." in text(response)
    db.session.refresh(org)
    assert org.city == "Lille"


def test_admin_creates_a_donor_account_for_the_organisation(client, db, login_as):
    login_as("admin")
    org = make_donor(name="Banque du Nord")
    db.session.commit()
    response = client.post(f"/donors/{org.id}/users/new", data={
        "email": "Contact@Banque.example", "display_name": "Mme Martin",
        "password": "un-mot-de-passe-long"}, follow_redirects=True)
    page = text(response)
    assert "Compte donateur contact@banque.example créé." in page
    assert "Mme Martin — contact@banque.example" in page
    user = db.session.scalar(select(User).where(User.email == "contact@banque.example"))
    assert (user.role, user.donor_organisation_id) == ("donor", org.id)
    short = client.post(f"/donors/{org.id}/users/new", data={
        "email": "autre@banque.example", "password": "court"})
    assert short.status_code == 200 and 'value="autre@banque.example"' in text(short)
    taken = client.post(f"/donors/{org.id}/users/new", data={
        "email": "contact@banque.example", "password": "un-mot-de-passe-long"})
    assert "Un compte existe déjà" in text(taken)


def test_technician_reads_but_does_not_manage(client, db, login_as):
    login_as("technician")
    org = make_donor(name="Banque du Nord")
    db.session.commit()
    page = text(client.get(f"/donors/{org.id}"))
    assert "Banque du Nord" in page and "/edit" not in page and "users/new" not in page
    listing = text(client.get("/donors/"))
    assert "Nouvelle organisation" not in listing and "Banque du Nord" in listing


def test_search_by_name_siret_or_city(client, db, login_as):
    login_as("technician")
    make_donor(name="Banque du Nord", siret="48774196900033")
    make_donor(name="Mairie de Condé")
    db.session.commit()
    assert "Mairie" not in text(client.get("/donors/?q=4877419"))
    assert "Banque" not in text(client.get("/donors/?q=condé"))


@pytest.mark.parametrize(("path", "allowed", "method"), [
    ("/donors/", {"admin", "technician"}, "GET"),
    ("/donors/{id}", {"admin", "technician"}, "GET"),
    # Technicians add a donor met at a pick-up; they do not edit donors (admins do).
    ("/donors/new", {"admin", "technician"}, "GET"),
    ("/donors/new", {"admin", "technician"}, "POST"),
    ("/donors/{id}/edit", {"admin"}, "GET"),
    ("/donors/{id}/users/new", {"admin"}, "GET"),
    ("/donors/{id}/users/new", {"admin"}, "POST"),
])
def test_access(app, db, path, allowed, method):
    org = make_donor()
    db.session.commit()
    assert_only(app, path.format(id=org.id), allowed, method=method)


def test_list_of_donors_does_not_grow_queries(client, db, login_as):
    from tests.querycount import count_queries

    login_as("technician")
    for _ in range(3):
        make_donor()
    db.session.commit()
    with count_queries() as few:
        client.get("/donors/")
    for _ in range(30):
        make_donor()
    db.session.commit()
    with count_queries() as many:
        client.get("/donors/")
    assert len(many) == len(few)


def test_unknown_organisation_is_a_404(client, db, login_as):
    login_as("admin")
    assert client.get("/donors/999").status_code == 404
    assert client.post("/donors/999/edit", data=FORM).status_code == 404
