from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.core.quotient import (
    QuotientError,
    caf_shares,
    describe_caf_shares,
    format_eur,
    format_number,
    quotient_from_caf,
    quotient_from_income,
    shares_label,
    tax_shares,
    to_decimal,
)

NNBSP = "\u202f"  # thousands separator
NBSP = "\u00a0"  # before €


def eur(text: str) -> str:
    """Write expected amounts with plain spaces: "24 000,00 €" → the no-break version."""
    whole, euro = text.removesuffix(" €"), f"{NBSP}€"
    return whole.replace(" ", NNBSP) + euro


# --- CAF parts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("children", "expected"),
    [(0, "2"), (1, "2.5"), (2, "3"), (3, "4"), (4, "4.5"), (5, "5"), (6, "5.5")],
)
@pytest.mark.parametrize("adults", [1, 2, 3])
def test_caf_parts_by_number_of_children(adults, children, expected):
    assert caf_shares(adults, children) == Decimal(expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2, 2, 1), "3.5"),
        ((2, 3, 3), "5.5"),
        ((1, 1, 1), "3"),
        # lone parent: the extra half part is a policy option, off by default
        ((1, 2, 0, True), "3"),
        ((1, 2, 0, True, False), "3"),
        ((1, 2, 0, True, True), "3.5"),
        ((1, 3, 1, True, True), "5"),
        ((1, 0, 0, True, True), "2"),  # no child, no lone-parent bonus
        ((2, 2, 0, False, True), "3"),  # bonus option alone grants nothing
    ],
)
def test_caf_parts_disability_and_single_parent(args, expected):
    assert caf_shares(*args) == Decimal(expected)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((0, 1), "d'adultes"),
        ((1, -1), "d'enfants"),
        ((1, 1, 2), "ne peut pas dépasser"),
        ((True, 1), "nombre entier"),
        ((1, 1.5), "nombre entier"),
    ],
)
def test_caf_parts_rejects_nonsense(args, fragment):
    with pytest.raises(QuotientError) as info:
        caf_shares(*args)
    assert fragment in info.value.message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2, 3), "Nombre de parts CAF : 2 (couple ou parent seul) + 2 (3 enfants) = 4 parts"),
        ((1, 0), "Nombre de parts CAF : 2 (allocataire) = 2 parts"),
        (
            (1, 1, 1, True, True),
            "Nombre de parts CAF : 2 (couple ou parent seul) + 0,5 (1 enfant) "
            "+ 0,5 (1 enfant en situation de handicap) + 0,5 (parent isolé) = 3,5 parts",
        ),
    ],
)
def test_describe_caf_parts(args, expected):
    assert describe_caf_shares(*args) == expected


# --- tax parts (CGI art. 194) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"couple": False, "dependants": 0}, "1"),
        ({"couple": True, "dependants": 0}, "2"),
        ({"couple": False, "dependants": 1}, "1.5"),
        ({"couple": True, "dependants": 1}, "2.5"),
        ({"couple": True, "dependants": 2}, "3"),
        ({"couple": True, "dependants": 3}, "4"),
        ({"couple": True, "dependants": 4}, "5"),
        ({"couple": True, "dependants": 5}, "6"),
        ({"couple": False, "dependants": 1, "isolated_parent": True}, "2"),
        ({"couple": False, "dependants": 3, "isolated_parent": True}, "3.5"),
        ({"couple": False, "dependants": 0, "isolated_parent": True}, "1"),
        ({"couple": True, "dependants": 2, "dependants_with_disability": 1}, "3.5"),
        ({"couple": False, "dependants": 1, "widowed": True}, "2.5"),
        ({"couple": False, "dependants": 0, "widowed": True}, "1"),
    ],
)
def test_tax_parts(kwargs, expected):
    assert tax_shares(**kwargs) == Decimal(expected)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"couple": True, "dependants": 1, "isolated_parent": True},
        {"couple": True, "dependants": 1, "widowed": True},
        {"couple": False, "dependants": 1, "widowed": True, "isolated_parent": True},
        {"couple": False, "dependants": -1},
        {"couple": False, "dependants": 1, "dependants_with_disability": 2},
    ],
)
def test_tax_parts_rejects_contradictions(kwargs):
    with pytest.raises(QuotientError):
        tax_shares(**kwargs)


# --- quotient familial ----------------------------------------------------------------------


def test_domain_example_couple_three_children():
    parts = caf_shares(adults=2, children=3)
    assert parts == 4
    result = quotient_from_income(Decimal("24000"), Decimal("300"), parts)
    assert result.value == Decimal("575.00")
    assert result.basis == "rfr"
    assert result.shares == 4
    assert result.working == [
        f"Revenu fiscal de référence : {eur('24 000,00 €')} / 12 = {eur('2 000,00 €')}",
        f"+ prestations mensuelles : {eur('300,00 €')}",
        f"= ressources mensuelles : {eur('2 300,00 €')}",
        f"÷ 4 parts = {eur('575,00 €')}",
    ]


@pytest.mark.parametrize(
    ("income", "benefits", "parts", "expected"),
    [
        ("24000", "300", "4", "575.00"),
        ("0", "0", "2", "0.00"),
        ("0", "10.01", "2", "5.01"),  # 5.005 rounds half up, not to even
        ("0", "10.03", "2", "5.02"),  # 5.015 → 5.02
        ("10001", "0", "3", "277.81"),  # rounded once, at the end
        ("18000", "0", "2.5", "600.00"),
        ("30000", "125.50", "1.5", "1750.33"),
    ],
)
def test_quotient_from_income_arithmetic(income, benefits, parts, expected):
    result = quotient_from_income(Decimal(income), Decimal(benefits), Decimal(parts))
    assert result.value == Decimal(expected)
    assert result.value.as_tuple().exponent == -2


def test_inexact_intermediate_lines_say_approximately():
    result = quotient_from_income(Decimal("10001"), Decimal("0"), Decimal("3"))
    assert result.working[0] == (
        f"Revenu fiscal de référence : {eur('10 001,00 €')} / 12 ≈ {eur('833,42 €')}"
    )
    assert result.working[2] == f"≈ ressources mensuelles : {eur('833,42 €')}"
    assert result.working[3] == f"÷ 3 parts = {eur('277,81 €')}"


def test_parts_wording_is_singular_below_two():
    result = quotient_from_income(Decimal("12000"), Decimal("0"), Decimal("1.5"))
    assert result.working[-1] == f"÷ 1,5 part = {eur('666,67 €')}"


@pytest.mark.parametrize(
    ("stated", "expected"), [("575", "575.00"), (Decimal("612.345"), "612.35")]
)
def test_quotient_from_caf(stated, expected):
    result = quotient_from_caf(stated)
    assert result.value == Decimal(expected)
    assert result.basis == "caf"
    assert result.working == [
        f"Quotient familial indiqué par la CAF : {format_eur(Decimal(expected))}"
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("-1", "0", "2"), "revenu annuel ne peut pas être négatif"),
        (("100", "-5", "2"), "prestations mensuelles ne peuvent pas être négatives"),
        (("100", "0", "0"), "strictement positif"),
        (("100", "0", "-1"), "strictement positif"),
        (("abc", "0", "2"), "Montant invalide"),
        (("NaN", "0", "2"), "Montant invalide"),
        ((None, "0", "2"), "Montant manquant"),
        ((True, "0", "2"), "Montant manquant"),
    ],
)
def test_quotient_from_income_rejects_bad_input(args, fragment):
    with pytest.raises(QuotientError) as info:
        quotient_from_income(*args)
    assert fragment in info.value.message
    assert isinstance(info.value, ValueError)


def test_negative_caf_quotient_is_refused():
    with pytest.raises(QuotientError, match="négatif"):
        quotient_from_caf(Decimal("-1"))


# --- French formatting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("575"), "575,00 €"),
        (Decimal("24000"), "24 000,00 €"),
        (Decimal("1234567.891"), "1 234 567,89 €"),
        (Decimal("0.005"), "0,01 €"),
        (Decimal("-1234.5"), "-1 234,50 €"),
        (100, "100,00 €"),
    ],
)
def test_format_eur(value, expected):
    assert format_eur(value) == eur(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("4.0"), "4"),
        (Decimal("4.50"), "4,5"),
        (Decimal("400"), "400"),
        (Decimal("12000"), f"12{NNBSP}000"),
        (0, "0"),
    ],
)
def test_format_number(value, expected):
    assert format_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1"), "1 part"), (Decimal("1.5"), "1,5 part"), (Decimal("2"), "2 parts")],
)
def test_parts_label(value, expected):
    assert shares_label(value) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1 234,50", "1234.50"), ("1\u202f234,50 €", "1234.50"), (0.1, "0.1"), (7, "7")],
)
def test_to_decimal_accepts_french_input(raw, expected):
    assert to_decimal(raw, "le montant") == Decimal(expected)


amounts = st.decimals(min_value=0, max_value=10**7, places=2)
part_counts = st.sampled_from([Decimal(n) / 2 for n in range(1, 21)])


@given(amounts, amounts, part_counts)
def test_quotient_matches_the_formula_and_shrinks_with_more_parts(income, benefits, parts):
    result = quotient_from_income(income, benefits, parts)
    exact = (income / 12 + benefits) / parts
    assert result.value == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert result.value >= 0
    assert len(result.working) == 4
    assert quotient_from_income(income, benefits, parts + 1).value <= result.value
