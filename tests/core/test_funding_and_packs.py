"""Funders' arithmetic and the pack rules of the distribution day, without an app."""

from decimal import Decimal

import pytest

from refurb.core import funding, packs
from refurb.core.errors import InvalidInput


def test_money_in_french_format():
    assert funding.format_eur(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert funding.format_eur(Decimal("1234567.891")) == "1\u202f234\u202f567,89\u00a0€"
    assert funding.format_eur(Decimal("0")) == "0,00\u00a0€"
    assert funding.format_eur(Decimal("-12")) == "-12,00\u00a0€"
    assert funding.format_eur(None) == "—"


def test_cost_per_household_and_shares():
    lines = [funding.Line("Clic", "cost", Decimal("30000")),
             funding.Line("Clic", "cost", Decimal("4500.50")),
             funding.Line("Clic", "funding", Decimal("25000"))]
    assert funding.totals(iter(lines)) == {"cost": Decimal("34500.50"), "funding": Decimal("25000.00"),
                                     "balance": Decimal("-9500.50")}
    assert funding.cost_per_household(Decimal("34500.50"), 3) == Decimal("11500.17")
    assert funding.cost_per_household(Decimal("100"), 0) is None
    assert funding.share(1, 3) == Decimal("33.3")
    assert funding.share(0, 0) is None


@pytest.mark.parametrize("changes, words", [
    ({"year": 1999}, "Année invalide"), ({"programme": " "}, "programme"),
    ({"label": ""}, "libellé"), ({"kind": "gift"}, "coût ou financement"),
    ({"amount": Decimal("-1")}, "Montant invalide"), ({"amount": None}, "Montant invalide"),
])
def test_a_funding_line_names_what_is_wrong(changes, words):
    values = {"year": 2026, "programme": "Clic", "label": "Salaires", "amount": Decimal("1"),
              "kind": "cost", **changes}
    with pytest.raises(InvalidInput) as error:
        funding.check_line(**values)
    assert words in error.value.message


def test_accessories_lines_with_quantities():
    assert packs.parse_accessories("1 Souris\n2 × Sacoche\n\ncarte de bibliothèque\nsacoche") == [
        ("Souris", 1), ("Sacoche", 3), ("carte de bibliothèque", 1)]
    with pytest.raises(InvalidInput) as error:
        packs.parse_accessories("Souris\n30 Sacoche")
    assert "ligne 2" in error.value.message


def test_each_machine_goes_to_the_next_member_waiting_for_its_type():
    pack = {"desktop": 1, "printer": 1}
    members = [packs.Member(1, waiting=False, held=("desktop", "printer")),
               packs.Member(2, waiting=True, held=("printer",)),
               packs.Member(3, waiting=True)]
    assert packs.assign(pack, members, "desktop").key == 2
    with pytest.raises(InvalidInput) as error:
        packs.assign(pack, members, "printer")
    assert error.value.message == ("Machine refusée : c'est un appareil de type « Imprimante », "
                                   "le membre suivant attend : Unité centrale.")
    with pytest.raises(InvalidInput) as error:
        packs.assign(pack, [members[0]], "desktop")
    assert "Toute la cohorte est servie" in error.value.message
    progress = packs.progress(pack, members, served=1)
    assert (progress.assigned, progress.needed) == (3, 6)
