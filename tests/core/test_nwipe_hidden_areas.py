"""Hidden areas (HPA/DCO) as nwipe reports them, per drive: the most cautious report wins."""

from refurb.core.nwipe import parse_nwipe_log
from tests.nwipe_synthetic import make_synthetic_log


def _with_lines(lines: list[str]) -> str:
    text = make_synthetic_log(2, seed=8)
    stamp = "[2026/11/25 09:00:00]"
    extra = "\n".join(f"{stamp} {line}" for line in lines)
    return text.replace(f"{stamp}  notice: Opened entropy source",
                        f"{extra}\n{stamp}  notice: Opened entropy source", 1)


def test_each_drive_gets_its_own_report():
    text = _with_lines(["   info: No hidden sectors on /dev/sda",
                        "warning:  *** HIDDEN SECTORS DETECTED ! *** on /dev/sdb"])
    first, second = parse_nwipe_log(text).drives
    assert (first.hpa_dco, second.hpa_dco) == ("absent", "detected")


def test_detected_hidden_sectors_stay_detected_and_silence_is_none():
    text = _with_lines(["warning: [BAD]The host protected area is enabled on /dev/sda",
                        "   info: [GOOD] The host protected area is disabled on /dev/sda",
                        "warning: HIDDEN SECTORS INDETERMINATE! on /dev/sdb, Some USB adapters "
                        "& memory sticks don't support ATA pass through"])
    first, second = parse_nwipe_log(text).drives
    assert (first.hpa_dco, second.hpa_dco) == ("detected", "unknown")
    assert {d.hpa_dco for d in parse_nwipe_log(make_synthetic_log(1, seed=8)).drives} == {None}
