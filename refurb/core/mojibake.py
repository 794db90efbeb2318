"""Text decoded with the wrong code page ("mojibake"): how odd it looks, how French it looks.

Used twice: to choose between the code pages a file decodes in without error (a Mac Roman file
decodes in Windows-1252 too, into nonsense), and to flag values that still look garbled after
decoding so a person looks before they are stored.
"""

from __future__ import annotations

import re

# Each pattern is a trace of one wrong decoding, seen in real files.
_GARBLED = re.compile(
    "|".join((
        "\ufffd",                                # bytes the code page has no character for
        "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]",  # control characters (C0 but tab/newlines, C1)
        "Ã[^A-Za-z\\s]|Â[\xa0-¿]|â[€‚„]",        # UTF-8 read as Windows-1252
        "√.",                                     # UTF-8 read as Mac Roman
        # Mac Roman or MS-DOS read as Windows-1252 (Ž, Š, š, ž start Slavic names: only
        # after a letter)
        "[A-Za-zÀ-ÿ][ƒˆ‰Š‹Ž™š›žŸ‚„‡]|[ƒˆ‰‹™›Ÿ][a-zà-ÿ]",
        "[a-zà-ÿ][ÈËÁÍÎÏÌÓÔÒÚÛÙ‡∞][a-zà-ÿ]",       # Windows-1252 read as Mac Roman
        "[∂∑∏π∫ªº≠≤≥÷◊ı˘˙˚˛ˇ]",                    # Mac Roman signs: no asset list has them
        "[A-Za-z][¤¦¨´¸¼½¾][A-Za-z]|\\d ?¤",       # ISO-8859-15 (€, œ…) read as Windows-1252
        "[\u2500-\u259f]",                        # box drawing: an MS-DOS code page misread
    ))
)  # fmt: skip

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Letters and signs a French list is full of: the right decoding shows more of them.
_FRENCH = re.compile("[éèêëàâçîïôûùüœÉÈÊÀÇ€°]")


def oddity(text: str) -> int:
    """How many traces of a wrong decoding the text holds."""
    return 0 if text.isascii() and "\x00" not in text else len(_GARBLED.findall(text))


def looks_garbled(text: str) -> bool:
    if text.isascii():
        return False
    return _GARBLED.search(text) is not None


def garbled_excerpt(text: str, width: int = 30) -> str:
    """The part of `text` around its first trace of a wrong decoding (for a message)."""
    found = _GARBLED.search(text)
    if found is None:
        return ""
    start = max(0, found.start() - width // 2)
    return _CONTROLS.sub("\ufffd", text[start:start + width].strip())


def plausibility(text: str) -> int:
    """Higher when `text` reads as French: accented letters count for, traces against."""
    return len(_FRENCH.findall(text)) - 4 * oddity(text)
