"""Text decoded with the wrong code page, recognised (pure rules)."""

import pytest

from refurb.core import mojibake

FRENCH = ["Écran plat rayé", "Unité centrale – à reprendre", "N° de série", "cœur de gamme 120 €",
          "Prêt « Ordi solidaire »", "Žilina", "15½ pouces", "São Paulo", "clavier QWERTY", ""]


@pytest.mark.parametrize("text", FRENCH)
def test_good_french_text_is_not_flagged(text):
    assert not mojibake.looks_garbled(text)


@pytest.mark.parametrize(("right", "written", "read_as"), [
    ("Écran rayé", "utf-8", "cp1252"),
    ("Écran rayé", "utf-8", "mac_roman"),
    ("Écran rayé", "mac_roman", "cp1252"),
    ("Modèle à reprendre", "mac_roman", "cp1252"),
    ("déchet reçu", "cp1252", "mac_roman"),
    ("valeur 120 € cœur", "iso8859_15", "cp1252"),
    ("Unité", "cp850", "cp1252"),
])
def test_each_wrong_decoding_is_flagged(right, written, read_as):
    garbled = right.encode(written).decode(read_as, "replace")
    assert garbled != right
    assert mojibake.looks_garbled(garbled), garbled
    assert mojibake.plausibility(right) > mojibake.plausibility(garbled)


def test_the_excerpt_shows_where_and_hides_control_characters():
    text = "Portable Dell Latitude 5480 — Ã©cran fÃªlÃ© au coin"
    assert "Ã©cran" in mojibake.garbled_excerpt(text)
    assert "\x00" not in mojibake.garbled_excerpt("a\x00b\x00c")
    assert mojibake.garbled_excerpt("rien à signaler") == ""
