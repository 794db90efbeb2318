"""The layout's promises that a change could silently break: no import cycle among refurb
modules (deferred imports count), and every interface string translated into English."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "refurb/translations/en/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}


def _layout_report():
    spec = importlib.util.spec_from_file_location("layout_report",
                                                  ROOT / "scripts/layout_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycle_among_refurb_modules():
    report = _layout_report()
    assert report.cycles(report.import_graph()) == []


def test_cycle_detection_sees_a_cycle():
    report = _layout_report()
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert report.cycles(graph) == [["a", "b", "c"]]


def _source_msgids() -> set[str]:
    found: set[str] = set()
    method_map = [("refurb/**.py", "python"), ("refurb/templates/**.html", "jinja2")]
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords=KEYWORDS,
            options_map={"refurb/templates/**.html": {}}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_interface_string_has_an_english_translation():
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    translated = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        value = message.string
        if isinstance(value, tuple) and all(value) or isinstance(value, str) and value:
            translated[key] = value
    missing = sorted(_source_msgids() - set(translated))
    assert not missing, f"{len(missing)} msgids without English, first ones: {missing[:15]}"
