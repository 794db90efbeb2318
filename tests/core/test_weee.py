from decimal import Decimal

import pytest

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput
from refurb.core.weee import (
    DEVICE_CATEGORY,
    WASTE_CODES,
    category_for,
    check_operation,
    default_device_waste_code,
    is_hazardous,
    normalise_operation_code,
    normalise_waste_code,
    parse_weight_kg,
    tonnes,
)
from refurb.core.weee_rates import Outcome, RateRow, compute_rates, outcome_for_mode

D = Decimal


@pytest.mark.parametrize(("device_type", "category"), [
    ("laptop", 2), ("monitor", 2), ("crt_monitor", 2), ("all_in_one", 2), ("tablet", 2),
    ("desktop", 6), ("keyboard_mouse", 6), ("mini_pc", 6), ("phone", 6), ("server", 4),
])
def test_category_from_device_type(device_type, category):
    assert category_for(device_type) == category


def test_every_device_type_has_a_category():
    assert set(DEVICE_CATEGORY) == set(DeviceType)
    with pytest.raises(InvalidInput):
        category_for("toaster")


@pytest.mark.parametrize(("typed", "code", "hazardous"), [
    ("16 02 14", "16 02 14", False),
    ("160214", "16 02 14", False),
    ("16-02-13*", "16 02 13*", True),
    ("16 02 13 *", "16 02 13*", True),
    (" 16.02.16 ", "16 02 16", False),
    ("16 02 15*", "16 02 15*", True),
    ("20 01 36", "20 01 36", False),
    ("200135*", "20 01 35*", True),
])
def test_waste_codes_are_normalised_and_hazard_read_from_the_asterisk(typed, code, hazardous):
    assert normalise_waste_code(typed) == code
    assert is_hazardous(typed) is hazardous


@pytest.mark.parametrize(("typed", "hint"), [
    ("16 02 14*", "16 02 14"),  # asterisk on a non-hazardous code
    ("16 02 13", "16 02 13*"),  # hazardous code without its asterisk
    ("17 05 04", None),  # not a WEEE code
    ("", None),
    ("abc", None),
])
def test_unknown_waste_codes_are_refused_with_a_hint(typed, hint):
    with pytest.raises(InvalidInput) as refused:
        normalise_waste_code(typed)
    if hint:
        assert f"« {hint} »" in refused.value.message


def test_the_six_weee_codes_and_their_hazard():
    assert [c for c in WASTE_CODES if c.endswith("*")] == ["16 02 13*", "16 02 15*", "20 01 35*"]
    assert default_device_waste_code("crt_monitor") == "16 02 13*"
    assert default_device_waste_code("laptop") == "16 02 14"


@pytest.mark.parametrize(("code", "mode", "expected"), [
    ("R4", "RECYCLAGE", ("R4", "RECYCLAGE")),
    ("r 4", "RECYCLAGE", ("R4", "RECYCLAGE")),
    ("R05", "AUTRES_VALORISATIONS", ("R5", "AUTRES_VALORISATIONS")),
    ("R12", "", ("R12", None)),
    ("R13", None, ("R13", None)),
    ("D10", "ELIMINATION", ("D10", "ELIMINATION")),
    ("R1", "VALORISATION_ENERGETIQUE", ("R1", "VALORISATION_ENERGETIQUE")),
])
def test_operation_code_and_mode_pairs_the_registry_accepts(code, mode, expected):
    assert check_operation(code, mode) == expected


@pytest.mark.parametrize(("code", "mode"), [
    ("R4", "ELIMINATION"),  # mode not allowed for the code
    ("R4", ""),  # a final code needs its mode
    ("R12", "RECYCLAGE"),  # a grouping code takes none
    ("R0", "REUTILISATION"),  # not an outgoing operation
    ("X9", ""),
])
def test_operation_pairs_the_registry_refuses(code, mode):
    with pytest.raises(InvalidInput):
        check_operation(code, mode)


def test_a_refused_mode_names_the_allowed_ones_in_the_readers_language():
    with pytest.raises(InvalidInput) as refused:
        check_operation("R2", "ELIMINATION")
    assert refused.value.message == ("Mode de traitement pour R2 : Réutilisation, Recyclage et "
                                     "autres formes de valorisation de la matière.")
    english = {"Mode de traitement pour %(code)s : %(modes)s.": "Treatment mode for %(code)s: "
               "%(modes)s.", "Réutilisation": "Reuse",
               "Recyclage et autres formes de valorisation de la matière": "Recycling"}
    message, _reasons = refused.value.translated(lambda text: english.get(text, text))
    assert message == "Treatment mode for R2: Reuse, Recycling."


def test_operation_code_normalisation():
    assert normalise_operation_code(" d 13 ") == "D13"


@pytest.mark.parametrize(("typed", "kg"), [
    ("3", D("3.00")), ("3,5", D("3.50")), ("12.345 kg", D("12.35")), ("1\u202f250", D("1250.00")),
])
def test_weights_typed_in_french(typed, kg):
    assert parse_weight_kg(typed) == kg


@pytest.mark.parametrize("typed", ["", "0", "-2", "abc", "NaN", "1e9"])
def test_bad_weights_are_refused(typed):
    with pytest.raises(InvalidInput):
        parse_weight_kg(typed)
    assert parse_weight_kg("", required=False) is None


@pytest.mark.parametrize(("kg", "t"), [
    (D("1000"), D("1.000")), (D("22.5"), D("0.023")), (D("0.2"), D("0.001")), (D("3"), D("0.003")),
])
def test_tonnes_keep_three_decimals_and_never_round_to_zero(kg, t):
    assert tonnes(kg) == t


@pytest.mark.parametrize(("mode", "outcome"), [
    ("RECYCLAGE", Outcome.RECYCLED), ("REUTILISATION", Outcome.REUSED),
    ("VALORISATION_ENERGETIQUE", Outcome.RECOVERED), ("AUTRES_VALORISATIONS", Outcome.RECOVERED),
    ("ELIMINATION", Outcome.OTHER), (None, Outcome.OTHER),
])
def test_outcome_of_a_batch_follows_its_treatment_mode(mode, outcome):
    assert outcome_for_mode(mode) == outcome


R, Y, V, X = Outcome.REUSED, Outcome.RECYCLED, Outcome.RECOVERED, Outcome.OTHER

# (rows, category, expected {name: value}) — figures worked out by hand.
RATE_CASES = [
    pytest.param(
        [RateRow(2, R, D("3")), RateRow(2, R, D("3")), RateRow(2, Y, D("5")),
         RateRow(2, X, D("9"))],
        2,
        {"count": 4, "weight": D("20"), "reused_count": D("0.5"), "reused_weight": D("0.3"),
         "recycled_weight": D("0.25"), "other_weight": D("0.45"),
         "reuse_recycling": D("0.55"), "recovery": D("0.55"),
         "meets_recovery": False, "meets_reuse_recycling": False},
        id="laptops and monitors, half reused by count",
    ),
    pytest.param(
        [RateRow(6, R, D("10")), RateRow(6, Y, D("60"), count=6), RateRow(6, V, D("20"), count=2),
         RateRow(6, X, D("10"))],
        6,
        {"count": 10, "weight": D("100"), "reused_count": D("0.1"), "reused_weight": D("0.1"),
         "recycled_weight": D("0.6"), "other_weight": D("0.3"),
         "reuse_recycling": D("0.7"), "recovery": D("0.9"),
         "meets_recovery": True, "meets_reuse_recycling": True},
        id="towers exactly on the 70 % target",
    ),
    pytest.param(
        [RateRow(4, Y, D("40"))],
        4,
        {"count": 1, "weight": D("40"), "reused_count": D("0"), "reused_weight": D("0"),
         "recycled_weight": D("1"), "other_weight": D("0"),
         "reuse_recycling": D("1"), "recovery": D("1"),
         "meets_recovery": None, "meets_reuse_recycling": None},
        id="category without a French target",
    ),
    pytest.param(
        [RateRow(2, R, D("1")), RateRow(2, Y, D("1")), RateRow(2, X, D("1"))],
        2,
        {"count": 3, "weight": D("3"), "reused_count": D("0.3333"), "reused_weight": D("0.3333"),
         "recycled_weight": D("0.3333"), "other_weight": D("0.3333"),
         "reuse_recycling": D("0.6667"), "recovery": D("0.6667"),
         "meets_recovery": False, "meets_reuse_recycling": False},
        id="thirds round half up to four places",
    ),
]


@pytest.mark.parametrize(("rows", "category", "expected"), RATE_CASES)
def test_rates_per_category(rows, category, expected):
    report = compute_rates(rows)
    [rates] = [c for c in report.categories if c.category == category]
    got = {
        "count": rates.total.count, "weight": rates.total.weight_kg,
        "reused_count": rates.share_by_count(R), "reused_weight": rates.share_by_weight(R),
        "recycled_weight": rates.share_by_weight(Y), "other_weight": rates.other_by_weight(),
        "reuse_recycling": rates.reuse_recycling_rate, "recovery": rates.recovery_rate,
        "meets_recovery": rates.meets_recovery,
        "meets_reuse_recycling": rates.meets_reuse_recycling,
    }
    assert got == expected


def test_overall_sums_every_category_and_categories_are_sorted():
    rows = [RateRow(6, Y, D("10")), RateRow(2, R, D("3")), RateRow(2, X, D("7"), count=2)]
    report = compute_rates(rows)
    assert [c.category for c in report.categories] == [2, 6]
    assert report.overall.total.count == 4 and report.overall.total.weight_kg == D("20")
    assert report.overall.share_by_weight(Y) == D("0.5")
    assert report.overall.target is None


def test_no_rows_no_shares():
    report = compute_rates([])
    assert report.categories == []
    assert report.overall.share_by_count(R) is None and report.overall.recovery_rate is None


def test_rows_with_an_impossible_category_are_refused():
    with pytest.raises(InvalidInput):
        compute_rates([RateRow(7, R, D("1"))])
