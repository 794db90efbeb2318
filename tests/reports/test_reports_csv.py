"""Every report table downloads as a CSV a French Excel opens cleanly: UTF-8 with BOM, ';'
between cells, decimal comma, dates as JJ/MM/AAAA, CRLF line ends."""

from __future__ import annotations

import csv
import io

import pytest

from refurb.reports.exports import EXPORTS
from tests.reports.report_scene import build, build_other_workshop


def _two_workshops():
    """Workshop A's year, and workshop B's different one beside it: A's figures are A's."""
    scene = build()
    build_other_workshop(scene)
    return scene


@pytest.fixture
def scene(db, shared_rows):
    return shared_rows("reports.two_workshops", _two_workshops)


def test_csv_opens_with_semicolons_bom_decimal_comma_and_french_dates(scene, client, login_as):
    login_as("admin")
    response = client.get("/reports/export/flux_hebdomadaires.csv?year=2025")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="flux_hebdomadaires_20250101_20251231.csv"'
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Semaine (lundi)" and len(rows[0]) == 5
    assert rows[1][0] == "30/12/2024" and rows[-1][0] == "29/12/2025"
    assert all(len(row) == 5 for row in rows)

    rows = list(csv.reader(io.StringIO(
        client.get("/reports/export/reemploi.csv?year=2025").get_data().decode("utf-8-sig")),
        delimiter=";"))
    assert rows[-1] == ["Total", "3", "9,00", "2", "15,00"]
    lead = client.get("/reports/export/delais.csv?start=2025-01-01&end=2025-12-31")
    assert "117,1" in lead.get_data().decode("utf-8-sig")


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_table_exports(scene, client, login_as, name):
    login_as("admin")
    response = client.get(f"/reports/export/{name}.csv?year=2025")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")),
                           delimiter=";"))
    assert len(rows) >= 2 and len({len(r) for r in rows}) == 1
    for row in rows[1:]:
        for cell in row[1:]:
            assert "." not in cell or not cell.replace(".", "").isdigit(), (name, cell)


def test_unknown_table_is_404(db, client, login_as):
    login_as("admin")
    assert client.get("/reports/export/passwords.csv").status_code == 404


def test_donor_portal_device_list_csv(scene, client, login_as, db):
    from tests.factories import make_user

    user = make_user("donor", donor_organisation_id=scene.donor_b.id)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    response = client.get(f"/portal/collections/{scene.collection_b.id}/devices.csv")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert {row[1]: row[5] for row in rows[1:]} == {
        "SN-L3": "Réemployé", "SN-D2": "En cours de traitement", "SN-W1": "Recyclé (DEEE)"}


def test_key_figures_csv_follows_the_role(scene, app, db):
    from tests.factories import make_user

    found = {}
    for role in ("technician", "social_worker"):
        user = make_user(role)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
        response = client.get("/reports/export/chiffres_cles.csv?year=2025")
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")),
                               delimiter=";"))
        found[role] = {row[0]: row[1:] for row in rows[1:]}
    assert found["technician"]["Appareils reçus"] == ["7", ""]
    assert found["technician"]["Taux de réemploi (en nombre)"] == ["60,0", "%"]
    assert "Bénéficiaires servis" not in found["technician"]
    assert found["social_worker"]["Bénéficiaires servis"] == ["3", ""]
    assert found["social_worker"]["Heures de formation suivies"] == ["16,00", "h"]
