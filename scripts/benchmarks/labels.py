"""Label engine throughput: vector PDF labels per second and bytes per label.

Run: .venv/bin/python scripts/benchmarks/labels.py [--count N] [--stock ID] [--profile]
Two scenarios: barcode + text only, then with a QR code (unique URL per label).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from refurb.printing.layout import LabelData  # noqa: E402
from refurb.printing.render_pdf import render_pdf  # noqa: E402
from refurb.printing.stocks import load_stock  # noqa: E402

TARGET_RATE = 2000  # labels per second, one core
TARGET_SIZE = 3072  # bytes per label


def make_labels(count: int, with_qr: bool, offset: int = 0) -> list[LabelData]:
    kinds = ("Portable", "Fixe", "Tout-en-un", "Écran")
    return [
        LabelData(
            tag=f"RF-2026-{offset + i:06d}",
            facts_line=f"{kinds[i % 4]} · i5-8250U · 8 Go · 256 Go SSD · collecte n°{1000 + i % 977}",
            qr_url=f"https://refurb.example.org/m/RF-2026-{offset + i:06d}" if with_qr else None,
        )
        for i in range(count)
    ]


def measure(stock_id: str, count: int, with_qr: bool, offset: int) -> tuple[float, float]:
    stock = load_stock(stock_id)
    labels = make_labels(count, with_qr, offset)  # fresh tags: no cache hits
    t0 = time.perf_counter()
    pdf = render_pdf(stock, labels)
    elapsed = time.perf_counter() - t0
    return count / elapsed, len(pdf) / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--stock", default="a4-3x8-70x37")
    parser.add_argument("--profile", action="store_true", help="cProfile the QR scenario")
    args = parser.parse_args(argv)

    measure(args.stock, 200, True, 900_000)  # warm-up: imports, font tables
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("measure(args.stock, args.count, True, 0)", globals(), locals(),
                        "/tmp/labels.prof")
        pstats.Stats("/tmp/labels.prof").sort_stats("tottime").print_stats(15)
        return 0
    ok = True
    print(f"stock {args.stock}, {args.count} labels per run")
    for name, with_qr, offset in (("barcode + text", False, 0), ("barcode + text + QR", True,
                                                                   100_000)):
        rate, size = measure(args.stock, args.count, with_qr, offset)
        verdict = "OK" if rate >= TARGET_RATE and size <= TARGET_SIZE else "below target"
        ok = ok and verdict == "OK"
        print(f"{name:22s} {rate:8.0f} labels/s  {size:7.0f} bytes/label  ({verdict})")
    print(f"targets: >= {TARGET_RATE} labels/s, <= {TARGET_SIZE} bytes/label")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
