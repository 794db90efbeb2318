import pytest

from refurb.core.asset_tags import format_tag, parse_tag


def test_format_pads_the_counter():
    assert format_tag("RF", 2026, 123) == "RF-2026-000123"
    assert format_tag("RF", 2026, 1234567) == "RF-2026-1234567"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RF-2026-000123", ("RF", 2026, 123)),
        ("  rf-2026-000123\r\n", ("RF", 2026, 123)),
        ("AB12-2025-000001", ("AB12", 2025, 1)),
        ("RF-26-000123", None),
        ("Latitude E7450", None),
        ("", None),
    ],
)
def test_parse_tag(text, expected):
    tag = parse_tag(text)
    assert (None if tag is None else (tag.prefix, tag.year, tag.number)) == expected
