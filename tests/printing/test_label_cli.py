"""``flask labels render`` / ``flask labels stocks``: files that scan back, clear refusals."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from refurb.devices.models import Drive
from refurb.extensions import db as _db
from refurb.printing import list_stocks, load_stock
from tests.factories import NOW, make_collection, make_device
from tests.printing.test_printing_flows import read_place, sheet_contents

A4_24 = "a4-3x8-70x37"


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def known(db):
    """One device of a collection and one removed drive, committed for the CLI's session."""
    device = make_device("laptop", collection=make_collection(number="COL-2026-0005"),
                         cpu="Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz", ram_mib=8192)
    drive = Drive(asset_tag="RF-2026-000900", device_id=device.id, model="Seagate ST500",
                  capacity_bytes=500 * 10**9, kind="hdd", created_at=NOW)
    _db.session.add(drive)
    _db.session.commit()
    return device, drive


def render(runner, out, *tags, stock=A4_24, extra=()):
    return runner.invoke(args=["labels", "render", "--stock", stock, "--out", str(out),
                               *extra, *tags])


def test_pdf_decodes_with_facts_for_known_tags(runner, known, tmp_path):
    device, drive = known
    out = tmp_path / "lot.pdf"
    result = render(runner, out, device.asset_tag, drive.asset_tag, "RF-2026-777777",
                    stock="a4-2x7-99x38", extra=["--start", "3", "--copies", "2"])
    assert result.exit_code == 0, result.output
    assert "6 étiquette(s)" in result.output
    places = sheet_contents(out.read_bytes(), "a4-2x7-99x38")
    assert places[:2] == [([], []), ([], [])]
    qr = [f"http://refurb.test/devices/{device.id}"]
    assert places[2:8] == [([device.asset_tag], qr)] * 2 + [([drive.asset_tag], [])] * 2 + [
        (["RF-2026-777777"], [])] * 2  # unknown tag: printed alone, no QR


def test_facts_line_in_zpl(runner, known, tmp_path):
    device, drive = known
    out = tmp_path / "lot.zpl"
    result = render(runner, out, device.asset_tag, drive.asset_tag, "XYZ-1",
                    stock="zebra-57x32-203dpi")
    assert result.exit_code == 0, result.output
    zpl = out.read_text("utf-8")
    assert zpl.count("^BC") == 3
    for tag in (device.asset_tag, drive.asset_tag, "XYZ-1"):
        assert f"^FD{tag}^FS" in zpl
    assert "^FDOrdinateur portable · i5-8350U · 8 Go · COL-2026-0005^FS" in zpl
    assert "^FDSeagate ST500 · 500 Go^FS" in zpl


def test_png_preview_decodes(runner, known, tmp_path):
    device, _drive = known
    out = tmp_path / "apercu.PNG"  # extension case does not matter
    result = render(runner, out, device.asset_tag, stock="brother-dk-62x29")
    assert result.exit_code == 0, result.output
    img = Image.open(io.BytesIO(out.read_bytes())).convert("L")
    stock = load_stock("brother-dk-62x29")
    assert read_place(img, stock, 1, stock.dpi) == (
        [device.asset_tag], [f"http://refurb.test/devices/{device.id}"])
    found = zxingcpp.read_barcodes(img)
    assert len(found) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stock", "avery-inconnue", "--out", "{tmp}/x.pdf", "RF-2026-000001"],
         "Support d'étiquettes inconnu : « avery-inconnue »"),
        (["--stock", A4_24, "--out", "{tmp}/x.docx", "RF-2026-000001"],
         "Extension « .docx » non prise en charge"),
        (["--stock", A4_24, "--out", "{tmp}/x.zpl", "RF-2026-000001"],
         "Le format ZPL est réservé aux rouleaux Zebra"),
        (["--stock", A4_24, "--out", "{tmp}/x.pdf", "--start", "25", "RF-2026-000001"],
         "Position de départ invalide : 25"),
        (["--stock", A4_24, "--out", "{tmp}/x.pdf", "--copies", "0", "RF-2026-000001"],
         "Nombre d'exemplaires invalide"),
        (["--stock", A4_24, "--out", "{tmp}/x.pdf", "RF-2026-0000é1"],
         "impossibles à encoder en Code128"),
        (["--stock", A4_24, "--out", "{tmp}/absent/x.pdf", "RF-2026-000001"],
         "Impossible d'écrire"),
        (["--stock", A4_24, "--out", "{tmp}/x.pdf"], "Missing argument"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(runner, db, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(args=["labels", "render", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_stocks_lists_every_stock(runner, db):
    result = runner.invoke(args=["labels", "stocks"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [s.id for s in list_stocks()]
    zebra = next(line for line in lines if line.startswith("zebra"))
    assert "57 × 32 mm" in zebra and "formats : pdf, png, zpl" in zebra
    a4 = next(line for line in lines if line.startswith(A4_24))
    assert "3 × 8 = 24 par planche" in a4 and "zpl" not in a4
    assert "99,1 × 38,1 mm" in result.output
