"""French identifiers: SIRET/SIREN (companies), UAI (schools), RNA (associations).

Pure functions. Each ``validate_*`` returns the normalised identifier or raises a subclass of
:class:`InvalidIdentifier` whose ``message`` is a French sentence fit to show in a form.
"""

from __future__ import annotations

import re

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_

__all__ = [
    "LA_POSTE_SIREN",
    "UAI_LETTERS",
    "InvalidIdentifier",
    "InvalidRna",
    "InvalidSiren",
    "InvalidSiret",
    "InvalidUai",
    "is_valid_siren",
    "is_valid_siret",
    "luhn_ok",
    "validate_rna",
    "validate_siren",
    "validate_siret",
    "validate_uai",
]

LA_POSTE_SIREN = "356000000"
# The UAI key alphabet skips I, O and Q, which read too much like 1 and 0.
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

# People paste identifiers from PDFs and web pages: drop any kind of space, and the dots or
# dashes some documents use to group digits.
_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-]+")


class InvalidIdentifier(InvalidInput, ValueError):
    """An identifier that cannot be right; ``message`` is French, for the user.

    Also an ``InvalidInput`` (HTTP 400) so the web layer reports it like any DomainError.
    """


class InvalidSiret(InvalidIdentifier):
    pass


class InvalidSiren(InvalidIdentifier):
    pass


class InvalidUai(InvalidIdentifier):
    pass


class InvalidRna(InvalidIdentifier):
    pass


SIREN_LABEL = Message(N_("numéro SIREN"))
SIRET_LABEL = Message(N_("numéro SIRET"))
UAI_LABEL = Message(N_("code UAI"))
RNA_LABEL = Message(N_("numéro RNA"))


def _compact(value: object, error: type[InvalidIdentifier], label: Message) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        raise error(N_("Le %(label)s doit être saisi sous forme de texte."), label=label)
    text = _SEPARATORS.sub("", str(value)).upper()
    if not text:
        raise error(N_("Le %(label)s est vide."), label=label)
    return text


def luhn_ok(digits: str) -> bool:
    """Luhn check (every second digit from the right doubled) on a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _check_digits(text: str, length: int, error: type[InvalidIdentifier], label: Message) -> None:
    if not text.isascii() or not text.isdigit():
        raise error(N_("Le %(label)s ne doit contenir que des chiffres (reçu « %(text)s »)."),
                    label=label, text=text)
    if len(text) != length:
        raise error(N_("Le %(label)s doit comporter %(length)s chiffres (reçu %(count)s)."),
                    label=label, length=length, count=len(text))


def validate_siren(value: str | int) -> str:
    """Return the 9-digit SIREN or raise :class:`InvalidSiren`."""
    text = _compact(value, InvalidSiren, SIREN_LABEL)
    _check_digits(text, 9, InvalidSiren, SIREN_LABEL)
    if not luhn_ok(text):
        raise InvalidSiren(
            N_("Le numéro SIREN %(number)s est invalide : la clé de contrôle ne correspond pas "
               "(vérifiez qu'aucun chiffre n'a été mal recopié)."), number=text)
    return text


def validate_siret(value: str | int) -> str:
    """Return the 14-digit SIRET or raise :class:`InvalidSiret`.

    La Poste establishments share one SIREN and INSEE numbers them without a Luhn key; their
    SIRET is valid when the sum of its 14 digits is a multiple of 5 (its head office,
    35600000000048, happens to pass Luhn as well).
    """
    text = _compact(value, InvalidSiret, SIRET_LABEL)
    _check_digits(text, 14, InvalidSiret, SIRET_LABEL)
    if luhn_ok(text):
        return text
    if text.startswith(LA_POSTE_SIREN) and sum(int(c) for c in text) % 5 == 0:
        return text
    raise InvalidSiret(
        N_("Le numéro SIRET %(number)s est invalide : la clé de contrôle ne correspond pas "
           "(vérifiez qu'aucun chiffre n'a été mal recopié)."), number=text)


def is_valid_siret(value: object) -> bool:
    try:
        validate_siret(value)  # type: ignore[arg-type]
    except InvalidIdentifier:
        return False
    return True


def is_valid_siren(value: object) -> bool:
    try:
        validate_siren(value)  # type: ignore[arg-type]
    except InvalidIdentifier:
        return False
    return True


def validate_uai(value: str) -> str:
    """Return the UAI (7 digits + key letter, upper case) or raise :class:`InvalidUai`."""
    text = _compact(value, InvalidUai, UAI_LABEL)
    if len(text) != 8:
        raise InvalidUai(N_("Le code UAI doit comporter 8 caractères : 7 chiffres puis une "
                            "lettre (reçu %(count)s)."), count=len(text))
    number, key = text[:7], text[7]
    if not (number.isascii() and number.isdigit()):
        raise InvalidUai(N_("Le code UAI doit commencer par 7 chiffres (reçu « %(digits)s »)."),
                         digits=number)
    if key not in UAI_LETTERS:
        raise InvalidUai(N_("Le code UAI doit se terminer par une lettre de contrôle "
                            "(reçu « %(key)s »)."), key=key)
    expected = UAI_LETTERS[int(number) % 23]
    if key != expected:
        raise InvalidUai(N_("Le code UAI %(code)s est invalide : la lettre de contrôle devrait "
                            "être « %(expected)s »."), code=text, expected=expected)
    return text


def validate_rna(value: str) -> str:
    """Return the RNA number ("W" + 9 digits, upper case) or raise :class:`InvalidRna`."""
    text = _compact(value, InvalidRna, RNA_LABEL)
    if not text.startswith("W"):
        raise InvalidRna(N_("Le numéro RNA doit commencer par la lettre W (reçu « %(number)s »), "
                            "par exemple W751234567."), number=text)
    digits = text[1:]
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 9:
        raise InvalidRna(N_("Le numéro RNA doit comporter la lettre W suivie de 9 chiffres "
                            "(reçu « %(number)s »)."), number=text)
    return text
