"""Two workshops of one network with different years (tests/reports/report_scene.py): each
workshop's report pages, CSV exports and annual PDF give its own figures exactly, counted
again here from its own records; the network's figures give each workshop's and their sum;
a donor of both sees the impact in each."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.allocations.models import Allocation
from refurb.devices.models import Device, DeviceEvent
from refurb.documents.models import IssuedDocument
from refurb.reports.models import DeviceStay
from refurb.workshops.context import network_wide, use_workshop
from tests.factories import make_user
from tests.network.helpers import sign_in
from tests.reports import report_scene as expected
from tests.reports.report_scene import build, build_other_workshop

YEAR = "?year=2025"


def _two_workshops():
    scene = build()
    other = build_other_workshop(scene)
    return scene, other


@pytest.fixture
def network(db, shared_rows):
    return shared_rows("reports.two_workshops_and_b", _two_workshops)


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _csv(client, name: str) -> list[list[str]]:
    response = client.get(f"/reports/export/{name}.csv{YEAR}")
    assert response.status_code == 200, name
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))


def _admin(app, db, workshop_id: int):
    user = make_user("admin", workshop_id=workshop_id)
    db.session.commit()
    return sign_in(app, user)


def _counted(db, workshop_id: int) -> dict:
    """The year's figures of one workshop, counted from its own events and hand-overs."""
    with network_wide():
        moves = Counter(dict(db.session.execute(
            select(DeviceEvent.to_state, func.count(func.distinct(DeviceEvent.device_id)))
            .where(DeviceEvent.workshop_id == workshop_id, DeviceEvent.kind == "transition",
                   func.extract("year", DeviceEvent.occurred_at) == 2025)
            .group_by(DeviceEvent.to_state)).all()))
        served = db.session.scalar(
            select(func.count(func.distinct(Allocation.beneficiary_id)))
            .where(Allocation.workshop_id == workshop_id))
        stays = db.session.scalar(select(func.count()).select_from(DeviceStay)
                                  .where(DeviceStay.workshop_id == workshop_id))
        events = db.session.scalar(
            select(func.count()).select_from(DeviceEvent)
            .where(DeviceEvent.workshop_id == workshop_id, DeviceEvent.kind == "transition",
                   DeviceEvent.from_state.is_not(None)))
    return {"received": moves["received"], "ready": moves["ready"],
            "allocated": moves["allocated"], "disposed": moves["disposed"], "served": served,
            "stays": stays, "stays_expected": events}


def test_each_workshop_dashboard_gives_its_own_figures(app, db, network):
    _scene, other = network
    figures = {1: dict(zip(("received", "ready", "allocated", "disposed"),
                           expected.EXPECTED_TOTALS, strict=True)) | {"served": 3},
               other: {k: expected.OTHER_EXPECTED[k] for k in
                       ("received", "ready", "allocated", "disposed", "served")}}
    hours = {1: "16,0 h", other: "2,0 h"}
    for workshop_id, mine in figures.items():
        counted = _counted(db, workshop_id)
        assert {k: counted[k] for k in mine} == mine  # the hand count is the records'
        assert counted["stays"] == counted["stays_expected"]  # one stay per leaving event
        text = _text(_admin(app, db, workshop_id).get(f"/reports/{YEAR}"))
        for label, value in (
            ("Appareils reçus", mine["received"]), ("Appareils prêts à attribuer", mine["ready"]),
            ("Appareils attribués", mine["allocated"]),
            ("Appareils recyclés (DEEE)", mine["disposed"]),
            ("Bénéficiaires servis", mine["served"]),
            ("Heures de formation suivies", hours[workshop_id]),
        ):
            assert f"{label} {value}" in text, (workshop_id, label)


def test_each_workshop_pages_and_exports_read_its_own_rows(app, db, network):
    _scene, other = network
    client = _admin(app, db, other)
    # Monthly flows: B received 5 in February, 3 ready, 1 handed over; 1 disposed in September.
    rows = _csv(client, "flux_mensuels")
    assert rows[-1][1:] == ["5", "3", "1", "1"]
    assert _csv(client, "reemploi")[-1][:2] == ["Total", "1"]
    weee = _csv(client, "deee")
    assert weee[-1][:3] == ["Total", "1", "1"]
    with use_workshop(other):
        held = db.session.scalar(select(func.count()).select_from(Device))
    assert held == 5
    lead = _csv(client, "delais")
    assert any(row[0] == "Réceptionné" and row[1] == "4" for row in lead)  # B1-B4 left received
    served = _csv(client, "beneficiaires_kind")
    assert [row for row in served[1:] if row[0] != "Total"] == [["Foyer", "1", "1"]]
    for path in ("activity", "lead-times", "reuse", "beneficiaries", "training", "funders"):
        page = client.get(f"/reports/{path}{YEAR}").get_data(as_text=True)
        assert "Quetzalbrindille" not in page and "Prise en main" not in page, path
    training = _text(client.get(f"/reports/training{YEAR}"))
    assert "Premiers pas" in training


def test_each_workshop_annual_report_states_its_own_year(app, db, network):
    _scene, other = network
    for workshop_id, lines in (
        (1, ("Appareils reçus 7", "Appareils attribués 3", "Appareils recyclés (DEEE) 2",
             "Bénéficiaires servis 3", "Heures de formation suivies 16,0 h", "Total 7 3 3 2")),
        (other, ("Appareils reçus 5", "Appareils attribués 1", "Appareils recyclés (DEEE) 1",
                 "Bénéficiaires servis 1", "Heures de formation suivies 2,0 h",
                 "Total 5 3 1 1")),
    ):
        client = _admin(app, db, workshop_id)
        assert client.post("/reports/annual", data={"year": "2025", "confirm": "1"}
                           ).status_code == 302
        with use_workshop(workshop_id):
            document = db.session.scalar(select(IssuedDocument).where(
                IssuedDocument.kind == "annual_report"))
            reader = PdfReader(io.BytesIO(document.content))
        text = " ".join(" ".join(p.extract_text() for p in reader.pages)
                        .replace("\u202f", " ").replace("\u00a0", " ").split())
        for line in lines:
            assert line in text, (workshop_id, line)


def test_network_figures_give_each_workshop_and_the_total(app, db, network):
    from datetime import date

    from refurb.network.figures import network_figures
    from refurb.reports.queries import Period

    _scene, other = network
    result = network_figures(Period(date(2025, 1, 1), date(2025, 12, 31)))
    by_id = {row.workshop_id: row.figures for row in result.rows}
    assert (by_id[1].collected, by_id[1].reused, by_id[1].recycled, by_id[1].households) == (
        7, 3, 2, 3)
    assert (by_id[other].collected, by_id[other].reused, by_id[other].recycled,
            by_id[other].households) == (5, 1, 1, 1)
    assert by_id[1].reused_kg == expected.EXPECTED_REUSE["reused_kg"]
    assert result.total.collected == 12 and result.total.reused == 4


def test_a_donor_of_both_workshops_sees_the_impact_in_each(app, db, network):
    from refurb.core.impact import Fate
    from refurb.portal.queries import fates_by_workshop

    scene, _other = network
    with network_wide():
        rows, total = fates_by_workshop(scene.donor_a.id)
    by_name = {name: fates for name, fates in rows}
    assert sum(by_name["Atelier Bêta"].values()) == 5
    assert by_name["Atelier Bêta"][Fate.REUSED] == 1
    assert by_name["Atelier Bêta"][Fate.RECYCLED] == 1
    assert sum(total.values()) == expected.EXPECTED_A["devices"] + 5
