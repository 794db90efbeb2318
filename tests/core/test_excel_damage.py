"""What Excel does to an asset list, recognised (pure rules)."""

import pytest

from refurb.core import excel_damage as damage


@pytest.mark.parametrize(("text", "reason"), [
    ("1.23457E+11", "notation scientifique"),
    ("6,37702E+15", "notation scientifique"),
    ("1.2E-3", "notation scientifique"),
    ("123456.0", "décimale nulle"),
    ("00042,00", "décimale nulle"),
    ("02-janv", "ressemble à une date"),
    ("3-Feb-19", "ressemble à une date"),
    ("12/05/2019", "ressemble à une date"),
    ("2019-05-03 00:00:00", "ressemble à une date"),
    ("#N/A", "erreur de formule"),
    ("#VALEUR!", "erreur de formule"),
])
def test_damaged_identifiers_are_named(text, reason):
    found = damage.identifier_damage(text)
    assert found is not None and reason in str(found) and text in str(found)


@pytest.mark.parametrize("text", ["5CG7281XYZ", "00123", "123456789012", "CN-0F1-2019",
                                  "12-ABC", "1E4FFA", "INV/2019/0042", ""])
def test_ordinary_identifiers_are_left_alone(text):
    assert damage.identifier_damage(text) is None


def test_shorter_digit_runs_are_flagged_where_other_values_kept_their_zeros():
    watch = damage.ColumnWatch(identifier=True)
    for line, text in enumerate(["000123", "000124", "125", "ABC-9", "1126"], start=2):
        watch.see(line, text)
    assert [(line, str(why)) for line, why in watch.flags()] == [
        (4, "« 125 » : 3 chiffres au lieu de 6, zéros de tête perdus par Excel ?"),
        (6, "« 1126 » : 4 chiffres au lieu de 6, zéros de tête perdus par Excel ?"),
    ]


def test_a_column_of_padded_numbers_with_a_few_short_ones_is_flagged():
    watch = damage.ColumnWatch(identifier=True)
    for line in range(2, 22):
        watch.see(line, f"{40000 + line}")
    watch.see(30, "4711")
    assert [line for line, _ in watch.flags()] == [30]


def test_plain_running_numbers_are_not_taken_for_lost_zeros():
    watch = damage.ColumnWatch(identifier=True)
    for line in range(2, 1200):
        watch.see(line, str(line - 1))  # 1, 2, … 1198: a donor numbering from 1
    assert watch.flags() == []


def test_day_numbers_among_dates_are_flagged_with_the_date_they_stand_for():
    watch = damage.ColumnWatch(identifier=False)
    for line, text in [(2, "03/05/2019"), (3, "43588"), (4, "RAS"), (5, "12345")]:
        watch.see(line, text)
    assert [(line, str(why)) for line, why in watch.flags()] == [
        (3, "« 43588 » : date devenue un nombre dans le tableur (03/05/2019 ?)")]
    alone = damage.ColumnWatch(identifier=False)
    alone.see(2, "43588")  # no date in the column: a number among numbers
    assert alone.flags() == []


@pytest.mark.parametrize(("value", "text"), [
    (3, "3"), (3.0, "3"), (2.5, "2.5"), (0.1 + 0.2, "0.3"), (123456789012.0, "123456789012"),
    (123456789012345678, "1.23457E+17"), (1.2345678901234568e17, "1.23457E+17"),
    (True, "VRAI"), (False, "FAUX")])
def test_spreadsheet_numbers_read_as_their_cell_shows_them(value, text):
    assert damage.number_text(value) == text


def test_header_trailing_empty_columns_dropped_unless_used():
    assert damage.read_header(["Type", "Marque", "", " "]).names == ("Type", "Marque")
    used = damage.read_header(["Type", "", ""], used_columns=3)
    assert used.names == ("Type", "", "") and set(used.notes) == {1, 2}
    assert str(used.notes[2]) == "colonne C sans nom"
    shifted = damage.read_header(["Type", "Type"], first_column=2)
    assert str(shifted.notes[1]) == "nom de colonne « Type » répété (colonnes C et D)"


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                                (702, "AAA")])
def test_column_letters(index, letters):
    assert damage.column_letter(index) == letters
