"""The network's figures: one row per workshop, each equal to that workshop's own report
figures, and a network total equal to their sum; one grouped query per figure."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from refurb.core.asset_tags import counter_name
from refurb.counters import take_numbers
from refurb.devices import services as devices
from refurb.extensions import db
from refurb.network.figures import Figures, network_figures
from refurb.reports import queries
from refurb.reports.queries import Period
from refurb.workshops.context import network_wide, use_workshop
from refurb.workshops.models import Workshop
from tests.network.helpers import make_workshop, sign_in, stock
from tests.querycount import count_queries
from tests.reports import report_scene

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
D = Decimal
# The report scene's year (tests/reports/report_scene.py), figures by hand.
SCENE = Figures(collected=7, reused=3, reused_kg=D("9.00"), recycled=2, recycled_kg=D("15.00"),
                weee_kg=D("15.00"), households=3, training_hours=D("16.00"), fees=D("30.00"))


def _small_year(workshop: Workshop) -> None:
    """Three desktops received in 2025, one of them into diagnosis."""
    received = stock(workshop, 3, device_type="desktop", now=datetime(2025, 5, 2))
    with use_workshop(workshop.id):
        devices.transition(received[0], "diagnosis", actor_id=None, now=datetime(2025, 5, 3))


@pytest.fixture
def network(db, shared_rows):
    return shared_rows("network.figures", _network)


def _network():
    """Workshop 1 (the install's first): three devices; "Lille": the whole report scene;
    "Roubaix": nothing yet."""
    lille = make_workshop("LIL", "Atelier de Lille", "LI")
    roubaix = make_workshop("RBX", "Atelier de Roubaix", "RX")
    first = db.session.get(Workshop, 1)
    with use_workshop(lille.id):
        # The scene's factories tag with the install's prefix (RF): Lille's series of it
        # starts further on, so its tags cannot meet workshop 1's.
        take_numbers(counter_name("RF", 2025), 100)
        report_scene.build()
    _small_year(first)
    db.session.commit()
    return first, lille, roubaix


def _own_report(workshop_id: int) -> dict:
    """The workshop's figures as its own reports compute them (tenant-scoped queries)."""
    with use_workshop(workshop_id):
        minutes = sum(queries.present_minutes(queries.present_marks_in(YEAR)).values())
        return {"households": queries.served_total(YEAR),
                "weee_kg": sum((r.kg for r in queries.weee_by_category(YEAR)), D("0.00")),
                "training_minutes": minutes}


def test_each_row_is_its_workshops_figures_and_the_total_their_sum(network):
    first, lille, roubaix = network
    result = network_figures(YEAR)
    rows = {r.workshop_id: r.figures for r in result.rows}
    assert sorted(r.workshop_id for r in result.rows) == [first.id, lille.id, roubaix.id]
    assert rows[lille.id] == SCENE
    assert rows[roubaix.id] == Figures()
    assert rows[first.id] == Figures(collected=3)
    for workshop in (first, lille, roubaix):
        own = _own_report(workshop.id)
        assert rows[workshop.id].households == own["households"]
        assert rows[workshop.id].weee_kg == own["weee_kg"]
        assert rows[workshop.id].training_hours == (D(own["training_minutes"]) / 60).quantize(
            D("0.01"))
    total = result.total
    assert total == Figures(collected=10, reused=3, reused_kg=D("9.00"), recycled=2,
                            recycled_kg=D("15.00"), weee_kg=D("15.00"), households=3,
                            training_hours=D("16.00"), fees=D("30.00"))
    for name in ("collected", "reused", "reused_kg", "recycled", "recycled_kg", "weee_kg",
                 "households", "training_hours", "fees"):
        assert getattr(total, name) == sum(getattr(r, name) for r in rows.values()), name
    # The whole network as the reports' own queries see it, network-wide.
    with network_wide():
        assert total.households == queries.served_total(YEAR)
        assert total.collected == queries.transition_totals(YEAR)["received"]


def test_one_grouped_query_per_figure_whatever_the_number_of_workshops(network):
    with count_queries() as statements:
        network_figures(YEAR)
    three = len(statements)
    for n in range(5):
        extra = make_workshop(f"X{n}", f"Atelier {n}", f"X{n}")
        _small_year(extra)
    db.session.commit()
    with count_queries() as statements:
        result = network_figures(YEAR)
    assert len(result.rows) == 8
    assert len(statements) == three <= 8, statements


def test_network_page_and_csv_for_the_network_admin(app, network):
    first, lille, _roubaix = network
    from tests.factories import make_user

    admin = make_user("admin", workshop_id=first.id)
    admin.network_admin = True
    db.session.commit()
    client = sign_in(app, admin)
    page = client.get("/network/figures?year=2025").get_data(as_text=True)
    assert "Atelier de Lille" in page and "Atelier de Roubaix" in page
    assert "Total du réseau" in page
    response = client.get("/network/figures.csv?year=2025")
    assert response.status_code == 200
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Atelier", "Appareils collectés"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Atelier de Lille"][2:] == ["7", "3", "9,00", "2", "15,00", "15,00", "3",
                                               "16,00", "30,00"]
    assert by_name["Total du réseau"][2] == "10"


def test_a_workshop_admin_sees_only_their_workshop(app, network):
    first, lille, _roubaix = network
    from tests.factories import make_user

    admin = make_user("admin", workshop_id=lille.id)
    db.session.commit()
    client = sign_in(app, admin)
    page = client.get("/network/figures?year=2025").get_data(as_text=True)
    assert "Atelier de Lille" in page and "Atelier de Roubaix" not in page
    rows = client.get("/network/figures.csv?year=2025").data.decode("utf-8").splitlines()
    assert len(rows) == 3  # header, own workshop, total
    technician = make_user("technician", workshop_id=lille.id)
    db.session.commit()
    assert sign_in(app, technician).get("/network/figures").status_code == 403


def test_a_transferred_device_counts_where_each_event_happened(app, db):
    sender = make_workshop("LIL", "Atelier de Lille", "LI")
    receiver = make_workshop("RBX", "Atelier de Roubaix", "RX")
    device = stock(sender, 1)[0]
    from refurb.network import transfers
    from tests.factories import NOW

    with use_workshop(sender.id):
        note = transfers.sign_out([device.asset_tag], receiver.id, note="", actor_id=None,
                                  now=NOW)
    with use_workshop(receiver.id):
        transfers.receive(note, {}, actor_id=None, now=NOW + timedelta(hours=1))
    year = Period(date(NOW.year, 1, 1), date(NOW.year, 12, 31))
    rows = {r.workshop_id: r.figures for r in network_figures(year).rows}
    assert rows[sender.id].collected == 1 and rows[receiver.id].collected == 0
