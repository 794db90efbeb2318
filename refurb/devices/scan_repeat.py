"""How long a label read twice counts as one scan (a scanner's double beep, a second press of
the trigger): the batch scan, the wiping station and the shelves answer "déjà pris en compte"
and change nothing."""

from __future__ import annotations

from refurb.core.i18n import N_
from refurb.extension_points import Definition
from refurb.settings import services as settings

REPEAT_WINDOW = Definition(
    "scan.repeat_window_seconds",
    N_("Scan : délai pendant lequel un même code relu ne compte qu'une fois (secondes)"),
    "int", 5, help=N_("0 : chaque lecture compte."), minimum=0)
ALREADY_TAKEN = N_("%(code)s : déjà pris en compte, rien n'a changé.")


def repeat_window() -> int:
    value = settings.get(REPEAT_WINDOW.key)
    return REPEAT_WINDOW.default if value is None else int(value)
