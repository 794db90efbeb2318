"""Quality control: a checklist per device type, whether a result passes, what still blocks
`ready`, and the cosmetic grade. Pure; the workshop domain stores the checklist and the results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_

GRADES = ("A", "B", "C")
GRADE_LABELS = {
    "A": N_("A — comme neuf"),
    "B": N_("B — traces d'usage légères"),
    "C": N_("C — usure visible, fonctionnel"),
}

PASS_FAIL = "pass_fail"
PERCENT = "percent"  # a measured value with a minimum (battery health)
CHECK_KINDS = {PASS_FAIL: "Bon / pas bon", PERCENT: "Pourcentage mesuré"}


@dataclass(frozen=True)
class ChecklistItem:
    """One check as it applies to one device type."""

    code: str
    name: str  # French
    kind: str = PASS_FAIL
    minimum: int | None = None  # percent checks only
    mandatory: bool = True


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    value: int | None = None


def evaluate(item: ChecklistItem, ticked: bool, value: int | None) -> CheckResult:
    """A pass/fail check passes when ticked; a percent check when measured at the minimum."""
    if item.kind == PERCENT:
        if value is None:
            return CheckResult(False, None)
        if not 0 <= value <= 100:
            raise InvalidInput(N_("%(check)s : saisissez un pourcentage entre 0 et 100."),
                               check=item.name)
        return CheckResult(value >= (item.minimum or 0), value)
    return CheckResult(bool(ticked), None)


def describe_failure(item: ChecklistItem, result: CheckResult | None) -> str:
    if item.kind == PERCENT and result is not None and result.value is not None:
        return f"{item.name} : {result.value} % (minimum {item.minimum or 0} %)"
    if result is None:
        return f"{item.name} (non contrôlé)"
    return item.name


def missing_checks(
    checklist: Iterable[ChecklistItem], results: Mapping[str, CheckResult]
) -> tuple[str, ...]:
    """French names of the mandatory checks not passed: what blocks `ready`."""
    return tuple(
        describe_failure(item, results.get(item.code))
        for item in checklist
        if item.mandatory and not (results.get(item.code) and results[item.code].passed)
    )


def check_grade(grade: str | None) -> str | None:
    if grade in (None, ""):
        return None
    if grade not in GRADES:
        raise InvalidInput(N_("Grade esthétique inconnu : %(grade)s (A, B ou C)."), grade=grade)
    return grade


# The checklist seeded at installation (migration 0004); admins change it afterwards.
# (code, French name, kind, minimum, {device type: mandatory})
_COMPUTERS = ("desktop", "laptop", "all_in_one", "mini_pc", "server")
DEFAULT_CHECKLIST: tuple[tuple[str, str, str, int | None, dict[str, bool]], ...] = (
    ("boots", "Démarrage complet du système", PASS_FAIL, None,
     {t: True for t in (*_COMPUTERS, "tablet", "phone")}),
    ("screen", "Écran (pixels, rétroéclairage, charnières)", PASS_FAIL, None,
     {"laptop": True, "all_in_one": True, "tablet": True, "phone": True, "monitor": True,
      "crt_monitor": True}),
    ("video_inputs", "Entrées vidéo", PASS_FAIL, None, {"monitor": True, "crt_monitor": True}),
    ("keyboard", "Clavier (toutes les touches)", PASS_FAIL, None,
     {"laptop": True, "keyboard_mouse": True}),
    ("touchpad", "Pavé tactile", PASS_FAIL, None, {"laptop": True}),
    ("mouse", "Souris", PASS_FAIL, None, {"keyboard_mouse": True}),
    ("usb", "Ports USB", PASS_FAIL, None, {t: True for t in (*_COMPUTERS, "tablet")}),
    ("network", "Réseau filaire (Ethernet)", PASS_FAIL, None,
     {"desktop": True, "mini_pc": True, "server": True, "laptop": False, "all_in_one": False}),
    ("wifi", "Wi-Fi", PASS_FAIL, None,
     {"laptop": True, "tablet": True, "phone": True, "all_in_one": False, "mini_pc": False}),
    ("audio", "Son (haut-parleurs et prise casque)", PASS_FAIL, None,
     {"laptop": True, "all_in_one": True, "tablet": True, "phone": True, "desktop": False,
      "mini_pc": False}),
    ("webcam", "Webcam", PASS_FAIL, None,
     {"laptop": False, "all_in_one": False, "tablet": False, "phone": False}),
    ("battery", "Santé de la batterie", PERCENT, 60,
     {"laptop": True, "tablet": True, "phone": True}),
    ("charger", "Chargeur fourni et fonctionnel", PASS_FAIL, None,
     {"laptop": True, "tablet": True, "phone": True}),
    ("printer", "Impression d'une page de test", PASS_FAIL, None, {"printer": True}),
    ("cleaning", "Nettoyage (intérieur et extérieur)", PASS_FAIL, None,
     {t: False for t in (*_COMPUTERS, "tablet", "phone", "monitor", "printer",
                         "keyboard_mouse")}),
)
