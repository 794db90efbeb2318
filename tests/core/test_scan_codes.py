"""Every way a label reaches the computer reads back as the code printed on it."""

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.core.asset_tags import format_tag, parse_tag
from refurb.core.scan_codes import is_repeat, normalise_scan, read_code, strip_scanner_noise
from refurb.core.workshop import parse_location_code

# A US-layout scanner on an AZERTY computer: the keys of the US characters, as AZERTY reads them.
US_ON_AZERTY = str.maketrans({"1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-",
                              "7": "è", "8": "_", "9": "ç", "0": "à", "-": ")", "]": "$"})
# Letters that sit on the same key in both layouts (A/Q, Z/W and M move).
SAME_KEY_LETTERS = "BCDEFGHIJKLNOPRSTUVXY"
AIM_IDS = ["]C0", "]C1", "]Q1", "]Q3", "]E0", "]d2", "]I0"]
LEADING = ["", " ", "\t", "\x02", "\r\n", "\u00a0", "\x1d"]
TRAILING = ["", "\r", "\n", "\r\n", "\t", "\x03", " ", "\x03\r\n", "\x04"]


def tags(letters: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    prefix = st.builds(lambda first, rest: first + rest, st.sampled_from(letters),
                       st.text(alphabet=letters + "0123456789", max_size=5))
    return st.builds(format_tag, prefix, st.integers(2000, 2099), st.integers(0, 999_999))


locations = st.integers(0, 99_999).map(lambda n: f"LOC-{n:04d}")


@st.composite
def mangled(draw, code: str, layout_swap: bool = False) -> str:
    """One code as a scanner, a keyboard or a hurried person may send it."""
    text = code
    separator = draw(st.sampled_from(["-", "", " ", "keep"]))
    if separator != "keep":
        hyphens = [i for i, c in enumerate(text) if c == "-"]
        dropped = draw(st.sets(st.sampled_from(hyphens))) if hyphens else set()
        text = "".join(separator if i in dropped else c for i, c in enumerate(text))
    text = "".join(c.lower() if draw(st.booleans()) else c for c in text)
    text = draw(st.sampled_from(AIM_IDS + [""])) + text
    if layout_swap:
        text = text.translate(US_ON_AZERTY)
        text = text.replace(")", draw(st.sampled_from([")", "°"])))
    return draw(st.sampled_from(LEADING)) + text + draw(st.sampled_from(TRAILING))


@given(st.data(), tags())
def test_any_tag_however_mangled_reads_as_printed(data, tag):
    scanned = data.draw(mangled(tag))
    assert normalise_scan(scanned) == tag
    assert str(parse_tag(scanned)) == tag


@given(st.data(), tags(SAME_KEY_LETTERS))
def test_a_us_scanner_on_an_azerty_computer_reads_as_printed(data, tag):
    scanned = data.draw(mangled(tag, layout_swap=True))
    assert normalise_scan(scanned) == tag
    assert str(parse_tag(scanned)) == tag


@given(st.data(), locations)
def test_any_shelf_code_however_mangled_reads_as_printed(data, code):
    for scanned in (data.draw(mangled(code)), data.draw(mangled(code, layout_swap=True))):
        assert normalise_scan(scanned) == code
        assert parse_location_code(scanned) == code
        assert parse_tag(scanned) is None


@given(st.text())
def test_reading_never_fails_and_is_stable(text):
    once = normalise_scan(text)
    assert normalise_scan(once) == once
    code = read_code(text)
    assert code is None or read_code(code) == code


@pytest.mark.parametrize(("scanned", "code"), [
    ("RF2026000033", "RF-2026-000033"),  # the issue's own example
    ("rf-2026-000033", "RF-2026-000033"),
    ('RF)éàé-)àààà""', "RF-2026-000033"),  # US scanner, AZERTY computer
    ('RF°éàé-°àààà""', "RF-2026-000033"),
    ("]C0RF-2026-000033\r\n", "RF-2026-000033"),
    ("\x02RF-2026-000033\x03", "RF-2026-000033"),
    ("$CàRF)éàé-)àààà&é", "RF-2026-000012"),  # AIM ]C0 typed through AZERTY too
    ("RF-2026000033", "RF-2026-000033"),
    ("RF 2026 000033", "RF-2026-000033"),
    ("R22026000033", "R2-2026-000033"),  # a prefix ending in a digit: the year decides
    ("RF20261234567", "RF-2026-1234567"),  # past a million machines a year
    ("LOC)àààè", "LOC-0007"),
    ("]C0loc7\t", "LOC-0007"),
])
def test_known_scanner_faults(scanned, code):
    assert normalise_scan(scanned) == code


@pytest.mark.parametrize("text", [
    "Latitude E7450", "5CG1234567", "12345678901234", "RF-26-000123", "écran", "LOC-", "",
    "RF--2026-000033", "RF-2026-00003",
])
def test_what_is_not_a_code_stays_text(text):
    assert read_code(text) is None
    assert parse_tag(text) is None


def test_serials_lose_only_the_scanner_noise():
    assert normalise_scan("]C0 5cg12 34567\r\n") == "5CG1234567"
    assert strip_scanner_noise("\x02 Dell Latitude\x03") == "Dell Latitude"


NOW = datetime(2026, 3, 2, 10, 0, 0)


@pytest.mark.parametrize(("previous", "seconds_ago", "window", "repeat"), [
    ("RF-2026-000033", 2, 5, True),
    ("rf2026000033", 5, 5, True),  # the same label, however it was read
    ("RF-2026-000033", 6, 5, False),  # past the window: a deliberate second scan
    ("RF-2026-000034", 1, 5, False),
    ("RF-2026-000033", 1, 0, False),  # window switched off
    (None, 1, 5, False),
])
def test_a_double_read_within_the_window_is_one_scan(previous, seconds_ago, window, repeat):
    at = NOW - timedelta(seconds=seconds_ago)
    assert is_repeat("RF-2026-000033", previous, at, NOW, window) is repeat


@pytest.mark.parametrize("text", ["$A 00", "]C 0RF-2026-000033", "$AA$AA0"])
def test_an_identifier_hidden_by_spaces_reads_the_same_twice(text):
    # Found by the property above: "$A 00" read as "$A00", which read again as "0".
    once = normalise_scan(text)
    assert normalise_scan(once) == once
