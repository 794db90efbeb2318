"""The facts line under the barcode: table-driven, no app, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from refurb.core.label_facts import (
    device_facts_line,
    drive_facts_line,
    format_capacity,
    format_ram,
    format_screen,
    short_cpu,
)


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [
        ("Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz", "i5-8350U"),
        ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "i7-1165G7"),
        ("Intel Core i3-10110U", "i3-10110U"),
        ("Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz", "Core2 Duo E8400"),
        ("Intel(R) Core(TM) i5 CPU       M 520  @ 2.40GHz", "Core i5 M 520"),
        ("Intel(R) Celeron(R) CPU N3060 @ 1.60GHz", "Celeron N3060"),
        ("Intel(R) Pentium(R) CPU G4560 @ 3.50GHz", "Pentium G4560"),
        ("Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz", "Xeon E5-2620 v4"),
        ("AMD Ryzen 5 PRO 4650U with Radeon Graphics", "Ryzen 5 PRO 4650U"),
        ("AMD A6-9225 RADEON R4, 5 COMPUTE CORES 2C+3G", "A6-9225 RADEON R4"),
        ("AMD Athlon(tm) II X2 250 Processor", "Athlon II X2 250"),
        ("Apple M1", "M1"),
        ("To Be Filled By O.E.M.", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_short_cpu(cpu, expected):
    assert short_cpu(cpu) == expected


@pytest.mark.parametrize(
    ("mib", "expected"),
    [(8192, "8 Go"), (16384, "16 Go"), (1536, "1,5 Go"), (3072, "3 Go"), (512, "512 Mo"),
     (1024, "1 Go"), (None, ""), (0, "")],
)
def test_format_ram(mib, expected):
    assert format_ram(mib) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(10**12, "1 To"), (2 * 10**12, "2 To"), (256 * 10**9, "256 Go"),
     (500_107_862_016, "500,1 Go"), (1_500_000_000_000, "1,5 To"), (64 * 10**6, "64 Mo"),
     (512, "512 o"), (None, ""), (0, "")],
)
def test_format_capacity(size, expected):
    assert format_capacity(size) == expected


@pytest.mark.parametrize(
    ("inches", "expected"),
    [(24, '24"'), (23.8, '23,8"'), (Decimal("15.6"), '15,6"'), (None, ""), (0, "")],
)
def test_format_screen(inches, expected):
    assert format_screen(inches) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"device_type": "laptop", "cpu": "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz",
          "ram_mib": 8192, "collection_number": "COL-2026-0001"},
         "Ordinateur portable · i5-8350U · 8 Go · COL-2026-0001"),
        ({"device_type": "desktop", "cpu": "", "ram_mib": 4096, "collection_number": None},
         "Unité centrale · 4 Go"),
        ({"device_type": "desktop"}, "Unité centrale"),
        ({"device_type": "mini_pc", "cpu": "Intel(R) Celeron(R) J4105 CPU @ 1.50GHz",
          "collection_number": "COL-2026-0042"},
         "Mini PC · Celeron J4105 · COL-2026-0042"),
        # Monitors: the screen size instead of CPU/RAM (which a monitor does not have).
        ({"device_type": "monitor", "screen_inches": 24, "cpu": "ignored", "ram_mib": 1,
          "collection_number": "COL-2026-0007"},
         'Écran plat · 24" · COL-2026-0007'),
        ({"device_type": "crt_monitor", "screen_inches": None,
          "collection_number": "COL-2026-0007"},
         "Écran cathodique · COL-2026-0007"),
        ({"device_type": "monitor"}, "Écran plat"),
        ({"device_type": "printer", "collection_number": "COL-2026-0003"},
         "Imprimante · COL-2026-0003"),
        ({"device_type": "gadget"}, "gadget"),  # unknown types print as stored
    ],
)
def test_device_facts_line(kwargs, expected):
    assert device_facts_line(**kwargs) == expected


@pytest.mark.parametrize(
    ("model", "capacity", "expected"),
    [
        ("Seagate ST1000LM035", 10**12, "Seagate ST1000LM035 · 1 To"),
        ("Samsung SSD 860 EVO 250GB", 250 * 10**9, "Samsung SSD 860 EVO 250GB · 250 Go"),
        ("", 500 * 10**9, "500 Go"),
        ("WDC WD5000LPVX", None, "WDC WD5000LPVX"),
        (None, None, ""),
    ],
)
def test_drive_facts_line(model, capacity, expected):
    assert drive_facts_line(model, capacity) == expected
