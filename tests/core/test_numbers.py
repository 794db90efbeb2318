from decimal import Decimal

import pytest

from refurb.core.numbers import digits_of, parse_decimal_text


@pytest.mark.parametrize("text, expected", [
    ("0,8", "0.8"), ("0.8", "0.8"), (" 700,00 ", "700.00"), ("1 000,5", "1000.5"),
    ("1\u202f000,50", "1000.50"), ("1,000.50", "1000.50"), ("1.000,50", "1000.50"), ("12", "12"),
    ("-3,5", "-3.5"),
])
def test_french_and_english_ways_of_typing_a_number(text, expected):
    assert parse_decimal_text(text) == Decimal(expected)
    assert str(parse_decimal_text(text)) == expected  # the digits typed are kept


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.2.3", "NaN", "Infinity", "1e", "0,8 kg"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_decimal_text(text)


def test_digits_as_stored():
    assert [digits_of(Decimal(v)) for v in ("0.8", "700.00", "3", "1E+3")] == [1, 2, 0, 0]
