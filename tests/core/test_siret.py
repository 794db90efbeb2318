import pytest
from hypothesis import given
from hypothesis import strategies as st

from refurb.core.errors import DomainError
from refurb.core.siret import (
    InvalidIdentifier,
    InvalidRna,
    InvalidSiren,
    InvalidSiret,
    InvalidUai,
    is_valid_siren,
    is_valid_siret,
    luhn_ok,
    validate_rna,
    validate_siren,
    validate_siret,
    validate_uai,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("48774196900033", "48774196900033"),  # Ecologic
        ("83033936200022", "83033936200022"),  # ecosystem
        ("487 741 969 00033", "48774196900033"),
        ("830\u00a0339\u202f362 00022", "83033936200022"),
        ("  487.741.969-00033 ", "48774196900033"),
        (48774196900033, "48774196900033"),
        ("35600000000048", "35600000000048"),  # La Poste head office (passes Luhn too)
        ("35600000049837", "35600000049837"),  # La Poste: no Luhn, digit sum 45
    ],
)
def test_valid_siret(raw, expected):
    assert validate_siret(raw) == expected
    assert is_valid_siret(raw)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("48774196900034", "clé de contrôle"),
        ("48774196900032", "clé de contrôle"),  # digit sum 60, but not La Poste
        ("35600000000049", "clé de contrôle"),  # La Poste SIREN, digit sum 27
        ("4877419690003", "14 chiffres (reçu 13)"),
        ("487741969000331", "14 chiffres (reçu 15)"),
        ("4877419690003A", "que des chiffres"),
        ("", "vide"),
        ("   ", "vide"),
        (None, "texte"),
        (4.5, "texte"),
    ],
)
def test_invalid_siret(raw, fragment):
    with pytest.raises(InvalidSiret) as info:
        validate_siret(raw)
    assert fragment in info.value.message
    assert not is_valid_siret(raw)


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("487741969", True),
        ("830 339 362", True),
        ("356000000", True),
        ("487741968", False),
        ("48774196", False),
        ("48774196X", False),
    ],
)
def test_siren(raw, valid):
    assert is_valid_siren(raw) is valid
    if valid:
        assert validate_siren(raw) == raw.replace(" ", "")
    else:
        with pytest.raises(InvalidSiren):
            validate_siren(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0750654D", "0750654D"),  # lycée Louis-le-Grand
        ("0750654d", "0750654D"),
        (" 0750654 D ", "0750654D"),
        ("0593456L", "0593456L"),
        ("0000000A", "0000000A"),
    ],
)
def test_valid_uai(raw, expected):
    assert validate_uai(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("0750654E", "devrait être « D »"),
        ("075065D", "8 caractères"),
        ("A750654D", "7 chiffres"),
        ("07506541", "lettre de contrôle"),
        ("0750654I", "lettre de contrôle"),  # I is not in the key alphabet
    ],
)
def test_invalid_uai(raw, fragment):
    with pytest.raises(InvalidUai) as info:
        validate_uai(raw)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("W751234567", "W751234567"),
        ("w751234567", "W751234567"),
        ("W 751 234 567", "W751234567"),
    ],
)
def test_valid_rna(raw, expected):
    assert validate_rna(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("751234567", "commencer par la lettre W"),
        ("W75123456", "9 chiffres"),
        ("W7512345678", "9 chiffres"),
        ("W7512345AB", "9 chiffres"),
    ],
)
def test_invalid_rna(raw, fragment):
    with pytest.raises(InvalidRna) as info:
        validate_rna(raw)
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("call", "raw"),
    [
        (validate_siret, "1"),
        (validate_siren, "1"),
        (validate_uai, "1"),
        (validate_rna, "1"),
    ],
)
def test_errors_share_one_family(call, raw):
    with pytest.raises(InvalidIdentifier) as info:
        call(raw)
    error = info.value
    assert isinstance(error, ValueError)
    assert isinstance(error, DomainError)  # the web layer turns it into a 400
    assert error.message == str(error)


def _luhn_complete(digits: str) -> str:
    return next(digits + d for d in "0123456789" if luhn_ok(digits + d))


@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.data())
def test_luhn_catches_any_single_digit_typo(body, data):
    siret = _luhn_complete(body)
    assert is_valid_siret(siret)
    position = data.draw(st.integers(0, 13))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != siret[position]]))
    typo = siret[:position] + wrong + siret[position + 1 :]
    if not typo.startswith("356000000"):  # La Poste numbers use a weaker check
        assert not is_valid_siret(typo)
