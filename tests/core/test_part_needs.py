"""What a machine waiting for a part may record, and what the stock says about it."""

from datetime import date

import pytest

from refurb.core import part_needs as rules
from refurb.core.errors import InvalidInput

TODAY = date(2026, 3, 10)


def test_a_need_names_its_part_by_reference_or_description():
    assert rules.checked_need(referenced=True, description=" ", quantity="2", ordered_on=None,
                              today=TODAY) == ("", 2)
    assert rules.checked_need(referenced=False, description=" Dalle 14 ", quantity=1,
                              ordered_on=TODAY, today=TODAY) == ("Dalle 14", 1)
    with pytest.raises(InvalidInput, match="décrivez-la"):
        rules.checked_need(referenced=False, description="  ", quantity=1, ordered_on=None,
                           today=TODAY)


@pytest.mark.parametrize("quantity", [0, -1, "deux"])
def test_a_need_wants_at_least_one_part(quantity):
    with pytest.raises(InvalidInput):
        rules.checked_need(referenced=True, description="", quantity=quantity, ordered_on=None,
                           today=TODAY)


def test_an_order_is_not_dated_in_the_future():
    with pytest.raises(InvalidInput, match="futur"):
        rules.check_ordered_on(date(2026, 3, 11), TODAY)


def test_only_an_open_need_ends_and_a_cancellation_says_why():
    rules.check_open(rules.OPEN)
    with pytest.raises(InvalidInput, match="plus attendue"):
        rules.check_open(rules.FITTED)
    assert rules.cancel_reason("  doublon ") == "doublon"
    with pytest.raises(InvalidInput, match="pourquoi"):
        rules.cancel_reason(" ")


@pytest.mark.parametrize(("quantity", "part_stock", "kind_stock", "expected"), [
    (2, 2, 0, rules.AVAILABLE),
    (2, 1, 5, None),  # a reference is exact: other parts of the kind do not count
    (1, None, 3, rules.KIND_IN_STOCK),
    (1, None, 0, None),
])
def test_availability(quantity, part_stock, kind_stock, expected):
    assert rules.availability(quantity=quantity, part_stock=part_stock,
                              kind_stock=kind_stock) == expected
