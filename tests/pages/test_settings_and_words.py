"""The settings page in sections with numbers as the reader writes them, the register's file
columns named in French, the header's menus by task, the favicon."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from refurb.settings import services
from refurb.settings.models import Setting
from tests.intake.formhtml import form_values


def _typed(client) -> dict[str, str]:
    return form_values(client.get("/admin/settings/").get_data(as_text=True))


def test_settings_are_grouped_in_sections_with_legends(client, login_as, db):
    login_as("admin")
    html = client.get("/admin/settings/").get_data(as_text=True)
    for legend in ("Réception : poids estimés", "Remises et réservations",
                   "Registre des déchets (DEEE)", "Reçus fiscaux (mécénat)"):
        assert f"<legend>{legend}</legend>" in html
    # Each setting sits in its own section: the weights before the fee, the fee before the
    # register's SIRET.
    assert html.index('name="weight.laptop"') < html.index("<legend>Remises et réservations")
    assert html.index("<legend>Registre des déchets") < html.index('name="weee.reporting_siret"')
    assert "flask gdpr purge" not in html


def test_decimals_show_in_the_readers_language_and_read_back_both_ways(client, login_as, db):
    login_as("admin")
    typed = _typed(client)
    typed["impact.co2e_kg_per_year"] = "0,8"
    fee_key = "handover.fee"
    typed[fee_key] = "700.00"
    assert client.post("/admin/settings/", data=typed).status_code == 302
    assert services.get("impact.co2e_kg_per_year") == Decimal("0.8")
    assert services.get(fee_key) == Decimal("700.00")

    french = _typed(client)
    assert french["impact.co2e_kg_per_year"] == "0,8" and french[fee_key] == "700,00"
    client.post("/account/language", data={"locale": "en"})
    english = _typed(client)
    assert english["impact.co2e_kg_per_year"] == "0.8" and english[fee_key] == "700.00"
    # What the page shows is what it saves again, unchanged.
    assert client.post("/admin/settings/", data=english).status_code == 302
    assert services.get(fee_key) == Decimal("700.00")


def test_a_refused_value_is_named_at_its_field_and_nothing_is_saved(client, login_as, db):
    login_as("admin")
    typed = _typed(client)
    typed["weight.laptop"] = "2,5"
    typed["impact.co2e_kg_per_year"] = "beaucoup"
    response = client.post("/admin/settings/", data=typed)
    html = response.get_data(as_text=True)
    assert "corrigez les valeurs signalées" in html
    assert 'aria-invalid="true"' in html and "valeur « beaucoup » invalide" in html
    assert 'value="beaucoup"' in html and 'value="2,5"' in html  # what was typed stays
    assert db.session.scalar(select(Setting).where(Setting.key == "weight.laptop")) is None


def test_register_page_names_the_file_columns_in_french(client, login_as, db):
    login_as("technician")
    html = client.get("/weee/register").get_data(as_text=True)
    assert '<code lang="en">wasteCode</code></td><td>Code déchet</td>' in html
    assert "transporter2CompanyOrgId</code></td><td>Transporteur 2 : SIRET ou identifiant" in html


def test_capacities_and_sizes_use_the_decimal_comma(app):
    from refurb.templating import capacity, mib

    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert capacity(1_000_204_886_016) == "1,0 To" and capacity(10**12) == "1 To"
        assert mib(1536) == "1,5 Go"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert capacity(1_000_204_886_016) == "1.0 TB"


def test_menus_by_task_for_each_role(client, login_as, db):
    login_as("admin")
    html = client.get("/").get_data(as_text=True)
    for menu in ("Atelier", "Effacement", "Stock", "DEEE", "Bénéficiaires", "Rapports",
                 "Administration"):
        assert f">{menu}</button>" in html
    assert html.count('class="menu-button" aria-expanded="false" aria-controls="menu-') == 7
    client.post("/logout")
    login_as("social_worker")
    html = client.get("/").get_data(as_text=True)
    assert ">Bénéficiaires</button>" in html and ">Administration</button>" not in html
    assert ">Effacement</button>" not in html


def test_favicon_is_served_and_linked(client, login_as, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"
    login_as("technician")
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/img/favicon.svg"' in html
    assert client.get("/static/img/favicon.svg").status_code == 200
