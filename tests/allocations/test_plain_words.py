"""The pages social workers read describe a machine in plain words ("Portable 14 pouces, 8 Go
de mémoire, Linux Mint"), not with processor strings and drive interfaces."""

from __future__ import annotations

from decimal import Decimal

import pytest

from refurb.allocations import reservations
from tests.allocations.helpers import approved_file, ready_device
from tests.beneficiaries.helpers import NOW
from tests.querycount import count_queries


@pytest.mark.usefixtures("clock")
def test_ready_stock_and_reservation_describe_machines_plainly(db, client, login_as):
    login_as("social_worker")
    laptop = ready_device(ram_mib=8192, screen_inches=Decimal("14"))
    tower = ready_device("desktop", ram_mib=4096)
    db.session.commit()
    stock = client.get("/allocations/").get_data(as_text=True)
    assert "Portable 14 pouces, 8 Go de mémoire, Linux Mint" in stock
    assert "Ordinateur fixe, 4 Go de mémoire, Linux Mint" in stock
    grade = {"A": "A — comme neuf", "B": "B — traces d'usage légères"}[laptop.grade]
    assert grade.replace("'", "&#39;") in stock
    # The processor stays one click away, under "technical details".
    assert stock.index("Détails techniques") < stock.index("Intel Core i5-5300U")

    family = approved_file()
    reservation = reservations.reserve(family, [laptop, tower], actor_id=None, now=NOW)
    db.session.commit()
    page = client.get(f"/allocations/reservations/{reservation.id}").get_data(as_text=True)
    assert "Portable 14 pouces, 8 Go de mémoire, Linux Mint" in page
    assert "Intel Core" not in page


@pytest.mark.usefixtures("clock")
def test_describing_the_stock_does_not_grow_queries(db, client, login_as):
    login_as("social_worker")
    ready_device()
    db.session.commit()
    client.get("/allocations/")
    with count_queries() as few:
        client.get("/allocations/")
    for _ in range(6):
        ready_device(screen_inches=Decimal("15.6"))
    db.session.commit()
    with count_queries() as many:
        page = client.get("/allocations/").get_data(as_text=True)
    assert page.count("Portable 15,6 pouces") == 6
    assert len(many) == len(few)
