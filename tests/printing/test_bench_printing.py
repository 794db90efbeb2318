"""Printing at the bench: the label of the machine just saved, printed right there (stock,
format and next free place remembered per technician), sent to a network Zebra printer, or
put in the « à imprimer » tray that prints as one run from the first free place."""

from __future__ import annotations

import re
import socket
import threading

import pytest
from sqlalchemy import select

from refurb.core.label_facts import device_facts_line
from refurb.devices.models import Device
from refurb.printing import RENDERERS, LabelData, load_stock
from refurb.printing.bench import ZEBRA_HOST, ZEBRA_PORT
from refurb.printing.models import LabelPreference, LabelTrayItem
from refurb.settings import services as settings
from tests.access import assert_only
from tests.factories import NOW, make_device
from tests.intake.helpers import open_collection
from tests.printing.test_printing_flows import (
    A4_24,
    ZEBRA,
    form,
    html_text,
    label_events,
    sheet_contents,
)

MACHINE = {"device_type": "laptop", "make": "Dell", "model": "Latitude E7450",
           "weight_kg": "2,1", "legal_status": "reuse", "condition_notes": ""}


def save_at_bench(client, collection, serial: str) -> tuple[Device, str]:
    """One machine saved at the bench; returns it and the bench page shown after the save."""
    response = client.post(f"/collections/{collection.id}/intake",
                           data={**MACHINE, "serial": serial})
    assert response.status_code == 302
    after = response.headers["Location"]
    device = Device.query.filter_by(serial=serial).one()
    assert f"saved={device.id}" in after
    return device, after


def start_shown(page: str) -> str:
    match = re.search(r'<input[^>]*name="label-start"[^>]*>', page.split('id="bench-label-h"')[1])
    return re.search(r'value="(\d+)"', match.group(0)).group(1)


@pytest.fixture
def bench(client, db, login_as):
    tech = login_as("technician")
    collection = open_collection()
    db.session.commit()
    return tech, collection


def test_after_a_save_the_label_of_exactly_that_machine_prints_at_the_bench(client, db, bench):
    tech, collection = bench
    save_at_bench(client, collection, "5CG00001")
    device, after = save_at_bench(client, collection, "5CG00002")
    page = html_text(client.get(after))
    assert f"Étiquette de {device.asset_tag}" in page
    assert f'action="/printing/bench/{device.id}"' in page
    response = client.post(f"/printing/bench/{device.id}",
                           data={**form(stock=A4_24, start=5), "next": after})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    places = sheet_contents(response.data, A4_24)
    assert places[4] == ([device.asset_tag], [])  # place 5, the first free one
    assert [p for i, p in enumerate(places) if i != 4] == [([], [])] * 23  # nothing else
    assert [e.device_id for e in label_events()] == [device.id]
    remembered = db.session.get(LabelPreference, tech.id)
    assert (remembered.stock_id, remembered.format, remembered.next_start) == (A4_24, "pdf", 6)
    # The next machine: the same stock, the next free place, without asking again.
    _, after = save_at_bench(client, collection, "5CG00003")
    page = client.get(after).get_data(as_text=True)
    assert start_shown(page) == "6"
    assert re.search(rf'<option selected value="{A4_24}">', page)


def test_the_tray_prints_its_machines_as_one_run_from_the_first_free_place(client, db, bench):
    tech, collection = bench
    first, after = save_at_bench(client, collection, "5CG00011")
    added = client.post(f"/printing/bench/{first.id}", data={"action": "tray", "next": after},
                        follow_redirects=True)
    assert f"{first.asset_tag} ajouté au bac « à imprimer »." in html_text(added)
    second, after = save_at_bench(client, collection, "5CG00012")
    client.post(f"/printing/bench/{second.id}", data={"action": "tray", "next": after})
    again = client.post(f"/printing/bench/{second.id}", data={"action": "tray", "next": after},
                        follow_redirects=True)
    assert f"{second.asset_tag} est déjà dans le bac" in html_text(again)
    tray = client.get("/printing/tray").get_data(as_text=True)
    assert tray.index(first.asset_tag) < tray.index(second.asset_tag)
    printed = client.post("/printing/tray", data=form(stock=A4_24, start=23))
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    places = sheet_contents(printed.data, A4_24)
    assert places[22:24] == [([first.asset_tag], []), ([second.asset_tag], [])]
    assert all(p == ([], []) for p in places[:22])
    assert len(places) == 24  # one sheet: the run ends on its last two places
    assert db.session.scalars(select(LabelTrayItem)).all() == []
    assert db.session.get(LabelPreference, tech.id).next_start == 1  # that sheet is used up
    assert sorted(e.device_id for e in label_events()) == sorted([first.id, second.id])
    empty = client.post("/printing/tray", data=form(stock=A4_24))
    assert empty.status_code == 400 and "Le bac « à imprimer » est vide." in html_text(empty)


def test_a_machine_leaves_the_tray(client, db, bench):
    _tech, collection = bench
    device, after = save_at_bench(client, collection, "5CG00021")
    client.post(f"/printing/bench/{device.id}", data={"action": "tray", "next": after})
    client.post(f"/printing/tray/{device.id}/remove")
    assert "Le bac est vide" in html_text(client.get("/printing/tray"))


class FakeZebra:
    """A TCP listener standing in for a Zebra printer on its raw port: keeps what it gets."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(10)
            while chunk := conn.recv(65536):
                self.received += chunk

    def close(self) -> bytes:
        self.thread.join(10)
        self.server.close()
        return self.received


def set_printer(port: int) -> None:
    settings.set_value(ZEBRA_HOST.key, "127.0.0.1", actor_id=None, now=NOW)
    settings.set_value(ZEBRA_PORT.key, str(port), actor_id=None, now=NOW)


def test_zpl_goes_straight_to_the_network_zebra_printer(client, db, bench):
    _tech, collection = bench
    printer = FakeZebra()
    set_printer(printer.port)
    db.session.commit()
    device, after = save_at_bench(client, collection, "5CG00031")
    page = html_text(client.get(after))
    assert f"Envoyer à l’imprimante Zebra (127.0.0.1:{printer.port})" in page
    sent = client.post(f"/printing/bench/{device.id}",
                       data={**form(stock=ZEBRA, fmt="zpl", action="send"), "next": after},
                       follow_redirects=True)
    assert "1 étiquette(s) envoyée(s) à l'imprimante 127.0.0.1." in html_text(sent)
    received = printer.close()
    facts = device_facts_line("laptop", collection_number=collection.number)
    label = LabelData(device.asset_tag, facts, None, "device")
    assert received == RENDERERS["zpl"].render(load_stock(ZEBRA), [label], start=1, copies=1)
    assert received.count(b"^XA") == 1 and device.asset_tag.encode() in received
    assert [e.device_id for e in label_events()] == [device.id]


def test_an_unreachable_printer_is_said_in_french_and_nothing_is_recorded(client, db, bench):
    tech, collection = bench
    with socket.create_server(("127.0.0.1", 0)) as probe:
        closed_port = probe.getsockname()[1]  # nothing listens there once closed
    set_printer(closed_port)
    db.session.commit()
    device, after = save_at_bench(client, collection, "5CG00041")
    refused = client.post(f"/printing/bench/{device.id}",
                          data={**form(stock=ZEBRA, fmt="zpl", action="send"), "next": after},
                          follow_redirects=True)
    assert (f"Impossible de joindre l'imprimante 127.0.0.1 (port {closed_port}) : vérifiez son "
            "adresse dans les réglages, et qu'elle est allumée. Rien n'a été imprimé."
            ) in html_text(refused)
    assert label_events() == []
    assert db.session.get(LabelPreference, tech.id) is None


def test_sending_without_a_printer_set_asks_for_one(client, db, bench):
    _tech, collection = bench
    device, after = save_at_bench(client, collection, "5CG00051")
    assert "Envoyer à l’imprimante Zebra" not in html_text(client.get(after))
    refused = client.post(f"/printing/bench/{device.id}",
                          data={**form(stock=ZEBRA, fmt="zpl", action="send"), "next": after},
                          follow_redirects=True)
    assert "Aucune imprimante Zebra réseau n'est réglée" in html_text(refused)


def test_only_the_workshop_prints_at_the_bench(app, db):
    device = make_device()
    db.session.commit()
    assert_only(app, f"/printing/bench/{device.id}", {"admin", "technician"}, method="POST")
    assert_only(app, f"/printing/tray/{device.id}/remove", {"admin", "technician"},
                method="POST")


def test_the_hardware_report_page_offers_the_label_of_its_own_machines_only(client, db, bench):
    _tech, collection = bench
    device, _after = save_at_bench(client, collection, "5CG00061")
    other = make_device()
    db.session.commit()
    url = f"/collections/{collection.id}/intake/report"
    assert f"Étiquette de {device.asset_tag}" in html_text(client.get(f"{url}?saved={device.id}"))
    for page in (f"{url}?saved={other.id}", f"/collections/{collection.id}/intake?saved={other.id}"):
        assert "bench-label-h" not in client.get(page).get_data(as_text=True)
