"""nwipe log parser: the real logs in tests/fixtures/nwipe and EXPECTED.json are the spec."""

import json
import time
from datetime import datetime
from pathlib import Path

import pytest

from refurb.core.nwipe import NwipeDrive, normalize_method, parse_nwipe_log, to_json_dict
from tests.nwipe_synthetic import make_synthetic_log

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "nwipe"
EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text(encoding="utf-8"))
LOG_NAMES = sorted(EXPECTED["logs"])
STATUS_OF = {"Erased": "erased", "-FAILED-": "failed", "UABORTED": "aborted"}


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def expected_devices():
    for name in LOG_NAMES:
        for index, dev in enumerate(EXPECTED["logs"][name]["devices"]):
            yield pytest.param(name, index, dev, id=f"{name[:7]}-{dev['device']}")


def test_every_fixture_is_covered():
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == LOG_NAMES


@pytest.mark.parametrize("name", LOG_NAMES)
def test_fixture_parses_cleanly(name):
    log = parse_nwipe_log(read(name))
    assert log.warnings == []
    assert log.nwipe_version == "0.33"
    assert [d.device for d in log.drives] == [
        d["device"] for d in EXPECTED["logs"][name]["devices"]
    ]


@pytest.mark.parametrize(("name", "index", "exp"), list(expected_devices()))
def test_fixture_matches_expected(name, index, exp):
    drive = parse_nwipe_log(read(name)).drives[index]
    assert drive.device == exp["device"]
    assert drive.size_bytes == exp["size_bytes"]
    assert drive.size_exact is True
    assert drive.model == exp["model"]
    # EXPECTED records the empty "S/N=" as ""; the parser reports "no serial" as None.
    assert drive.serial == (exp["serial"] or None)
    assert drive.serial_masked is False
    assert drive.method == exp["method_in_log"]
    assert drive.verify == exp["verify"].split()[0]  # "last (default)" -> "last"
    assert drive.blank is exp["blank"]
    assert drive.rounds == exp["rounds"]
    assert drive.prng == exp["prng"]
    assert drive.status_raw == exp["status"]
    assert drive.status == STATUS_OF[exp["status"]]
    assert drive.errors == {
        "pass": exp["pass_errors"],
        "verify": exp["verification_errors"],
        "fsync": exp["fdatasync_errors"],
    }
    assert drive.error_count == (
        exp["pass_errors"] + exp["verification_errors"] + exp["fdatasync_errors"]
    )
    assert drive.elapsed == exp["elapsed_hhmmss"]
    assert drive.bus == "VIRT"
    assert drive.throughput == "0 B/s"
    assert drive.throughput_bytes_per_s == 0


def test_overall_outcomes_come_from_the_log_not_the_exit_code():
    for name in LOG_NAMES:
        spec = EXPECTED["logs"][name]
        statuses = {d.status for d in parse_nwipe_log(read(name)).drives}
        overall = {"success": {"erased"}, "aborted": {"aborted"}, "mixed": {"erased", "failed"}}
        assert statuses == overall[spec["overall"]], name
    # The operator abort exited 0, like a success: only the log tells them apart.
    assert EXPECTED["logs"]["nwipe08_aborted_sigint_dod522022m_512M.txt"]["exit_code"] == 0


def test_single_zero_fill_details():
    (drive,) = parse_nwipe_log(read("nwipe01_zero_verifylast_blank.txt")).drives
    assert drive.started == datetime(2026, 11, 25, 17, 38, 21)
    assert drive.finished == datetime(2026, 11, 25, 17, 38, 21)
    assert drive.passes == 1
    assert drive.bytes_erased == 16777216
    assert drive.blanked is True
    assert drive.verified is True
    assert drive.verification_only is False


def test_interleaved_multi_drive_lines_are_attributed_to_the_right_drive():
    drives = parse_nwipe_log(read("nwipe06_multi3_dodshort_verifylast.txt")).drives
    assert [d.bytes_erased for d in drives] == [8388608, 16777216, 33554432]
    assert all(d.passes == 3 and d.blanked and d.verified for d in drives)
    assert [d.started for d in drives] == [datetime(2026, 11, 25, 17, 38, 38)] * 3
    assert [d.finished for d in drives] == [datetime(2026, 11, 25, 17, 38, 39)] * 3


def test_operator_abort():
    log = parse_nwipe_log(read("nwipe08_aborted_sigint_dod522022m_512M.txt"))
    (drive,) = log.drives
    assert log.user_aborted is True
    assert drive.status == "aborted"
    # The summary still says "B" (configured) although the blanking never ran.
    assert drive.blank is True
    assert drive.blanked is False
    assert drive.verified is None
    assert drive.passes == 7
    assert drive.started == datetime(2026, 11, 25, 17, 38, 50)
    # Last line for the drive is at :50, but the table says it ran 6 s until the abort.
    assert drive.finished == datetime(2026, 11, 25, 17, 38, 56)
    assert drive.bytes_erased is None


def test_verification_only_run_with_one_failure():
    loop0, loop1 = parse_nwipe_log(read("nwipe10_multi2_verify_one_mixed_result.txt")).drives
    for d in (loop0, loop1):
        assert d.verification_only is True
        assert d.blanked is False
        assert d.bytes_erased == 0
        assert normalize_method(d.method) == "verify ones (0xff)"
    # nwipe prints "Erased" for a drive it only read: verification_only must be checked.
    assert loop0.status == "erased" and loop0.verified is True
    assert loop1.status == "failed" and loop1.verified is False
    assert loop1.finished == datetime(2026, 11, 25, 17, 39, 9)


@pytest.mark.parametrize("name", LOG_NAMES)
def test_json_dict_has_exactly_the_cli_keys(name):
    for drive in parse_nwipe_log(read(name)).drives:
        data = to_json_dict(drive)
        assert list(data) == [
            "device",
            "model",
            "serial",
            "size_bytes",
            "method",
            "verify",
            "status",
            "started",
            "finished",
            "errors",
        ]
        assert isinstance(data["errors"], int)
        datetime.fromisoformat(data["started"])
        json.dumps(data)


def test_json_dict_values():
    loop1 = parse_nwipe_log(read("nwipe10_multi2_verify_one_mixed_result.txt")).drives[1]
    assert to_json_dict(loop1) == {
        "device": "/dev/loop1",
        "model": "Loopback device",
        "serial": None,
        "size_bytes": 8388608,
        "method": "Verify Ones  (0xFF)",
        "verify": "last",
        "status": "failed",
        "started": "2026-11-25T17:39:09",
        "finished": "2026-11-25T17:39:09",
        "errors": 16385,
    }


# ------------------------------------------------------------------ tolerance


def cut_before_summary(text: str) -> str:
    return text[: text.index("******")]


@pytest.mark.parametrize("name", LOG_NAMES)
def test_log_cut_before_summary_is_aborted_with_warning(name):
    log = parse_nwipe_log(cut_before_summary(read(name)))
    assert log.drives
    for drive in log.drives:
        assert drive.status_raw is None
        assert drive.status in {"aborted", "failed"}
        assert any(drive.device in w and "tronqué" in w for w in log.warnings)


def test_cut_log_with_reported_errors_is_failed():
    log = parse_nwipe_log(cut_before_summary(read("nwipe10_multi2_verify_one_mixed_result.txt")))
    loop0, loop1 = log.drives
    assert loop0.status == "aborted"  # even its [SUCCESS] line: no summary, no pass
    assert loop1.status == "failed" and loop1.errors["verify"] == 16384


def test_quiet_masked_serials():
    text = read("nwipe01_zero_verifylast_blank.txt").replace("S/N=", "S/N=???????????????")
    text = text.replace("Loopback device/", "Loopback device/???????????????")
    (drive,) = parse_nwipe_log(text).drives
    assert drive.serial is None and drive.serial_masked is True
    text = read("nwipe01_zero_verifylast_blank.txt").replace("S/N=", "S/N=XXXXXXXXXXXXXXX")
    (drive,) = parse_nwipe_log(text).drives
    assert drive.serial is None and drive.serial_masked is True


def test_real_hardware_found_line_and_windows_line_endings():
    text = (
        "[2024/03/02 10:00:00]  notice: Found /dev/sdc,  ATA-SSD, Samsung SSD 860 EVO 250GB, "
        "250 GB, S/N=S3Z9NB0K123456\r\n"
        "[2024/03/02 10:00:01]  notice: Invoking method 'Fill With Zeros' on /dev/sdc\r\n"
    )
    (drive,) = parse_nwipe_log(text).drives
    assert drive.bus == "ATA" and drive.is_ssd is True
    assert drive.model == "Samsung SSD 860 EVO 250GB"
    assert drive.serial == "S3Z9NB0K123456"
    assert drive.size_bytes == 250 * 10**9 and drive.size_exact is False
    assert drive.status == "aborted"


def test_old_style_found_line_and_level_prefix():
    text = (
        "[2015/10/07 12:00:00] nwipe: notice: Found /dev/sdc, ATA WDC WD1600AAJS-2, 160GB, "
        "S/N=WD-WCAS12345678\n"
        "[2015/10/07 12:00:01] nwipe: notice: Invoking method 'DoD Short' on /dev/sdc\n"
    )
    (drive,) = parse_nwipe_log(text).drives
    assert (drive.bus, drive.model, drive.serial) == ("ATA", "WDC WD1600AAJS-2", "WD-WCAS12345678")
    assert drive.method == "DoD Short"
    assert drive.started == datetime(2015, 10, 7, 12, 0, 1)


def test_spacing_differences_between_versions():
    text = read("nwipe10_multi2_verify_one_mixed_result.txt")
    text = text.replace(" |", "   |   ").replace("|-FAILED-|", "| -FAILED- |")
    text = text.replace("]  notice:", "] notice:").replace("]   error:", "] error:")
    loop0, loop1 = parse_nwipe_log(text).drives
    assert (loop0.status, loop1.status) == ("erased", "failed")
    assert loop1.errors == {"pass": 1, "verify": 16384, "fsync": 0}


def test_table_only_device_gets_a_warning():
    text = read("nwipe01_zero_verifylast_blank.txt").replace(
        "     loop0 | Erased |",
        "     loop0 | Erased |\n       sdz | Erased |   0 B/s | 00:00:01 | Foo/BAR1\n"
        "     loop0 | Erased |",
        1,
    )
    log = parse_nwipe_log(text)
    assert [d.device for d in log.drives] == ["/dev/loop0", "/dev/sdz"]
    sdz = log.drives[1]
    assert (sdz.model, sdz.serial, sdz.status) == ("Foo", "BAR1", "erased")
    assert any("/dev/sdz" in w for w in log.warnings)


def test_erased_status_with_errors_is_not_trusted():
    text = read("nwipe01_zero_verifylast_blank.txt").replace(
        "     loop0 |           0 |                    0 |                    0",
        "!    loop0 |           0 |                    3 |                    0",
    )
    log = parse_nwipe_log(text)
    assert log.drives[0].status == "failed"
    assert log.warnings


def test_two_runs_appended_to_the_same_log_file():
    text = (
        read("nwipe08_aborted_sigint_dod522022m_512M.txt")
        + "\n"
        + read("nwipe01_zero_verifylast_blank.txt")
    )
    log = parse_nwipe_log(text)
    assert [(d.device, d.status, d.method) for d in log.drives] == [
        ("/dev/loop0", "aborted", "DoD 5220.22-M"),
        ("/dev/loop0", "erased", "Fill With Zeros"),
    ]
    assert log.drives[0].finished == datetime(2026, 11, 25, 17, 38, 56)
    assert log.drives[1].size_bytes == 16777216


@pytest.mark.parametrize("text", ["", "   \n\n", "hello world", "\x00\xff binary junk"])
def test_not_a_log(text):
    log = parse_nwipe_log(text)
    assert log.drives == []
    if text.strip():
        assert log.warnings


# ------------------------------------------------------------------ synthetic


def test_synthetic_log_looks_like_the_fixtures():
    text = make_synthetic_log(3, seed=1)
    real = read("nwipe06_multi3_dodshort_verifylast.txt")
    for marker in (
        "******************************** Error Summary *********************************",
        "!   Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors",
        "********************************* Drive Status *********************************",
        "!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number",
        "]  notice:   verify   = 1 (last pass)",
        ", 1R+B+VL",
    ):
        assert marker in real and marker in text
    assert not text.endswith("\n")


@pytest.mark.parametrize(
    "method",
    [
        "zero",
        "one",
        "dodshort",
        "dod522022m",
        "ops2",
        "gutmann",
        "random",
        "verify_zero",
        "verify_one",
    ],
)
@pytest.mark.parametrize("verify", ["off", "last", "all"])
def test_synthetic_roundtrip(method, verify):
    text = make_synthetic_log(6, method=method, verify=verify, failed={1}, aborted={4}, seed=7)
    log = parse_nwipe_log(text)
    assert log.warnings == []
    statuses = [d.status for d in log.drives]
    assert statuses[1] == "failed" and statuses[4] == "aborted"
    assert statuses.count("erased") == 4
    assert all(d.size_exact and d.serial and d.model for d in log.drives)
    assert all(d.verify == verify for d in log.drives)
    assert log.drives[1].error_count > 0
    for d in log.drives:
        assert d.started is not None and d.finished is not None and d.finished >= d.started


def test_synthetic_quiet_and_truncated():
    log = parse_nwipe_log(make_synthetic_log(3, quiet=True, truncate_before_summary=True))
    assert all(d.serial is None and d.serial_masked for d in log.drives)
    assert all(d.status == "aborted" for d in log.drives)
    assert len(log.warnings) == 3


def test_hundred_drives_parse_fast():
    text = make_synthetic_log(100, failed={3, 40}, seed=2)
    parse_nwipe_log(text)  # warm-up (regex compilation is at import, but caches are lazy)
    t0 = time.perf_counter()
    log = parse_nwipe_log(text)
    elapsed = time.perf_counter() - t0
    assert len(log.drives) == 100
    assert len({d.device for d in log.drives}) == 100
    assert sum(d.status == "failed" for d in log.drives) == 2
    assert elapsed < 0.5


def test_drive_defaults_are_safe():
    drive = NwipeDrive(device="/dev/sdx")
    assert drive.status == "aborted" and drive.error_count == 0 and drive.elapsed_seconds is None
