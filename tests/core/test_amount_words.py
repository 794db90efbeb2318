"""Amounts in French words (traditional spelling), as receipts state them."""

from decimal import Decimal

import pytest

from refurb.core.amount_words import euros_in_figures, euros_in_words, integer_words


@pytest.mark.parametrize(("number", "words"), [
    (0, "zéro"),
    (1, "un"),
    (10, "dix"),
    (16, "seize"),
    (17, "dix-sept"),
    (20, "vingt"),
    (21, "vingt et un"),
    (22, "vingt-deux"),
    (31, "trente et un"),
    (61, "soixante et un"),
    (70, "soixante-dix"),
    (71, "soixante et onze"),
    (72, "soixante-douze"),
    (79, "soixante-dix-neuf"),
    (80, "quatre-vingts"),
    (81, "quatre-vingt-un"),
    (90, "quatre-vingt-dix"),
    (91, "quatre-vingt-onze"),
    (99, "quatre-vingt-dix-neuf"),
    (100, "cent"),
    (101, "cent un"),
    (180, "cent quatre-vingts"),
    (200, "deux cents"),
    (201, "deux cent un"),
    (280, "deux cent quatre-vingts"),
    (1000, "mille"),
    (1001, "mille un"),
    (1234, "mille deux cent trente-quatre"),
    (2000, "deux mille"),
    (80_000, "quatre-vingt mille"),
    (200_000, "deux cent mille"),
    (1_000_000, "un million"),
    (2_000_000, "deux millions"),
    (80_000_000, "quatre-vingts millions"),
    (200_000_000, "deux cents millions"),
    (1_000_000_000, "un milliard"),
    (3_200_000_080, "trois milliards deux cents millions quatre-vingts"),
])
def test_integer_words(number, words):
    assert integer_words(number) == words


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "zéro euro"),
    ("1", "un euro"),
    ("2", "deux euros"),
    ("21", "vingt et un euros"),
    ("80", "quatre-vingts euros"),
    ("100", "cent euros"),
    ("1000", "mille euros"),
    ("2000", "deux mille euros"),
    ("1000000", "un million d'euros"),
    ("2000000", "deux millions d'euros"),
    ("1000200", "un million deux cents euros"),
    ("1234.50", "mille deux cent trente-quatre euros et cinquante centimes"),
    ("0.01", "un centime"),
    ("0.80", "quatre-vingts centimes"),
    ("1.01", "un euro et un centime"),
    ("71.71", "soixante et onze euros et soixante et onze centimes"),
    ("1000000.99", "un million d'euros et quatre-vingt-dix-neuf centimes"),
    ("12.345", "douze euros et trente-cinq centimes"),  # rounded to the centime
    (Decimal("99.9"), "quatre-vingt-dix-neuf euros et quatre-vingt-dix centimes"),
])
def test_euros_in_words(amount, words):
    assert euros_in_words(amount) == words


@pytest.mark.parametrize("amount", ["-1", "abc", "1000000000000"])
def test_out_of_range_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        euros_in_words(amount)


def test_euros_in_figures():
    assert euros_in_figures("1234.5") == "1\u202f234,50\u00a0€"
    assert euros_in_figures(Decimal("0.5")) == "0,50\u00a0€"
