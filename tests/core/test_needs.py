"""The fit rule between a file's needs and a ready machine."""

from __future__ import annotations

import pytest

from refurb.core.errors import InvalidInput
from refurb.core.needs import Machine, Needs, clean_needs, count_fitting, fits

LAPTOP_8G_CAM = Machine("laptop", 8192, True)
LAPTOP_4G = Machine("laptop", 4096, False)
DESKTOP_8G = Machine("desktop", 8192, False)
ALL_IN_ONE_CAM = Machine("all_in_one", 16384, True)
TABLET = Machine("tablet", 2048, True)
PRINTER = Machine("printer", None, False)


def test_no_need_noted_takes_any_computer_but_not_a_printer():
    anything = Needs()
    assert not anything.noted
    assert all(fits(anything, m) for m in (LAPTOP_4G, DESKTOP_8G, ALL_IN_ONE_CAM, TABLET))
    assert not fits(anything, PRINTER)


def test_kind_of_machine():
    assert fits(Needs(kind="laptop"), LAPTOP_4G)
    assert not fits(Needs(kind="laptop"), DESKTOP_8G)
    # "Fixe" covers tower, all-in-one and mini PC.
    assert fits(Needs(kind="desktop"), DESKTOP_8G) and fits(Needs(kind="desktop"), ALL_IN_ONE_CAM)
    assert not fits(Needs(kind="desktop"), TABLET)
    assert fits(Needs(kind="tablet"), TABLET) and not fits(Needs(kind="tablet"), LAPTOP_4G)


def test_memory_floor_and_unknown_memory():
    needs = Needs(min_ram_mib=8192)
    assert fits(needs, LAPTOP_8G_CAM) and not fits(needs, LAPTOP_4G)
    assert not fits(needs, Machine("laptop", None, True))  # unknown is not enough


def test_webcam_for_remote_schooling():
    needs = Needs(kind="laptop", webcam=True)
    assert fits(needs, LAPTOP_8G_CAM) and not fits(needs, LAPTOP_4G)
    assert fits(Needs(kind="laptop"), LAPTOP_4G)  # no webcam asked: either will do


def test_free_text_is_noted_but_not_matched():
    needs = Needs(notes="clavier adapté")
    assert needs.noted and fits(needs, DESKTOP_8G)


def test_count_over_the_stock_profiles():
    stock = [(LAPTOP_8G_CAM, 3), (LAPTOP_4G, 5), (DESKTOP_8G, 2), (PRINTER, 4)]
    assert count_fitting(Needs(), stock) == 10
    assert count_fitting(Needs(kind="laptop"), stock) == 8
    assert count_fitting(Needs(kind="laptop", webcam=True), stock) == 3
    assert count_fitting(Needs(min_ram_mib=8192), stock) == 5
    assert count_fitting(Needs(kind="tablet"), stock) == 0


def test_clean_needs_as_typed():
    needs = clean_needs("laptop", 4, True, "  clavier   adapté ")
    assert needs == Needs(kind="laptop", min_ram_mib=4096, webcam=True, notes="clavier adapté")
    assert clean_needs("", None, False, "") == Needs()
    with pytest.raises(InvalidInput, match="inconnu"):
        clean_needs("server", None, False, "")
    with pytest.raises(InvalidInput, match="Mémoire minimale"):
        clean_needs(None, 999, False, "")
    with pytest.raises(InvalidInput, match="300"):
        clean_needs(None, None, False, "x" * 301)
