"""Who opens which report: workshop figures for every staff role, beneficiary figures for
admins and social workers, the annual report for admins; never donors."""

from __future__ import annotations

import pytest

from tests.access import assert_only, status_for_roles

STAFF = {"admin", "technician", "social_worker"}
SOCIAL = {"admin", "social_worker"}


@pytest.mark.parametrize(("url", "allowed"), [
    ("/reports/", STAFF),
    ("/reports/?year=2025", STAFF),
    ("/reports/activity", STAFF),
    ("/reports/lead-times", STAFF),
    ("/reports/reuse", STAFF),
    ("/reports/beneficiaries", SOCIAL),
    ("/reports/training", SOCIAL),
    ("/reports/annual", {"admin"}),
    ("/reports/export/chiffres_cles.csv", STAFF),
    ("/reports/export/stock.csv", STAFF),
    ("/reports/export/flux_mensuels.csv", STAFF),
    ("/reports/export/delais.csv", STAFF),
    ("/reports/export/reemploi.csv", STAFF),
    ("/reports/export/deee.csv", STAFF),
    ("/reports/export/beneficiaires_kind.csv", SOCIAL),
    ("/reports/export/beneficiaires_commune.csv", SOCIAL),
    ("/reports/export/beneficiaires_situation.csv", SOCIAL),
    ("/reports/export/formation.csv", SOCIAL),
])
def test_report_pages(app, db, url, allowed):
    if url.endswith(".csv"):
        assert_csv_only(app, url, allowed)
    else:
        assert_only(app, url, allowed)


def assert_csv_only(app, url: str, allowed) -> None:
    """assert_only for streamed CSV downloads: each response is read before the next."""
    from refurb.extensions import db
    from tests.factories import make_user

    for role in ("admin", "technician", "social_worker", "donor"):
        user = make_user(role)
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
        response = client.get(url)
        response.get_data()
        response.close()
        assert (response.status_code == 200) == (role in allowed), (url, role)
        assert response.status_code in (200, 403), (url, role)
    assert app.test_client().get(url).status_code == 302


def test_only_admins_issue_the_annual_report(app, db):
    results = status_for_roles(app, "/reports/annual", method="POST", data={"year": "2099"})
    assert results == {"admin": 400, "technician": 403, "social_worker": 403, "donor": 403,
                       "anonymous": 302}


def test_tabs_follow_the_role(client, db, login_as):
    login_as("technician")
    page = client.get("/reports/").get_data(as_text=True)
    assert "/reports/activity" in page and "/reports/beneficiaries" not in page
    assert "/reports/training" not in page and "/reports/annual" not in page
    login_as("admin")
    page = client.get("/reports/").get_data(as_text=True)
    assert "/reports/annual" in page and "/portal/mecenat" in page
