"""Code128 geometry: bar runs in modules and the module width for a printer.

python-barcode is used for the symbol encoding only (start/charset switching,
checksum, stop); drawing is done by the renderers from the runs computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from barcode.codex import Code128

from refurb.core.errors import Message
from refurb.core.i18n import N_

from .stocks import MM_PER_INCH, LabelError

__all__ = [
    "LASER_MIN_MODULE_MM",
    "MAX_MODULE_MM",
    "QUIET_MODULES",
    "THERMAL_MIN_DOTS",
    "Barcode",
    "BarcodeFitError",
    "bar_runs",
    "code128_pattern",
    "fit_error",
    "fit_module_mm",
    "layout_barcode",
    "min_module_mm",
]

QUIET_MODULES = 10  # ISO/IEC 15417 minimum quiet zone, each side
LASER_MIN_MODULE_MM = 0.19  # below this, office lasers smear bars together
THERMAL_MIN_DOTS = 2  # one-dot bars vanish as print heads age
# Wider symbols exceed the reading width of common handheld scanners and eat the
# room a QR code could use; 0.40 mm already reads from a distance.
MAX_MODULE_MM = 0.40
_EPS = 1e-9


class BarcodeFitError(LabelError):
    """The tag cannot be printed as a reliable barcode in the space given."""


def _check_tag(tag: str) -> None:
    if not isinstance(tag, str) or not tag:
        raise BarcodeFitError(N_("Le numéro d'inventaire est vide : rien à encoder."))
    bad = sorted({c for c in tag if not 32 <= ord(c) <= 126})
    if bad:
        raise BarcodeFitError(N_("Le numéro d'inventaire « %(tag)s » contient des caractères "
                                 "impossibles à encoder en Code128 : %(characters)s."),
                              tag=tag, characters=", ".join(repr(c) for c in bad))


@lru_cache(maxsize=4096)
def code128_pattern(tag: str) -> str:
    """Module string ('1' = dark) of the Code128 symbol, without quiet zones."""
    _check_tag(tag)
    return Code128(tag).build()[0]


def bar_runs(pattern: str) -> tuple[tuple[int, int], ...]:
    """(start, width) in modules of each dark bar; adjacent dark modules merged."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, bit in enumerate(pattern):
        if bit == "1":
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i - start))
            start = None
    if start is not None:
        runs.append((start, len(pattern) - start))
    return tuple(runs)


def min_module_mm(dpi: int, thermal: bool) -> float:
    """Smallest module width that still prints cleanly on this printer."""
    two_dots = THERMAL_MIN_DOTS * MM_PER_INCH / dpi
    return two_dots if thermal else max(LASER_MIN_MODULE_MM, two_dots)


def fit_module_mm(symbol_modules: int, available_mm: float, dpi: int, thermal: bool,
                  max_module_mm: float = MAX_MODULE_MM) -> float | None:
    """Largest module width (mm) such that symbol + quiet zones fit, or None.

    Thermal printers get a whole number of dots so every bar edge lands on the
    dot grid (otherwise bars alternate between n and n+1 dots).
    """
    total = symbol_modules + 2 * QUIET_MODULES
    module = min(available_mm / total, max(max_module_mm, min_module_mm(dpi, thermal)))
    if thermal:
        dot = MM_PER_INCH / dpi
        module = math.floor(module / dot + _EPS) * dot
    if module + _EPS < min_module_mm(dpi, thermal):
        return None
    return module


@dataclass(frozen=True, slots=True)
class Barcode:
    """A Code128 symbol sized for a printer; ``runs`` are in modules."""

    tag: str
    modules: int  # symbol width in modules, quiet zones excluded
    runs: tuple[tuple[int, int], ...]
    module_mm: float
    module_dots: int | None  # whole dots when thermal

    @property
    def width_mm(self) -> float:
        return self.modules * self.module_mm

    @property
    def quiet_mm(self) -> float:
        return QUIET_MODULES * self.module_mm

    @property
    def total_width_mm(self) -> float:
        """Symbol plus the minimum quiet zone on both sides."""
        return (self.modules + 2 * QUIET_MODULES) * self.module_mm


def fit_error(tag: str, symbol_modules: int, available_mm: float, dpi: int,
              thermal: bool, with_qr: bool = False) -> BarcodeFitError:
    needed = (symbol_modules + 2 * QUIET_MODULES) * min_module_mm(dpi, thermal)
    params = {
        "tag": tag, "needed": f"{needed:.1f}", "modules": symbol_modules,
        "quiet": QUIET_MODULES, "module": f"{min_module_mm(dpi, thermal):.3f}", "dpi": dpi,
        "available": f"{available_mm:.1f}",
    }
    hint = (N_("Choisissez un support plus large, retirez le QR code ou raccourcissez le "
               "numéro d'inventaire.") if with_qr else
            N_("Choisissez un support plus large ou raccourcissez le numéro d'inventaire."))
    params["printer"] = Message(N_("thermique") if thermal else N_("laser"))
    params["hint"] = Message(hint)
    return BarcodeFitError(
        N_("Le code-barres de « %(tag)s » ne tient pas sur l'étiquette : il faut au moins "
           "%(needed)s mm de large (%(modules)s modules + 2 × %(quiet)s de zone blanche, "
           "modules de %(module)s mm minimum pour une impression %(printer)s nette à %(dpi)s "
           "dpi) et seulement %(available)s mm sont disponibles. %(hint)s"), **params)


@lru_cache(maxsize=256)
def layout_barcode(tag: str, available_mm: float, dpi: int, thermal: bool,
                   max_module_mm: float = MAX_MODULE_MM) -> Barcode:
    """Encode ``tag`` and size it for ``available_mm`` (quiet zones included)."""
    pattern = code128_pattern(tag)
    module = fit_module_mm(len(pattern), available_mm, dpi, thermal, max_module_mm)
    if module is None:
        raise fit_error(tag, len(pattern), available_mm, dpi, thermal)
    dots = round(module * dpi / MM_PER_INCH) if thermal else None
    return Barcode(tag, len(pattern), bar_runs(pattern), module, dots)
