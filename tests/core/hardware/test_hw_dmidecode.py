"""dmidecode fixtures read as their EXPECTED.json says, plus the placeholder rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refurb.core.hardware import dmidecode, parse_reports
from refurb.core.hardware.placeholders import clean

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dmidecode"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text())["machines"]
DEVICE_TYPE_BY_CHASSIS = {
    "Laptop": "laptop",
    "Notebook": "laptop",
    "Low Profile Desktop": "desktop",
    "Desktop": "desktop",
    "All In One": "all_in_one",
    "Main Server Chassis": "server",
    "Mini PC": "mini_pc",
}


def _expected(machine: dict) -> dict:
    return {
        "manufacturer": None
        if machine["system_manufacturer_is_placeholder"]
        else machine["system_manufacturer"],
        "model": None if machine["product_name_is_placeholder"] else machine["product_name"],
        "serial": machine["system_serial"],
        "chassis": machine["chassis_type"],
        "device_type": DEVICE_TYPE_BY_CHASSIS[machine["chassis_type"]],
        "cpu": machine["cpu_model"],
        "ram_mib": machine["total_ram_mib"],
        "ram_slots_used": machine["populated_memory_slots"],
    }


CASES = [
    pytest.param(name, field, value, id=f"{name.removesuffix('.txt')}-{field}")
    for name, machine in EXPECTED.items()
    for field, value in _expected(machine).items()
]


@pytest.fixture(scope="module")
def reports() -> dict:
    return {name: parse_reports([(FIXTURES / name).read_text()]) for name in EXPECTED}


@pytest.mark.parametrize(("name", "field", "value"), CASES)
def test_fixture_field(reports, name, field, value):
    assert getattr(reports[name], field) == value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_is_detected_and_has_no_drive(name):
    text = (FIXTURES / name).read_text()
    assert dmidecode.detect(text)
    assert parse_reports([text]).drives == []


def test_whitebox_warns_with_the_board_instead_of_inventing_a_maker(reports):
    report = reports["Desktop-ASRock-B450M_Pro4.txt"]
    assert report.manufacturer is None and report.model is None
    assert any("ASRock B450M Pro4" in w for w in report.warnings)


def test_broken_apple_table_still_reads_but_warns(reports):
    report = reports["Notebook-Apple-MacBookPro11_1.txt"]
    assert report.model == "MacBookPro11,1"
    assert any("endommagée" in w for w in report.warnings)


def test_cpu_keeps_internal_spaces_but_not_trailing_ones(reports):
    cpu = reports["Main_Server_Chassis-Supermicro-X8DT6.txt"].cpu
    assert cpu == "Intel(R) Xeon(R) CPU           L5630  @ 2.13GHz"


# --- hand-made variants ---------------------------------------------------------------------

DUMP = """\
# dmidecode 3.5
Handle 0x0001, DMI type 1, 27 bytes
System Information
\tManufacturer: Default string
\tProduct Name: Default string
\tSerial Number: 0000000000

Handle 0x0003, DMI type 3, 22 bytes
Chassis Information
\tManufacturer: Default string
\tType: Tower

Handle 0x0004, DMI type 4, 48 bytes
Processor Information
\tSocket Designation: CPU0
\tType: Central Processor
\tFlags:
\t\tFPU (Floating-point unit on-chip)
\tVersion: Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz
\tStatus: Unpopulated

Handle 0x0005, DMI type 4, 48 bytes
Processor Information
\tSocket Designation: CPU1
\tVersion: CPU Version
\tStatus: Populated, Enabled

Handle 0x0006, DMI type 4, 48 bytes
Processor Information
\tSocket Designation: CPU2
\tVersion: Intel(R) Pentium(R) CPU G4560 @ 3.50GHz
\tStatus: Populated, Enabled

Handle 0x0010, DMI type 16, 23 bytes
Physical Memory Array
\tUse: System Memory

Handle 0x0011, DMI type 16, 23 bytes
Physical Memory Array
\tUse: Flash Memory

Handle 0x0012, DMI type 17, 40 bytes
Memory Device
\tArray Handle: 0x0010
\tSize: 4096 MB

Handle 0x0013, DMI type 17, 40 bytes
Memory Device
\tArray Handle: 0x0010
\tSize: 524288 kB

Handle 0x0014, DMI type 17, 40 bytes
Memory Device
\tArray Handle: 0x0011
\tSize: 8 MB

Handle 0x0015, DMI type 17, 40 bytes
Memory Device
\tArray Handle: 0x0010
\tSize: No Module Installed
"""


def test_placeholders_unpopulated_sockets_and_units():
    out = dmidecode.parse(DUMP)
    assert (out.manufacturer, out.model, out.serial) == (None, None, None)
    assert out.chassis == "Tower"
    # CPU0 is unpopulated, CPU1 says "CPU Version": the first real name wins.
    assert out.cpu == "Intel(R) Pentium(R) CPU G4560 @ 3.50GHz"
    # 4096 MB + 524288 kB; the flash array's 8 MB is not RAM.
    assert (out.ram_mib, out.ram_slots_used) == (4608, 2)


def test_pasted_with_spaces_and_crlf():
    text = DUMP.replace("\t", "    ").replace("\n", "\r\n")
    out = dmidecode.parse(text)
    assert out.cpu == "Intel(R) Pentium(R) CPU G4560 @ 3.50GHz"
    assert out.ram_mib == 4608


def test_no_memory_device_means_unknown_ram():
    out = dmidecode.parse(DUMP.split("Handle 0x0010")[0])
    assert (out.ram_mib, out.ram_slots_used) == (None, None)
    assert any("mémoire" in w for w in out.warnings)


def test_unreadable_size_warns():
    out = dmidecode.parse(DUMP.replace("Size: 4096 MB", "Size: Unknown"))
    assert out.ram_mib == 512
    assert any("illisible" in w for w in out.warnings)


def test_quiet_output_without_handle_lines():
    # dmidecode -q drops the "Handle ..." lines: records are only separated by blank lines.
    text = "\n".join(ln for ln in DUMP.splitlines() if not ln.startswith(("Handle", "#")))
    # Without handles the flash array cannot be linked; its device's Type still tells.
    text = text.replace("Array Handle: 0x0011", "Array Handle: 0x0011\n\tType: Flash")
    out = dmidecode.parse(text)
    assert (out.chassis, out.ram_mib) == ("Tower", 4608)


def test_paste_starting_mid_record():
    text = "\tVersion: 1.0\n\tSerial Number: ABC\n\n" + DUMP.split("\n", 1)[1]
    assert dmidecode.parse(text).chassis == "Tower"


def test_detect_rejects_other_reports():
    assert not dmidecode.detect("smartctl 7.4 2023-08-01\n=== START OF INFORMATION SECTION ===\n")
    assert not dmidecode.detect('{"id": "x", "class": "system"}')


# --- placeholders ---------------------------------------------------------------------------

PLACEHOLDERS = [
    "To be filled by O.E.M.",
    "To Be Filled By O.E.M.",
    "TO BE FILLED BY OEM",
    "Default string",
    "System manufacturer",
    "System Product Name",
    "System Serial Number",
    "System Version",
    "Not Specified",
    "Not Applicable",
    "None",
    "N/A",
    "--",
    "0123456789",
    "123456789",
    "00000000",
    "0000000",
    "0",
    "xxxxxxxx",
    "........",
    "FF FF FF FF",
    "Chassis Serial Number",
    "Base Board Serial Number",
    "OEM",
    "O.E.M.",
    "Type1ProductConfigId",
    "CPU Version",
    "Unknown",
    "[Empty]",
    "<OUT OF SPEC>",
    "",
    "   ",
    "\t\x00 ",
    None,
    True,
    3.5,
    ["CZC4321XYZ"],
]


@pytest.mark.parametrize("value", PLACEHOLDERS, ids=repr)
def test_placeholder_is_missing(value):
    assert clean(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Dell Inc.  ", "Dell Inc."),
        ("CZC4321XYZ", "CZC4321XYZ"),
        (
            "Intel(R) Core(TM) i7 CPU       M 640  @ 2.80GH ",
            "Intel(R) Core(TM) i7 CPU       M 640  @ 2.80GH",
        ),
        ("MacBookPro11,1", "MacBookPro11,1"),
        ("1998", "1998"),
        ("A1", "A1"),
        (12345, "12345"),
    ],
)
def test_real_value_is_kept(value, expected):
    assert clean(value) == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_masked_serial_is_never_returned(reports, name):
    assert EXPECTED[name]["system_serial_as_printed"] == "--"
    assert reports[name].serial is None
