"""Merging several reports about one machine, and the JSON the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refurb.core.device_types import DeviceType
from refurb.core.hardware import (
    DEVICE_TYPES,
    PARSERS,
    DriveReport,
    HardwareReport,
    parse_reports,
    report_to_json,
)
from refurb.core.hardware.base import Partial, device_type_for

FIXTURES = Path(__file__).parents[2] / "fixtures"
JSON_KEYS = {
    "manufacturer", "model", "serial", "chassis", "device_type", "cpu", "ram_mib",
    "ram_slots_used", "drives",
}  # fmt: skip
DRIVE_KEYS = {"model", "serial", "capacity_bytes", "kind", "power_on_hours", "smart_passed"}


def _read(relative: str) -> str:
    return (FIXTURES / relative).read_text()


HP_DMI = _read("dmidecode/Low_Profile_Desktop-Hewlett-Packard-EliteDesk_800_G1_SFF.txt")
HP_LSHW = _read("lshw/desktop-HP-EliteDesk_800_G1_SFF.json")
SSD_860 = _read("smartctl/ssd-sata-Samsung_SSD_860_EVO_1TB-passed.txt")
HGST = _read("smartctl/hdd-sata-2.5in-HGST_HTS545050A7E380-FAILED.txt")


@pytest.fixture(scope="module")
def workshop_report() -> HardwareReport:
    # Input order should not matter for who wins: lshw comes first on purpose.
    return parse_reports([HP_LSHW, SSD_860, HP_DMI, HGST])


def test_identity_from_dmidecode_gaps_from_lshw(workshop_report):
    report = workshop_report
    assert report.model == "HP EliteDesk 800 G1 SFF"
    assert report.chassis == "Low Profile Desktop" and report.device_type == "desktop"
    assert report.serial == "CZC4321XYZ"  # masked in the dmidecode dump, read by lshw


def test_drives_smartctl_first_then_lshw_extras(workshop_report):
    assert workshop_report.drives == [
        # smartctl's masked serial and full model; lshw's truncated "Samsung SSD 860" merged in.
        DriveReport("Samsung SSD 860 EVO 1TB", "S3Z9NB0K512345X", 1000204886016, "ssd", 2783, True),
        # Same size as lshw's Seagate but another model: a different drive.
        DriveReport("HGST HTS545050A7E380", None, 500107862016, "hdd", 3695, False),
        DriveReport("ST500DM002-1BD14", "Z3TABCDE", 500107862016, None, None, None),
    ]
    assert workshop_report.warnings == []


def test_same_drive_as_text_and_json_is_listed_once():
    doc = {"smartctl": {}, "model_name": "Samsung SSD 860 EVO 1TB", "serial_number": "S3Z9",
           "rotation_rate": 0, "power_on_time": {"hours": 2783}}  # fmt: skip
    text = SSD_860.replace("Serial Number:    --", "Serial Number:    s3z9")
    report = parse_reports([text, json.dumps(doc)])
    assert len(report.drives) == 1
    assert report.drives[0].capacity_bytes == 1000204886016


def test_lshw_fills_what_dmidecode_lacks():
    asrock = _read("dmidecode/Desktop-ASRock-B450M_Pro4.txt")
    node = {"class": "system", "vendor": "Atelier", "product": "Tour 42", "serial": "AT-0042",
            "configuration": {"chassis": "tower"}}  # fmt: skip
    report = parse_reports([asrock, json.dumps(node)])
    assert (report.manufacturer, report.model, report.serial) == ("Atelier", "Tour 42", "AT-0042")
    assert report.chassis == "Desktop"  # dmidecode still wins where it knows
    assert report.cpu == "AMD Ryzen 5 2600X Six-Core Processor"


def test_conflicting_serials_warn():
    dmi = HP_DMI.replace("Serial Number: --", "Serial Number: CZC9999", 1)
    report = parse_reports([dmi, HP_LSHW])
    assert report.serial == "CZC9999"
    assert any("CZC4321XYZ" in w and "CZC9999" in w for w in report.warnings)


@pytest.mark.parametrize(
    "texts",
    [
        ["hello"],
        [""],
        ["   \n"],
        ["{not json"],
        ['{"a": 1}'],
        ["[]"],
        [b"\xff\xfe binary \x00"],
        [None],
    ],
    ids=repr,
)
def test_unusable_input_warns_and_never_raises(texts):
    report = parse_reports(texts)
    assert isinstance(report, HardwareReport)
    assert report.warnings
    assert report_to_json(report)["drives"] == []


def test_unrecognised_warning_is_french_and_quotes_the_text():
    (warning,) = parse_reports(["Bonjour l'atelier"]).warnings
    assert warning.startswith("Rapport non reconnu")
    assert "Bonjour l'atelier" in warning


def test_report_to_json_keys(workshop_report):
    data = report_to_json(workshop_report)
    assert set(data) == JSON_KEYS | {"warnings"}
    assert set(report_to_json(workshop_report, with_warnings=False)) == JSON_KEYS
    assert all(set(d) == DRIVE_KEYS for d in data["drives"])
    assert json.loads(json.dumps(data)) == data


def test_parsers_registry_shape():
    assert [p.name for p in PARSERS] == ["smartctl-json", "lshw-json", "dmidecode", "smartctl"]
    for parser in PARSERS:
        assert parser.detect("") is False
        assert isinstance(parser.parse(""), Partial)


def test_one_paste_with_dmidecode_and_smartctl_reads_both():
    report = parse_reports([HP_DMI + "\n\n" + SSD_860])
    assert report.model == "HP EliteDesk 800 G1 SFF"
    assert [d.model for d in report.drives] == ["Samsung SSD 860 EVO 1TB"]


@pytest.mark.parametrize(
    ("chassis", "device_type"),
    [
        ("Notebook", "laptop"),
        ("Laptop", "laptop"),
        ("Portable", "laptop"),
        ("Sub Notebook", "laptop"),
        ("Convertible", "laptop"),
        ("Detachable", "laptop"),
        ("Desktop", "desktop"),
        ("Tower", "desktop"),
        ("Low Profile Desktop", "desktop"),
        ("Mini Tower", "desktop"),
        ("Space-saving", "desktop"),
        ("Lunch Box", "desktop"),
        ("Pizza Box", "desktop"),
        ("All In One", "all_in_one"),
        ("Mini PC", "mini_pc"),
        ("Stick PC", "mini_pc"),
        ("Main Server Chassis", "server"),
        ("Rack Mount Chassis", "server"),
        ("Multi-system", "server"),
        ("Blade", "server"),
        ("Tablet", "tablet"),
        ("Hand Held", "other"),
        ("Docking Station", "other"),
        ("Other", "other"),
        ("notebook", "laptop"),
        ("low-profile", "desktop"),
        ("all-in-one", "all_in_one"),
        ("mini", "mini_pc"),
        ("rackmount", "server"),
        (None, None),
    ],
)
def test_chassis_to_device_type(chassis, device_type):
    assert device_type_for(chassis) == device_type


def test_device_types_are_known_to_the_app():
    assert set(DEVICE_TYPES) <= {t.value for t in DeviceType}
