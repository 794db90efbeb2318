"""QA rules: pass/fail and measured checks, what blocks `ready`, grades."""

import pytest

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput
from refurb.core.qa import (
    DEFAULT_CHECKLIST,
    GRADES,
    PERCENT,
    ChecklistItem,
    CheckResult,
    check_grade,
    evaluate,
    missing_checks,
)

BOOTS = ChecklistItem("boots", "Démarrage")
WEBCAM = ChecklistItem("webcam", "Webcam", mandatory=False)
BATTERY = ChecklistItem("battery", "Santé de la batterie", PERCENT, minimum=60)


@pytest.mark.parametrize(
    ("item", "ticked", "value", "passed"),
    [
        (BOOTS, True, None, True),
        (BOOTS, False, None, False),
        (BATTERY, False, 60, True),
        (BATTERY, False, 59, False),
        (BATTERY, True, None, False),  # a measured check needs its measure
        (ChecklistItem("x", "Sans minimum", PERCENT), False, 0, True),
    ],
)
def test_evaluate(item, ticked, value, passed):
    assert evaluate(item, ticked, value).passed is passed


@pytest.mark.parametrize("value", [-1, 101])
def test_a_percentage_stays_between_0_and_100(value):
    with pytest.raises(InvalidInput):
        evaluate(BATTERY, False, value)


def test_missing_names_mandatory_checks_only():
    checklist = [BOOTS, WEBCAM, BATTERY]
    assert missing_checks(checklist, {}) == ("Démarrage (non contrôlé)",
                                             "Santé de la batterie (non contrôlé)")
    results = {"boots": CheckResult(False), "battery": CheckResult(False, 41),
               "webcam": CheckResult(False)}
    assert missing_checks(checklist, results) == (
        "Démarrage", "Santé de la batterie : 41 % (minimum 60 %)")
    passing = {"boots": CheckResult(True), "battery": CheckResult(True, 80)}
    assert missing_checks(checklist, passing) == ()


@pytest.mark.parametrize("grade", [*GRADES, None, ""])
def test_known_grades(grade):
    assert check_grade(grade) == (grade or None)


def test_unknown_grade_is_refused():
    with pytest.raises(InvalidInput, match="Grade"):
        check_grade("D")


def test_default_checklist_is_sound():
    codes = [code for code, *_ in DEFAULT_CHECKLIST]
    assert len(codes) == len(set(codes))
    known_types = {t.value for t in DeviceType}
    for _code, name, kind, minimum, types in DEFAULT_CHECKLIST:
        assert name and set(types) <= known_types
        assert (minimum is not None) is (kind == PERCENT)
    laptop = {code for code, *_rest, types in DEFAULT_CHECKLIST if types.get("laptop")}
    assert {"boots", "screen", "keyboard", "battery", "charger"} <= laptop
