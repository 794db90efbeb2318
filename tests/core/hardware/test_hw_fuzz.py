"""Nothing a technician can paste makes the parsers raise.

The parsers are called directly as well as through parse_reports(): parse_reports() has a
last-resort except, which would hide a crashing parser.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refurb.core.hardware import (
    DEVICE_TYPES,
    DRIVE_KINDS,
    PARSERS,
    HardwareReport,
    parse_reports,
    report_to_json,
)
from refurb.core.hardware.base import Partial
from refurb.core.hardware.placeholders import clean

FIXTURES = Path(__file__).parents[2] / "fixtures"
SAMPLES = sorted(
    p
    for d in ("dmidecode", "smartctl", "lshw", "smartctl_json")
    for p in (FIXTURES / d).iterdir()
    if p.suffix in (".txt", ".json") and p.name not in ("EXPECTED.json", "SOURCES.txt")
)
TEXTS = [p.read_text() for p in SAMPLES]

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check_report(report: HardwareReport) -> None:
    assert isinstance(report, HardwareReport)
    assert report.device_type in (*DEVICE_TYPES, None)
    assert report.serial is None or clean(report.serial) == report.serial
    assert report.ram_mib is None or isinstance(report.ram_mib, int)
    for drive in report.drives:
        assert drive.kind in (*DRIVE_KINDS, None)
        assert drive.serial is None or clean(drive.serial) == drive.serial
        assert drive.capacity_bytes is None or drive.capacity_bytes > 0
    assert all(isinstance(w, str) for w in report.warnings)
    json.dumps(report_to_json(report))


def _check_every_parser(text: str) -> None:
    for parser in PARSERS:
        assert isinstance(parser.detect(text), bool)
        assert isinstance(parser.parse(text), Partial)
    report = parse_reports([text])
    _check_report(report)
    assert not any("lecture interrompue" in w for w in report.warnings)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text):
    _check_every_parser(text)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_random_bytes_decoded(data, encoding):
    _check_every_parser(data.decode(encoding, errors="replace"))


# Lines that look like the real formats, shuffled into nonsense.
_LINES = st.sampled_from([
    "Handle 0x0001, DMI type 1, 27 bytes", "System Information", "Chassis Information",
    "Processor Information", "Memory Device", "Physical Memory Array", "\tType: Notebook",
    "\tManufacturer: To Be Filled By O.E.M.", "\tProduct Name: X", "\tSize: 8 GB",
    "\tSize: 99999999999999999999999 TB", "\tVersion: CPU Version", "\tStatus: Populated",
    "\tArray Handle: 0x0001", "\tUse: Flash Memory", "\t\tFPU: x", "",
    "=== START OF INFORMATION SECTION ===", "Device Model: X", "Model Number: Y",
    "User Capacity: 1,000 bytes", "Total NVM Capacity: 9" * 3, "Rotation Rate: 7200 rpm",
    "  9 Power_On_Hours -O--CK 100 100 000 - 12h+", "  9 Power_On_Minutes 0x0032 1 1 1 a b - 9",
    "Power On Hours: 1,2,3", "SMART overall-health self-assessment test result: FAILED!",
    "SMART Health Status: OK", "Accumulated power on time, hours:minutes 99999999999999:1",
])  # fmt: skip


@FUZZ
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=60))
def test_format_lookalike_lines(lines):
    _check_every_parser("\n".join(lines))


_KEYS = st.sampled_from([
    "class", "id", "children", "product", "vendor", "serial", "size", "units", "description",
    "configuration", "chassis", "sku", "businfo", "logicalname", "capabilities", "disabled",
    "smartctl", "json_format_version", "device", "protocol", "type", "model_name",
    "serial_number", "user_capacity", "bytes", "rotation_rate", "power_on_time", "hours",
    "smart_status", "passed", "nvme_total_capacity", "nvme_namespaces", "messages", "string",
    "severity", "ata_smart_attributes", "table", "raw", "value", "name",
    "nvme_smart_health_information_log", "power_on_hours",
])  # fmt: skip
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "system",
            "disk",
            "memory",
            "processor",
            "storage",
            "System Memory",
            "NVMe",
            "usb@1",
            "/dev/mmcblk0",
            "notebook",
            "error",
            "--",
        ]
    ),  # fmt: skip
)
_JSONISH = st.recursive(
    _VALUES,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(_KEYS | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=40,
)


@FUZZ
@given(_JSONISH)
def test_random_json_structures(doc):
    _check_every_parser(json.dumps(doc))


@FUZZ
@given(_JSONISH)
def test_random_json_under_real_top_level_keys(doc):
    for top in ({"smartctl": {}, "device": doc, "model_name": doc, "user_capacity": doc},
                {"class": "system", "configuration": doc, "children": [doc, {"class": "disk",
                 "size": doc, "product": doc}]}):  # fmt: skip
        _check_every_parser(json.dumps(top))


@FUZZ
@given(st.sampled_from(range(len(TEXTS))), st.data())
def test_truncated_fixtures(index, data):
    text = TEXTS[index]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)), label="cut")
    _check_every_parser(text[:cut])
    _check_every_parser(text[cut:])


@FUZZ
@given(st.sampled_from(range(len(TEXTS))), st.data())
def test_spliced_fixtures(index, data):
    text = TEXTS[index]
    start = data.draw(st.integers(min_value=0, max_value=len(text)), label="start")
    end = data.draw(st.integers(min_value=start, max_value=len(text)), label="end")
    junk = data.draw(st.one_of(st.text(max_size=50), _LINES), label="junk")
    _check_every_parser(text[:start] + junk + text[end:])


def test_every_fixture_at_once():
    report = parse_reports(TEXTS)
    _check_report(report)
    assert len(report.drives) >= 12
