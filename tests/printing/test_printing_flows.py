"""Printing flows as technicians use them: files that scan back, history, validation, access."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from flask import render_template_string
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from refurb.devices import services as device_services
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.extensions import db as _db
from refurb.printing import load_stock
from refurb.printing.panels import collection_panel, device_panel
from tests.access import assert_only
from tests.factories import NOW, make_collection, make_device

CODE128 = zxingcpp.BarcodeFormat.Code128
QR = zxingcpp.BarcodeFormat.QRCode
DPI = 300
A4_24 = "a4-3x8-70x37"  # 24 places, no QR (fast bulk printing)
A4_QR = "a4-2x7-99x38"  # 14 places, QR enabled
A4_40 = "a4-4x10-48x25"  # drive labels, no QR
ZEBRA = "zebra-57x32-203dpi"


# ------------------------------------------------------------------------- helpers


def rasterise(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def read_place(img: Image.Image, stock, place: int, dpi: int = DPI) -> tuple[list, list]:
    """(Code128 texts, QR texts) found in one place of a sheet."""
    x, y = stock.place_origin(place)
    s = dpi / 25.4
    crop = img.crop((round(x * s), round(y * s), round((x + stock.label_width) * s),
                     round((y + stock.label_height) * s)))
    found = zxingcpp.read_barcodes(crop, formats=[CODE128, QR])
    return ([b.text for b in found if b.format == CODE128],
            [b.text for b in found if b.format == QR])


def sheet_contents(pdf: bytes, stock_id: str) -> list[tuple[list, list]]:
    """Every place of every page, in print order."""
    stock = load_stock(stock_id)
    return [read_place(page, stock, place) for page in rasterise(pdf)
            for place in range(1, stock.per_page + 1)]


def form(stock=A4_24, start=1, copies=1, fmt="pdf", action="print", **extra) -> dict:
    data = {"label-stock": stock, "label-start": str(start), "label-copies": str(copies),
            "label-format": fmt, "action": action}
    data.update({f"label-{k}": v for k, v in extra.items()})
    return data


def html_text(response) -> str:
    """The page with apostrophes unescaped, whichever way Jinja wrote them."""
    return response.get_data(as_text=True).replace("&#39;", "'")


def label_events(device_id: int | None = None) -> list[DeviceEvent]:
    query = select(DeviceEvent).where(DeviceEvent.kind == "label_printed")
    if device_id is not None:
        query = query.where(DeviceEvent.device_id == device_id)
    return list(_db.session.scalars(query.order_by(DeviceEvent.id)))


def add_device(collection, tag: str, device_type="laptop", **kwargs) -> Device:
    values = device_services.NewDevice(device_type=device_type, make="Dell",
                                       model="Latitude 5490", **kwargs)
    return device_services.create_device(values, actor_id=None, now=NOW, prefix="RF",
                                         collection_id=collection.id,
                                         collection_number=collection.number, asset_tag=tag)


def add_drive(tag: str | None, host: Device | None, model="Seagate ST1000LM035",
              capacity=10**12) -> Drive:
    drive = Drive(asset_tag=tag, device_id=host.id if host else None, model=model,
                  capacity_bytes=capacity, kind="hdd", created_at=NOW)
    _db.session.add(drive)
    _db.session.flush()
    return drive


@pytest.fixture
def intake(db):
    """A collection just received: three devices created out of tag order."""
    collection = make_collection(number="COL-2026-0001")
    devices = [
        add_device(collection, "RF-2026-000103", "desktop", ram_mib=4096),
        add_device(collection, "RF-2026-000101", "laptop",
                   cpu="Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz", ram_mib=8192),
        add_device(collection, "RF-2026-000102", "monitor"),
    ]
    _db.session.commit()
    return collection, sorted(devices, key=lambda d: d.asset_tag)


@pytest.fixture
def technician(login_as):
    return login_as("technician")


def post_collection(client, collection, **kwargs):
    return client.post(f"/printing/collections/{collection.id}", data=form(**kwargs))


# ------------------------------------------------------------------ collection print


def test_collection_pdf_scans_back_in_tag_order_with_qr(client, intake, technician):
    collection, devices = intake
    response = post_collection(client, collection, stock=A4_QR)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=etiquettes-COL-2026-0001.pdf")
    places = sheet_contents(response.data, A4_QR)
    expected = [([d.asset_tag], [f"http://refurb.test/devices/{d.id}"]) for d in devices]
    assert places[:3] == expected
    assert all(p == ([], []) for p in places[3:])


def test_collection_facts_line_is_printed(client, intake, technician):
    collection, devices = intake
    # The 99 mm sheet leaves room for the whole line next to the QR code.
    response = post_collection(client, collection, stock="a4-2x7-99x38")
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Ordinateur portable · i5-8350U · 8 Go · COL-2026-0001" in text
    assert "Unité centrale · 4 Go · COL-2026-0001" in text
    assert "Écran plat · COL-2026-0001" in text


def test_start_five_leaves_first_four_places_empty(client, intake, technician):
    collection, devices = intake
    places = sheet_contents(post_collection(client, collection, start=5).data, A4_24)
    assert places[:4] == [([], [])] * 4
    assert [p[0] for p in places[4:7]] == [[d.asset_tag] for d in devices]
    assert all(p == ([], []) for p in places[7:])


def test_copies_print_each_label_twice_in_a_row(client, intake, technician):
    collection, devices = intake
    places = sheet_contents(post_collection(client, collection, copies=2).data, A4_24)
    tags = [bars for bars, _qr in places if bars]
    assert tags == [[d.asset_tag] for d in devices for _ in range(2)]


def test_labels_overflowing_the_sheet_continue_on_a_new_page(client, intake, technician):
    collection, devices = intake
    pdf = post_collection(client, collection, start=23).data
    pages = rasterise(pdf)
    assert len(pages) == 2
    stock = load_stock(A4_24)
    assert read_place(pages[0], stock, 23)[0] == [devices[0].asset_tag]
    assert read_place(pages[0], stock, 24)[0] == [devices[1].asset_tag]
    assert read_place(pages[1], stock, 1)[0] == [devices[2].asset_tag]


def test_zpl_download_for_a_zebra_roll(client, intake, technician):
    collection, devices = intake
    response = post_collection(client, collection, stock=ZEBRA, fmt="zpl")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=etiquettes-COL-2026-0001.zpl")
    zpl = response.data.decode("utf-8")
    assert zpl.count("^XA") == 3
    assert zpl.count("^BC") == 3
    positions = [zpl.index(f"^FD{d.asset_tag}^FS") for d in devices]
    assert positions == sorted(positions)  # tag order


def test_png_download_is_the_first_page(client, intake, technician):
    collection, devices = intake
    response = post_collection(client, collection, fmt="png", start=2)
    assert response.mimetype == "image/png"
    assert "etiquettes-COL-2026-0001.png" in response.headers["Content-Disposition"]
    img = Image.open(io.BytesIO(response.data)).convert("L")
    stock = load_stock(A4_24)
    assert read_place(img, stock, 1, stock.dpi) == ([], [])
    assert read_place(img, stock, 2, stock.dpi)[0] == [devices[0].asset_tag]


def test_one_event_per_device_and_no_state_change(client, intake, technician):
    collection, devices = intake
    post_collection(client, collection, start=5, copies=2)
    _db.session.expire_all()
    events = label_events()
    assert sorted(e.device_id for e in events) == sorted(d.id for d in devices)
    for event in events:
        assert event.details == {"stock": A4_24, "copies": 2, "format": "pdf", "start": 5}
        assert event.actor_id == technician.id
        assert event.from_state == event.to_state == "received"
    assert {d.state for d in _db.session.scalars(select(Device))} == {"received"}


def test_preview_is_an_inline_png_and_records_nothing(client, intake, technician):
    collection, devices = intake
    response = post_collection(client, collection, fmt="pdf", action="preview", start=3)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")
    img = Image.open(io.BytesIO(response.data)).convert("L")
    stock = load_stock(A4_24)
    assert read_place(img, stock, 3, stock.dpi)[0] == [devices[0].asset_tag]
    assert label_events() == []


def test_collection_page_lists_devices_and_offers_formats(client, intake, technician):
    collection, _devices = intake
    page = client.get(f"/printing/collections/{collection.id}").get_data(as_text=True)
    assert "3 appareils, du RF-2026-000101 au RF-2026-000103." in page
    assert 'name="label-start"' in page and 'value="zpl"' in page
    assert "Aperçu PNG" in page


# ------------------------------------------------------------------ device reprint


def test_device_reprint_records_the_event(client, intake, technician):
    _collection, devices = intake
    device = devices[0]
    response = client.post(f"/printing/devices/{device.id}",
                           data=form(stock="brother-dk-62x29"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=etiquette-{device.asset_tag}.pdf")
    pages = rasterise(response.data)
    assert len(pages) == 1
    found = zxingcpp.read_barcodes(pages[0], formats=[CODE128, QR])
    assert sorted((b.format.name, b.text) for b in found) == sorted(
        [("Code128", device.asset_tag), ("QRCode", f"http://refurb.test/devices/{device.id}")])
    _db.session.expire_all()
    (event,) = label_events(device.id)
    assert event.details == {"stock": "brother-dk-62x29", "copies": 1, "format": "pdf",
                             "start": 1}
    assert [e.device_id for e in label_events()] == [device.id]


def test_device_without_collection_prints(client, technician):
    device = make_device("desktop", ram_mib=16384)
    _db.session.commit()
    response = client.post(f"/printing/devices/{device.id}", data=form(stock=ZEBRA, fmt="zpl"))
    zpl = response.data.decode()
    assert f"^FD{device.asset_tag}^FS" in zpl
    assert "^FDUnité centrale · 16 Go^FS" in zpl


def test_remembers_the_last_stock(client, intake, technician):
    _collection, devices = intake
    client.post(f"/printing/devices/{devices[0].id}", data=form(stock="dymo-99012-89x36"))
    page = client.get(f"/printing/devices/{devices[1].id}").get_data(as_text=True)
    assert re.search(r'<option selected value="dymo-99012-89x36"', page)


# -------------------------------------------------------------------------- drives


def test_drive_labels_for_tagged_drives(client, intake, technician):
    _collection, devices = intake
    host = devices[0]
    first = add_drive("RF-2026-000201", host)
    second = add_drive("RF-2026-000202", host, model="Samsung SSD 860", capacity=250 * 10**9)
    loose = add_drive("RF-2026-000203", None, model="Toshiba MQ01", capacity=500 * 10**9)
    add_drive(None, host)  # still inside, no tag of its own: not offered
    _db.session.commit()

    page = client.get(f"/printing/drives?device_id={host.id}").get_data(as_text=True)
    assert "RF-2026-000201\nRF-2026-000202</textarea>" in page

    tags = "rf-2026-000201\nRF-2026-000203\r\nRF-2026-000202\n"  # scanned, one per line
    response = client.post("/printing/drives", data=form(stock=A4_40, tags=tags))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=etiquettes-disques-3.pdf")
    places = sheet_contents(response.data, A4_40)
    assert places[:3] == [([first.asset_tag], []), ([loose.asset_tag], []),
                          ([second.asset_tag], [])]  # drive labels never carry a QR code
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Seagate ST1000LM035 · 1 To" in text
    assert "Samsung SSD 860 · 250 Go" in text

    _db.session.expire_all()
    (event,) = label_events()  # one event on the host for its two drives; the loose one has none
    assert event.device_id == host.id
    assert event.details == {"stock": A4_40, "copies": 1, "format": "pdf", "start": 1,
                             "drives": [first.asset_tag, second.asset_tag]}


def test_unknown_drive_tag_keeps_the_typed_list(client, intake, technician):
    _collection, devices = intake
    add_drive("RF-2026-000201", devices[0])
    _db.session.commit()
    response = client.post("/printing/drives",
                           data=form(stock=A4_40, tags="RF-2026-000201\nRF-2026-999999"))
    assert response.status_code == 400
    page = html_text(response)
    assert "Aucun disque ne porte ce numéro d'inventaire : RF-2026-999999." in page
    assert "RF-2026-000201\nRF-2026-999999</textarea>" in page
    assert label_events() == []


def test_drive_stock_must_be_meant_for_drives(client, intake, technician):
    _collection, devices = intake
    add_drive("RF-2026-000201", devices[0])
    _db.session.commit()
    response = client.post("/printing/drives", data=form(stock=A4_24, tags="RF-2026-000201"))
    assert response.status_code == 400
    assert "n'est pas prévu pour les étiquettes des disques" in html_text(response)


# ----------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stock": "avery-inconnue"}, "Support d'étiquettes inconnu : « avery-inconnue »"),
        ({"start": 25}, "Première place libre invalide : 25 ; la planche"),
        ({"start": 0}, "La première place libre est au moins 1."),
        ({"start": "cinq"}, "Saisissez un nombre entier."),
        ({"copies": 0}, "Il faut au moins un exemplaire."),
        ({"copies": ""}, "Indiquez le nombre d'exemplaires."),
        ({"copies": 700}, "Trop d'étiquettes pour une seule impression : 2100"),
        ({"fmt": "zpl"}, "Le format ZPL n'est proposé que pour les rouleaux Zebra"),
        ({"fmt": "docx"}, "Format inconnu : « docx »"),
        ({"stock": ZEBRA, "start": 2}, "Un rouleau n'a pas d'emplacement de départ"),
    ],
)
def test_bad_input_rerenders_the_form_in_french(client, intake, technician, kwargs, message):
    collection, _devices = intake
    data = {"start": 7, "copies": 3, **kwargs}
    response = post_collection(client, collection, **data)
    assert response.status_code == 400
    page = html_text(response)
    assert response.mimetype == "text/html"
    assert message in page
    # What was typed is still there to correct.
    assert re.search(f'<input [^>]*id="label-start"[^>]* value="{data["start"]}"', page)
    assert re.search(f'<input [^>]*id="label-copies"[^>]* value="{data["copies"]}"', page)
    assert label_events() == []


def test_collection_without_devices(client, technician):
    collection = make_collection(number="COL-2026-0009")
    _db.session.commit()
    response = client.post(f"/printing/collections/{collection.id}", data=form())
    assert response.status_code == 400
    assert "La collecte COL-2026-0009 n'a encore aucun appareil" in html_text(response)


def test_unknown_ids_are_404(client, technician):
    assert client.get("/printing/collections/999").status_code == 404
    assert client.post("/printing/devices/999", data=form()).status_code == 404


# -------------------------------------------------------------------- stocks page


def test_stocks_page_lists_sizes_and_test_prints(client, technician):
    page = client.get("/printing/stocks").get_data(as_text=True)
    assert "70 × 37 mm" in page and "3 × 8 = 24 par planche" in page
    assert "99,1 × 38,1 mm" in page
    assert "/printing/stocks/zebra-57x32-203dpi/test.zpl" in page
    assert "/printing/stocks/a4-3x8-70x37/test.zpl" not in page  # ZPL only for Zebra


def test_test_print_fills_a_sheet_and_records_nothing(client, technician):
    response = client.get(f"/printing/stocks/{A4_24}/test.pdf")
    assert response.status_code == 200
    assert "test-a4-3x8-70x37.pdf" in response.headers["Content-Disposition"]
    places = sheet_contents(response.data, A4_24)
    assert [p[0] for p in places] == [[f"RF-0000-{n:06d}"] for n in range(1, 25)]
    assert label_events() == []
    zpl = client.get(f"/printing/stocks/{ZEBRA}/test.zpl")
    assert zpl.data.decode().count("^BC") == 3
    assert client.get(f"/printing/stocks/{A4_24}/test.zpl").status_code == 400
    assert client.get("/printing/stocks/inconnu/test.pdf").status_code == 400


# -------------------------------------------------------------------------- panels


def render_panel(app, client, template: str, build, subject, user_id: int) -> str:
    """The panel as its page renders it: data from its build function, then its template."""
    with app.test_request_context("/"):
        # The signed-in user of `client` is not the one of this request: sign in here.
        from flask_login import login_user

        from refurb.accounts.models import User

        login_user(_db.session.get(User, user_id))
        return render_template_string(f'{{% include "{template}" %}}', panel=build(subject))


def test_device_panel_for_workshop_roles_only(app, intake, client, login_as):
    _collection, devices = intake
    technician = login_as("technician")
    html = render_panel(app, client, "printing/_device_panel.html", device_panel, devices[0],
                        user_id=technician.id)
    assert f'action="/printing/devices/{devices[0].id}"' in html
    assert "Imprimer l'étiquette" in html.replace("&#39;", "'")
    assert 'name="label-stock"' in html and 'name="label-copies"' in html
    social = login_as("social_worker")
    assert render_panel(app, client, "printing/_device_panel.html", device_panel, devices[0],
                        user_id=social.id).strip() == ""


def test_device_panel_links_tagged_drives(app, intake, client, login_as):
    _collection, devices = intake
    add_drive("RF-2026-000201", devices[0])
    _db.session.commit()
    _db.session.expire_all()
    user = login_as("admin")
    device = _db.session.get(Device, devices[0].id)
    html = render_panel(app, client, "printing/_device_panel.html", device_panel, device,
                        user_id=user.id)
    assert f"/printing/drives?device_id={device.id}" in html


def test_collection_panel(app, intake, client, login_as):
    collection, _devices = intake
    user = login_as("technician")
    html = render_panel(app, client, "printing/_collection_panel.html", collection_panel,
                        collection, user_id=user.id)
    assert f'action="/printing/collections/{collection.id}"' in html
    donor = login_as("donor")
    assert render_panel(app, client, "printing/_collection_panel.html", collection_panel,
                        collection, user_id=donor.id).strip() == ""


# -------------------------------------------------------------------------- access


def test_only_workshop_roles_print(app, intake):
    collection, devices = intake
    drive = add_drive("RF-2026-000201", devices[0])
    _db.session.commit()
    workshop = ("admin", "technician")
    for url in (f"/printing/collections/{collection.id}", f"/printing/devices/{devices[0].id}",
                f"/printing/drives?device_id={devices[0].id}", "/printing/stocks",
                f"/printing/stocks/{A4_24}/test.pdf"):
        assert_only(app, url, workshop)
    assert_only(app, f"/printing/devices/{devices[0].id}", workshop, method="POST", data=form())
    assert_only(app, f"/printing/collections/{collection.id}", workshop, method="POST",
                data=form())
    assert_only(app, "/printing/drives", workshop, method="POST",
                data=form(stock=A4_40, tags=drive.asset_tag))


def test_prefixed_form_passes_csrf(intake, _db_location):
    """Production keeps CSRF on: the « label- » prefixed token of the panel must be accepted."""
    from tests.conftest import make_app
    from tests.factories import make_user

    _collection, devices = intake
    user_id = make_user("technician").id
    url = f"/printing/devices/{devices[0].id}"
    _db.session.commit()  # SQLite: release the write lock before the second app writes
    app = make_app(_db_location, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    assert client.post(url, data=form()).status_code == 400  # no token: refused
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="label-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(url, data={**form(), "label-csrf_token": token})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


def test_device_page_with_the_panel_included(app, intake, client, login_as):
    """The include line handed to the devices page works inside its real layout."""
    from flask_login import login_user

    from refurb.devices import queries as device_queries
    from refurb.devices.forms import NoteForm, TransitionForm

    _collection, devices = intake
    user = login_as("technician")
    device = devices[0]
    page = (
        '{% extends "devices/show.html" %}'
        '{% block device_extra %}{% include "printing/_device_panel.html" %}{% endblock %}'
    )
    with app.test_request_context(f"/devices/{device.id}"):
        login_user(user)
        html = render_template_string(
            page, device=device, options=device_services.next_states(device),
            history=device_queries.get_history(device.id), transition_form=TransitionForm(),
            note_form=NoteForm(), can_change=True, panel=device_panel(device))
    assert f'action="/printing/devices/{device.id}"' in html
    assert 'id="label-stock"' in html and 'id="note"' in html


def test_collection_page_query_count_does_not_grow_with_devices(client, intake, technician):
    from tests.querycount import count_queries

    collection, _devices = intake
    url = f"/printing/collections/{collection.id}"
    _db.session.commit()  # both measures start with an expired identity map
    with count_queries() as few:
        client.get(url)
    for n in range(10):
        add_device(collection, f"RF-2026-{300 + n:06d}")
    _db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 6
