"""lshw -json samples read as their EXPECTED.json says, plus the shapes lshw versions vary in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refurb.core.hardware import DriveReport, lshw, parse_reports, report_to_json

FIXTURES = Path(__file__).parents[2] / "fixtures" / "lshw"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text())["machines"]
FIELDS = ("manufacturer", "model", "serial", "chassis", "device_type", "cpu", "ram_mib",
          "ram_slots_used", "drives")  # fmt: skip
CASES = [
    pytest.param(name, field, id=f"{name.removesuffix('.json')}-{field}")
    for name in EXPECTED
    for field in FIELDS
]


@pytest.fixture(scope="module")
def reports() -> dict:
    return {name: parse_reports([(FIXTURES / name).read_text()]) for name in EXPECTED}


@pytest.mark.parametrize(("name", "field"), CASES)
def test_fixture_field(reports, name, field):
    assert report_to_json(reports[name])[field] == EXPECTED[name][field]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_warnings(reports, name):
    assert len(reports[name].warnings) == EXPECTED[name]["warning_count"]


def test_usb_boot_key_is_reported_not_counted(reports):
    report = reports["laptop-Lenovo-ThinkPad_T480.json"]
    assert any("USB" in w and "Cruzer Blade" in w for w in report.warnings)


def _laptop() -> dict:
    return json.loads((FIXTURES / "laptop-Lenovo-ThinkPad_T480.json").read_text())


def test_object_list_and_bare_siblings_read_the_same():
    doc = _laptop()
    as_object = lshw.parse(json.dumps(doc))
    assert lshw.parse(json.dumps([doc])) == as_object
    # Some versions print several top-level nodes with no enclosing list.
    siblings = json.dumps(doc) + ",\n" + json.dumps({"id": "extra", "class": "generic"})
    assert lshw.detect(siblings)
    assert lshw.parse(siblings) == as_object


@pytest.mark.parametrize(
    ("product", "sku", "expected"),
    [
        ("20L6S52C0L (LENOVO_MT_20L6)", "LENOVO_MT_20L6", "20L6S52C0L"),
        ("HP ProBook 450 G5 (3VK36ES#ABF)", "3VK36ES#ABF", "HP ProBook 450 G5"),
        ("To Be Filled By O.E.M. (To Be Filled By O.E.M.)", "To Be Filled By O.E.M.", None),
        ("System Product Name (SKU)", "SKU", None),
        ("OptiPlex 7010 (Default string)", None, "OptiPlex 7010"),
        ("Latitude E6410", None, "Latitude E6410"),
        ("Aspire (Z3771)", None, "Aspire (Z3771)"),
    ],
)
def test_system_product_without_sku(product, sku, expected):
    node = {"class": "system", "product": product, "configuration": {"sku": sku} if sku else {}}
    assert lshw.parse(json.dumps(node)).model == expected


def test_without_dmi_ram_comes_from_the_kernel_total():
    node = {
        "id": "vm",
        "class": "system",
        "description": "Computer",
        "children": [
            {"id": "memory", "class": "memory", "description": "System memory",
             "units": "bytes", "size": 8254377984},
        ],
    }  # fmt: skip
    out = lshw.parse(json.dumps(node))
    assert (out.ram_mib, out.ram_slots_used, out.chassis) == (7871, None, None)


def test_old_lshw_description_gives_the_chassis():
    out = lshw.parse(json.dumps({"class": "system", "description": "Desktop Computer"}))
    assert out.chassis == "Desktop"


def test_old_style_nvme_namespace_and_emmc():
    node = {
        "class": "system",
        "children": [
            {"id": "nvme", "class": "storage", "description": "NVMe device", "children": [
                {"id": "disk", "class": "disk", "description": "NVMe disk",
                 "product": "KBG40ZNS256G NVMe KIOXIA 256GB", "serial": "Y0NA1234",
                 "logicalname": "/dev/nvme0n1", "size": 256060514304}]},
            {"id": "disk", "class": "disk", "logicalname": "/dev/mmcblk0", "businfo": "mmc@0:0001",
             "product": "DF4064", "serial": "0x12345678", "size": 62537072640},
        ],
    }  # fmt: skip
    assert lshw.parse(json.dumps(node)).drives == [
        DriveReport("KBG40ZNS256G NVMe KIOXIA 256GB", "Y0NA1234", 256060514304, "nvme"),
        DriveReport("DF4064", "0x12345678", 62537072640, "emmc"),
    ]


def test_wrong_types_are_ignored():
    node = {
        "class": "system",
        "product": ["not", "a", "string"],
        "configuration": "chassis=notebook",
        "children": {"oops": True},
    }
    out = lshw.parse(json.dumps(node))
    assert (out.model, out.chassis, out.drives) == (None, None, [])
    memory = {"class": "memory", "description": "System Memory", "children": [{"size": -1}]}
    deeper = {
        "class": "system",
        "children": [None, 3, "x", {"class": "disk", "size": "big"}, memory],
    }
    out = lshw.parse(json.dumps(deeper))
    assert (out.drives, out.ram_mib) == ([], None)


def test_detect():
    assert lshw.detect(json.dumps([{"id": "disk", "class": "disk"}]))
    assert not lshw.detect(json.dumps({"smartctl": {}, "class": "disk"}))
    assert not lshw.detect("System Information\n\tManufacturer: Dell Inc.\n")
    assert not lshw.detect("[1, 2")
