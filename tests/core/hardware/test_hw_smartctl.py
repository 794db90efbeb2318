"""smartctl text and JSON reports read as their EXPECTED.json say, plus format variants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refurb.core.hardware import DriveReport, parse_reports, smartctl

FIXTURES = Path(__file__).parents[2] / "fixtures"
TEXT_EXPECTED = json.loads((FIXTURES / "smartctl" / "EXPECTED.json").read_text())["drives"]
JSON_DOC = json.loads((FIXTURES / "smartctl_json" / "EXPECTED.json").read_text())
JSON_EXPECTED = JSON_DOC["drives"]
KIND_BY_DEVICE_TYPE = {"HDD": "hdd", "SSD": "ssd", "NVMe": "nvme"}


def _text_expected(drive: dict) -> dict:
    return {
        "model": drive["model"],
        "serial": drive["serial"],
        "capacity_bytes": drive["capacity_bytes"],
        "kind": KIND_BY_DEVICE_TYPE[drive["device_type"]],
        "power_on_hours": drive["power_on_hours"],
        "smart_passed": drive["smart_health"] == "PASSED",
    }


def _cases(expected: dict, shape) -> list:
    return [
        pytest.param(name, field, value, id=f"{name.rsplit('.', 1)[0]}-{field}")
        for name, drive in expected.items()
        for field, value in shape(drive).items()
    ]


def _only_drive(path: Path) -> DriveReport:
    report = parse_reports([path.read_text()])
    assert len(report.drives) == 1, report
    return report.drives[0]


@pytest.mark.parametrize(("name", "field", "value"), _cases(TEXT_EXPECTED, _text_expected))
def test_text_fixture_field(name, field, value):
    assert getattr(_only_drive(FIXTURES / "smartctl" / name), field) == value


@pytest.mark.parametrize(("name", "field", "value"), _cases(JSON_EXPECTED, dict))
def test_json_fixture_field(name, field, value):
    assert getattr(_only_drive(FIXTURES / "smartctl_json" / name), field) == value


@pytest.mark.parametrize("name", sorted(TEXT_EXPECTED))
def test_text_fixture_gives_no_machine_identity_and_no_warning(name):
    report = parse_reports([(FIXTURES / "smartctl" / name).read_text()])
    assert (report.manufacturer, report.model, report.chassis, report.device_type) == (None,) * 4
    assert report.warnings == []


def test_json_open_failure_gives_a_warning_not_a_drive():
    name, what = next(iter(JSON_DOC["no_drive"].items()))
    report = parse_reports([(FIXTURES / "smartctl_json" / name).read_text()])
    assert report.drives == []
    assert any(what["warning_contains"] in w for w in report.warnings)


def test_failed_health_keeps_hours_despite_missing_banner():
    text = (FIXTURES / "smartctl" / "hdd-sata-2.5in-HGST_HTS545050A7E380-FAILED.txt").read_text()
    assert not text.startswith("smartctl")
    assert smartctl.detect_text(text)


def test_two_drives_pasted_together():
    texts = [
        (FIXTURES / "smartctl" / n).read_text()
        for n in (
            "ssd-sata-Samsung_SSD_860_EVO_1TB-passed.txt",
            "nvme-Samsung_SSD_970_EVO_1TB-passed.txt",
        )
    ]
    out = smartctl.parse_text("\n".join(texts))
    assert [d.kind for d in out.drives] == ["ssd", "nvme"]
    assert [d.power_on_hours for d in out.drives] == [2783, 7761]


# --- text variants --------------------------------------------------------------------------

ATA_A = """\
smartctl 6.6 2016-05-31 r4324 [x86_64-linux-4.9.0-8-amd64] (local build)
=== START OF INFORMATION SECTION ===
Model Family:     Intel 53x and Pro 1500/2500 Series SSDs
Device Model:     INTEL SSDSC2BW240H6
Serial Number:    CVTR612300AB240CGN
User Capacity:    240.057.409.536 bytes [240 GB]
Sector Size:      512 bytes logical/physical
Device is:        In smartctl database [for details use: -P show]

=== START OF READ SMART DATA SECTION ===
SMART overall-health self-assessment test result: PASSED

ID# ATTRIBUTE_NAME          FLAG     VALUE WORST THRESH TYPE      UPDATED  WHEN_FAILED RAW_VALUE
  5 Reallocated_Sector_Ct   0x0032   100   100   000    Old_age   Always       -       0
  9 Power_On_Hours_and_Msec 0x0032   000   000   000    Old_age   Always       -       12345h+12m+05.123s
233 Media_Wearout_Indicator 0x0032   095   095   000    Old_age   Always       -       0
"""


def test_smartctl_a_layout_with_msec_hours_and_dotted_capacity():
    (drive,) = smartctl.parse_text(ATA_A).drives
    assert drive == DriveReport(
        model="INTEL SSDSC2BW240H6",
        serial="CVTR612300AB240CGN",
        capacity_bytes=240057409536,
        kind="ssd",  # no Rotation Rate line: the wear attribute tells
        power_on_hours=12345,
        smart_passed=True,
    )


@pytest.mark.parametrize(
    ("name", "raw", "hours"),
    [
        ("Power_On_Hours", "21620", 21620),
        ("Power_On_Hours", "3695 (151 204 0)", 3695),
        ("Power_On_Minutes", "600", 10),
        ("Power_On_Minutes", "1234h+56m", 1234),
        ("Power_On_Half_Minutes", "1200", 10),
        ("Power_On_Seconds", "36000", 10),
    ],
)
def test_power_on_units(name, raw, hours):
    line = f"  9 {name:<23} -O--CK   100   100   000    -    {raw}\n"
    text = "=== START OF INFORMATION SECTION ===\nDevice Model: X 1\n" + line
    assert smartctl.parse_text(text).drives[0].power_on_hours == hours


def test_absurd_hours_are_dropped_with_a_warning():
    text = "Device Model: X 1\n  9 Power_On_Hours -O--CK 100 100 000 - 99999999999\n"
    out = smartctl.parse_text(text)
    assert out.drives[0].power_on_hours is None
    assert any("invraisemblables" in w for w in out.warnings)


SCSI = """\
smartctl 7.2 2020-12-30 r5155 [x86_64-linux-5.10.0-23-amd64] (local build)
=== START OF INFORMATION SECTION ===
Vendor:               SEAGATE
Product:              ST300MM0006
Revision:             B001
User Capacity:        300 000 000 000 bytes [300 GB]
Rotation Rate:        10000 rpm
Serial number:        S0K1ABCD0000M123ABCD
Device type:          disk
Transport protocol:   SAS (SPL-3)

=== START OF READ SMART DATA SECTION ===
SMART Health Status: OK

Accumulated power on time, hours:minutes 43549:33
"""


def test_scsi_text():
    (drive,) = smartctl.parse_text(SCSI).drives
    assert drive == DriveReport(
        model="SEAGATE ST300MM0006",
        serial="S0K1ABCD0000M123ABCD",
        capacity_bytes=300000000000,
        kind="hdd",
        power_on_hours=43549,
        smart_passed=True,
    )
    failing = smartctl.parse_text(SCSI.replace("OK", "FIRMWARE IMPENDING FAILURE"))
    assert failing.drives[0].smart_passed is False


def test_unopenable_device_text_warns():
    text = (
        "smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0] (local build)\n"
        "Smartctl open device: /dev/sdz failed: No such device\n"
    )
    report = parse_reports([text])
    assert report.drives == []
    assert any("/dev/sdz failed" in w for w in report.warnings)


def test_apple_nvme_without_capacity_lines():
    text = (
        "=== START OF INFORMATION SECTION ===\n"
        "Model Number:                       APPLE SSD AP0256Z\n"
        "Serial Number:                      0ba01f1144582433\n"
        "=== START OF SMART DATA SECTION ===\n"
        "SMART overall-health self-assessment test result: PASSED\n"
        "Power On Hours:                     870\n"
    )
    (drive,) = smartctl.parse_text(text).drives
    assert (drive.kind, drive.capacity_bytes, drive.power_on_hours) == ("nvme", None, 870)


# --- JSON variants --------------------------------------------------------------------------


def _json(**doc) -> str:
    return json.dumps({"json_format_version": [1, 0], "smartctl": {"exit_status": 0}, **doc})


def test_json_hours_fall_back_to_attribute_9_and_kind_to_attributes():
    text = _json(
        model_name="KINGSTON SA400S37240G",
        serial_number="50026B7782A1B2C3",
        user_capacity={"blocks": 468862128, "bytes": 240057409536},
        ata_smart_attributes={
            "table": [
                {"id": 9, "name": "Power_On_Hours", "raw": {"value": 4321, "string": "4321"}},
                {"id": 231, "name": "SSD_Life_Left", "raw": {"value": 95, "string": "95"}},
            ]
        },
    )
    (drive,) = smartctl.parse_json(text).drives
    assert (drive.kind, drive.power_on_hours, drive.smart_passed) == ("ssd", 4321, None)


def test_json_list_of_reports_and_namespace_capacity():
    docs = [
        {"smartctl": {}, "device": {"protocol": "NVMe"}, "model_name": "A",
         "nvme_namespaces": [{"size": {"bytes": 512110190592}}]},
        {"smartctl": {}, "model_name": "B", "rotation_rate": 5400, "user_capacity": "oops"},
    ]  # fmt: skip
    text = json.dumps(docs)
    assert smartctl.detect_json(text)
    out = smartctl.parse_json(text)
    assert [(d.model, d.kind, d.capacity_bytes) for d in out.drives] == [
        ("A", "nvme", 512110190592),
        ("B", "hdd", None),
    ]


def test_json_placeholder_serial_and_wrong_types():
    text = _json(
        model_name=12,
        serial_number="--",
        user_capacity={"bytes": -5},
        smart_status={"passed": "yes"},
        power_on_time={"hours": 1.5},
        rotation_rate=True,
    )
    (drive,) = smartctl.parse_json(text).drives
    assert drive == DriveReport(model="12")


def test_json_is_not_text_and_text_is_not_json():
    text = (FIXTURES / "smartctl_json" / "nvme-WDC_PC_SN520-passed.json").read_text()
    assert smartctl.detect_json(text) and not smartctl.detect_text(text)
    text = (FIXTURES / "smartctl" / "nvme-Samsung_SSD_970_EVO_1TB-passed.txt").read_text()
    assert smartctl.detect_text(text) and not smartctl.detect_json(text)


def test_hex_dump_lines_are_not_attributes():
    # dmidecode pasted in the same box: "\t\t09 FF 00 ..." must not read as attribute 9.
    text = (FIXTURES / "smartctl" / "nvme-Samsung_SSD_970_EVO_1TB-passed.txt").read_text()
    hexdump = (
        "Handle 0xDA00, DMI type 218, 251 bytes\n"
        "OEM-specific Type\n"
        "\t\t09 FF 00 12 34 56 78 9A BC DE F0\n"
    )
    out = smartctl.parse_text(hexdump + text)
    assert out.drives[0].power_on_hours == 7761
