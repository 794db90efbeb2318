"""Amounts in French words, for receipts that state a value "en chiffres et en lettres".

Spelling: the traditional one (before the 1990 reform), as tax forms and banks still print
it — hyphens only between tens and units below one hundred ("quatre-vingt-dix-neuf"), "et"
without hyphens ("vingt et un", "soixante et onze"), spaces around "cent" and "mille"
("mille deux cent trente-quatre"). Agreement rules:

- "vingt" (in quatre-vingts) and "cent" take an "s" when multiplied and ending the number
  ("quatre-vingts", "deux cents") — also before "million(s)" / "milliard(s)", which are nouns
  ("deux cents millions") — but not before "mille", an invariable adjective
  ("deux cent mille", "quatre-vingt mille");
- "mille" never takes an "s" and is never preceded by "un";
- "million" and "milliard" are nouns: plural with an "s", and "de" before the currency when
  they end the amount ("un million d'euros", "deux millions d'euros" but
  "un million deux cents euros").

Pure: Decimal in, str out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
    "dix-neuf",
)
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
MAX_AMOUNT = Decimal("999999999999.99")


def _below_100(n: int, final: bool) -> str:
    """0 < n < 100. `final`: nothing follows but a noun, so "quatre-vingts" may take its s."""
    if n < 20:
        return UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix…: 60/80 + 10..19
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = 10 + unit
        joiner = " et " if (tens == 7 and unit == 1) else "-"
        return f"{base}{joiner}{UNITS[rest]}"
    if tens == 8:
        if unit == 0:
            return "quatre-vingts" if final else "quatre-vingt"
        return f"quatre-vingt-{UNITS[unit]}"  # no "et": quatre-vingt-un
    word = TENS[tens]
    if unit == 0:
        return word
    if unit == 1:
        return f"{word} et un"
    return f"{word}-{UNITS[unit]}"


def _below_1000(n: int, final: bool) -> str:
    """0 < n < 1000. `final` as in _below_100 (False before "mille")."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        if hundreds == 1:
            parts.append("cent")
        else:
            plural = final and rest == 0
            parts.append(f"{UNITS[hundreds]} {'cents' if plural else 'cent'}")
    if rest:
        parts.append(_below_100(rest, final))
    return " ".join(parts)


def integer_words(n: int) -> str:
    """A whole number in words, 0 ≤ n < 10¹²."""
    if n < 0 or n >= 10**12:
        raise ValueError("Nombre hors limites.")
    if n == 0:
        return UNITS[0]
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    parts = []
    for count, noun in ((billions, "milliard"), (millions, "million")):
        if count:
            # A noun follows: "deux cents millions", "quatre-vingts millions".
            parts.append(f"{_below_1000(count, True)} {noun}{'s' if count > 1 else ''}")
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, False)} mille")
    if units:
        parts.append(_below_1000(units, True))
    return " ".join(parts)


def _with_unit(n: int, singular: str, plural: str, elided: str) -> str:
    words = integer_words(n)
    # "un million d'euros", "deux milliards d'euros": the amount ends on the noun.
    if n >= 10**6 and n % 10**6 == 0:
        return f"{words} {elided}"
    return f"{words} {singular if n < 2 else plural}"


def euros_in_words(amount: Decimal | int | str) -> str:
    """1234.50 → "mille deux cent trente-quatre euros et cinquante centimes"."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"Montant invalide : {amount}") from None
    if value < 0 or value > MAX_AMOUNT:
        raise ValueError(f"Montant hors limites : {amount}")
    euros = int(value)
    cents = int((value - euros) * 100)
    euro_words = _with_unit(euros, "euro", "euros", "d'euros")
    if not cents:
        return euro_words
    cent_words = f"{integer_words(cents)} {'centime' if cents < 2 else 'centimes'}"
    if not euros:
        return cent_words
    return f"{euro_words} et {cent_words}"


def euros_in_figures(amount: Decimal | int | str) -> str:
    """1234.5 → "1 234,50 €" (narrow no-break space between thousands)."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0€"
