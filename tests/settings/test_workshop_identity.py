"""The workshop's identity is set by an admin in the interface, checked on save (a SIRET must
pass its Luhn key), printed on documents, and asked of before a document needs it."""

import io
import re

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from refurb.core.workshop_identity import WorkshopIdentity, clean, gaps
from refurb.documents.pdf import workshop_letterhead
from refurb.settings import services, workshop
from refurb.settings.models import Setting
from tests.access import assert_only

COMPLETE = {"name": "Atelier FERIS", "legal_form": "CCAS", "address": "1 place de la Mairie",
            "postal_code": "59970", "city": "Fresnes-sur-Escaut", "siret": "999 123 458 00013",
            "email": "atelier@feris.example", "phone": "03 27 00 00 00",
            "signatory_name": "Claude Signataire", "signatory_title": "Directeur",
            "eco_organism_name": "", "eco_organism_siret": "",
            "treatment_operation_code": "R4", "treatment_operation_mode": "RECYCLAGE"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_rules_normalise_and_refuse():
    identity, errors = clean({**COMPLETE, "treatment_operation_code": "r 04"})
    assert errors == {} and identity.siret == "99912345800013"
    assert identity.treatment_operation_code == "R4"
    assert identity.full_address == "1 place de la Mairie, 59970 Fresnes-sur-Escaut"
    _identity, errors = clean({**COMPLETE, "siret": "99912345800014", "postal_code": "5997",
                               "email": "pas-un-mail", "name": " "})
    assert set(errors) == {"siret", "postal_code", "email", "name"}
    assert "clé de contrôle" in str(errors["siret"])
    assert [g.key for g in gaps(WorkshopIdentity(name="A"), "erasure_certificate")] == [
        "address", "postal_code", "city", "siret", "email"]


def test_only_admins_open_the_identity_page(app, db):
    assert_only(app, "/admin/settings/workshop", {"admin"})


def test_an_invalid_siret_is_refused_next_to_its_field_and_nothing_is_saved(client, login_as,
                                                                          db):
    login_as("admin")
    response = client.post("/admin/settings/workshop",
                           data={**COMPLETE, "siret": "99912345800014"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Identité de l’atelier non enregistrée" in html or \
        "Identité de l&#39;atelier non enregistrée" in html
    error = re.search(r'<ul class="errors" id="siret-errors">(.*?)</ul>', html, re.S)
    assert error and "clé de contrôle" in error.group(1)
    assert 'value="Atelier FERIS"' in html  # what was typed stays
    assert db.session.scalar(select(Setting).where(Setting.key.startswith("workshop."))) is None


def test_a_saved_identity_and_logo_are_printed_on_documents(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/settings/workshop",
                           data={**COMPLETE, "logo": (io.BytesIO(_png()), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    identity = workshop.current()
    assert identity.siret == "99912345800013" and workshop.logo().media_type == "image/png"
    assert workshop.missing_for("erasure_certificate") == []
    page = client.get("/admin/settings/workshop").get_data(as_text=True)
    assert 'value="99912345800013"' in page and "Retirer le logo actuel" in page
    letterhead = workshop_letterhead()
    assert letterhead.address == "1 place de la Mairie, 59970 Fresnes-sur-Escaut"
    assert letterhead.contact == "atelier@feris.example · 03 27 00 00 00"
    from refurb.documents.pdf import DocumentPDF

    pdf = DocumentPDF(title="Essai", letterhead=letterhead)
    pdf.add_page()
    content = pdf.render()
    reader = PdfReader(io.BytesIO(content))
    assert "99912345800013" in reader.pages[0].extract_text()
    assert list(reader.pages[0].images)  # the logo


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/settings/workshop",
                           data={**COMPLETE, "logo": (io.BytesIO(b"%PDF-1.4 nope"), "l.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "PNG ou JPEG" in response.get_data(as_text=True)
    assert workshop.logo() is None


def test_the_settings_page_refuses_an_invalid_register_siret(client, login_as, db):
    login_as("admin")
    typed = {d.key: "" if v is None else str(v) for d, v in services.all_values()}
    response = client.post("/admin/settings/",
                           data={**typed, "weee.reporting_siret": "21590001500012"})
    assert response.status_code == 200 and "clé de contrôle" in response.get_data(as_text=True)
    assert db.session.scalar(select(Setting).where(Setting.key == "weee.reporting_siret")) is None
    assert "Identité de l’atelier" in client.get("/admin/settings/").get_data(as_text=True)


def test_weee_closing_names_the_missing_identity_up_front_with_a_link(client, login_as, db):
    from refurb.weee import batches
    from tests.weee.helpers import NOW, make_disposable

    login_as("admin")
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    batches.add_device(batch, make_disposable(), actor_id=None, now=NOW)
    db.session.commit()
    html = client.get(f"/weee/batches/{batch.id}/close").get_data(as_text=True)
    assert "L’identité de l’atelier est incomplète" in html
    assert 'href="/admin/settings/workshop#siret"' in html
    assert "WORKSHOP_" not in html
    workshop.save(COMPLETE, actor_id=None, now=NOW)
    db.session.commit()
    html = client.get(f"/weee/batches/{batch.id}/close").get_data(as_text=True)
    assert "L’identité de l’atelier est incomplète" not in html
    assert '<option selected value="R4">' in html or 'value="R4" selected' in html


def test_the_mecenat_receipt_names_what_is_missing_before_the_amount_is_typed(client,
                                                                             login_as, db):
    from tests.factories import make_collection, make_device, make_donor

    collection = make_collection(make_donor(name="Banque du Nord"))
    make_device(collection=collection)
    login_as("admin")
    html = client.get(f"/portal/collections/{collection.id}").get_data(as_text=True)
    gaps_block = html[html.index("data-identity-gaps"):html.index('name="amount"')]
    assert 'href="/admin/settings/workshop#address"' in gaps_block
    assert 'href="/admin/settings/workshop#signatory_name"' in gaps_block
    assert "WORKSHOP_ADDRESS" not in html
