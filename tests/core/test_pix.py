"""The Pix framework as data: 5 domains, 16 competences, levels 1 to 8."""

import pytest

from refurb.core import pix
from refurb.core.errors import InvalidInput


def test_sixteen_competences_in_five_domains():
    assert len(pix.DOMAINS) == 5
    assert len(pix.COMPETENCES) == 16
    assert [len(cs) for _d, cs in pix.grouped()] == [3, 4, 4, 3, 2]


def test_codes_are_unique_and_in_framework_order():
    codes = [c.code for c in pix.COMPETENCES]
    assert len(set(codes)) == 16
    assert codes[0] == "1.1" and codes[-1] == "5.2"
    assert codes == sorted(codes, key=lambda c: tuple(int(p) for p in c.split(".")))
    assert {c.domain_code for c in pix.COMPETENCES} == {d.code for d in pix.DOMAINS}


def test_french_names():
    assert pix.DOMAIN_BY_CODE["4"].name == "Protection et sécurité"
    assert pix.competence("4.2").name == "Protéger les données personnelles et la vie privée"
    assert pix.competence("5.1").label == "5.1 Résoudre des problèmes techniques"
    assert all(c.name and c.name[0].isupper() for c in pix.COMPETENCES)


def test_levels_one_to_eight():
    assert pix.LEVELS == (1, 2, 3, 4, 5, 6, 7, 8)
    assert pix.check_level(1) == 1 and pix.check_level(8) == 8
    for bad in (0, 9, -1, True, "3"):
        with pytest.raises(InvalidInput):
            pix.check_level(bad)
    assert set(pix.LEVEL_GROUPS) == set(pix.LEVELS)


@pytest.mark.parametrize("code", ["6.1", "1.4", "", "11", None])
def test_unknown_codes_are_refused_in_french(code):
    with pytest.raises(InvalidInput, match="Compétence Pix inconnue"):
        pix.competence(code)


def test_sort_codes_uses_framework_order_and_drops_duplicates():
    assert pix.sort_codes(["5.2", "1.1", "3.4", "1.1", " 2.1"]) == ["1.1", "2.1", "3.4", "5.2"]
