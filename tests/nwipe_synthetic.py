"""Realistic synthetic nwipe logs, for benchmarks and tests.

The output copies the format of the real logs in ``tests/fixtures/nwipe`` (nwipe 0.33 as shipped
in Debian's 0.34 package): left-padded levels, ``Found`` lines, the options block,
``sect/blk/dev`` lines, one wipe thread per drive with interleaved lines, then the "Error
Summary" and "Drive Status" tables laid out with nwipe's own printf formats.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["METHODS", "device_name", "make_synthetic_log"]

# label -> (CLI name, pass kinds: "s" static, "r" random); verification methods have no pass.
METHODS: dict[str, tuple[str, str]] = {
    "Fill With Zeros": ("zero", "s"),
    "Fill With Ones": ("one", "s"),
    "DoD Short": ("dodshort", "ssr"),
    "DoD 5220.22-M": ("dod522022m", "ssrsssr"),
    "RCMP TSSIT OPS-II": ("ops2", "ssssssss"),
    "Gutmann Wipe": ("gutmann", "rrrr" + "s" * 27 + "rrrr"),
    "PRNG Stream": ("random", "r"),
    "Verify Zeros (0x00)": ("verify_zero", ""),
    "Verify Ones  (0xFF)": ("verify_one", ""),
}
_CLI = {cli: label for label, (cli, _) in METHODS.items()}
_VERIFY_OPTION = {"off": "0 (off)", "last": "1 (last pass)", "all": "2 (all passes)"}
_VERIFY_CODE = {"off": "NV", "last": "VL", "all": "VA"}

# (model as reported, bus, exact size in bytes, throughput range MB/s); real LBA counts * 512.
_DRIVES = [
    ("WDC WD1600AAJS-22WAA0", "ATA", 312581808 * 512, (80, 110)),
    ("ST3160815AS", "ATA", 312581808 * 512, (70, 100)),
    ("ST500DM002-1BD142", "ATA", 976773168 * 512, (110, 150)),
    ("WDC WD5000AAKX-08U6AA0", "ATA", 976773168 * 512, (110, 140)),
    ("Hitachi HDS721032CLA362", "ATA", 625142448 * 512, (90, 120)),
    ("SAMSUNG HD161HJ", "ATA", 312581808 * 512, (70, 95)),
    ("TOSHIBA MQ01ABD100", "ATA", 1953525168 * 512, (80, 105)),
    ("Samsung SSD 860 EVO 250GB", "ATA", 488397168 * 512, (400, 520)),
    ("KINGSTON SA400S37120G", "ATA", 234441648 * 512, (300, 450)),
    ("CT240BX500SSD1", "ATA", 468862128 * 512, (300, 480)),
    ("Samsung SSD 970 EVO Plus 500GB", "NVME", 976773168 * 512, (900, 1500)),
]
_SERIAL_PREFIX = {
    "WDC": "WD-WCA",
    "ST3": "5JS",
    "ST5": "Z3T",
    "Hit": "JP2940",
    "SAM": "S1J7J",
    "TOS": "Y6TP",
    "Sam": "S3Z9NB0K",
    "KIN": "50026B77",
    "CT2": "2013E2",
}


def device_name(index: int, nvme: bool = False) -> str:
    """sda, sdb, ... sdz, sdaa, ... (as the kernel names them); nvme0n1, nvme1n1, ..."""
    if nvme:
        return f"/dev/nvme{index}n1"
    letters = ""
    n = index
    while True:
        letters = chr(ord("a") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            break
    return f"/dev/sd{letters}"


def _c_b(qty: int) -> str:
    """nwipe's Determine_C_B_nomenclature (0.33): decimal units, %3llu."""
    for factor, unit in ((10**12, "TB"), (10**9, "GB"), (10**6, "MB"), (10**3, "KB")):
        if qty >= factor:
            return f"{qty // factor:3d} {unit}"
    return f"{qty:3d} B"


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _stamp(ts: datetime) -> str:
    return f"[{ts:%Y/%m/%d %H:%M:%S}]"


_PAD = {
    "debug": "  debug",
    "info": "   info",
    "notice": " notice",
    "warning": "warning",
    "error": "  error",
    "fatal": "  fatal",
}


def _line(ts: datetime, level: str, msg: str) -> str:
    return f"{_stamp(ts)} {_PAD[level]}: {msg}"


@dataclass
class _Drive:
    device: str
    model: str
    bus: str
    serial: str
    size: int
    bps: int
    fail: bool
    abort: bool
    events: list[tuple[float, int, str, str]]
    end: float = 0.0
    verify_errors: int = 0
    pass_errors: int = 0


def make_synthetic_log(
    n_drives: int,
    *,
    method: str = "DoD Short",
    verify: str = "last",
    rounds: int = 1,
    blank: bool = True,
    prng: str = "Isaac64",
    failed: Collection[int] = (),
    aborted: Collection[int] = (),
    quiet: bool = False,
    truncate_before_summary: bool = False,
    start: datetime = datetime(2026, 11, 25, 9, 0, 0),
    seed: int = 0,
    banner: str = "nwipe 0.33",
    drives_given: Sequence[tuple[str, str, str, int]] = (),
) -> str:
    """Return an nwipe log wiping ``n_drives`` drives at once.

    ``drives_given``: (model, bus, serial, size in bytes) of the first drives, for a log that
    wipes the drives a hardware report described (the others are drawn at random).

    ``failed``: indices of drives that report errors (verification errors when a verification
    runs, write errors otherwise) and end ``-FAILED-``. ``aborted``: indices still running when
    the operator presses Ctrl-C (after every other drive has finished) and end ``UABORTED``.
    ``truncate_before_summary`` cuts the log where a power loss would (no summary tables).
    """
    method = _CLI.get(method, method)
    if method not in METHODS:
        raise ValueError(f"unknown nwipe method {method!r}")
    if verify not in _VERIFY_OPTION:
        raise ValueError("verify must be 'off', 'last' or 'all'")
    rng = random.Random(seed)
    kinds = METHODS[method][1]
    failed, aborted = set(failed), set(aborted)
    if failed & aborted:
        raise ValueError("a drive cannot be both failed and aborted")

    drives: list[_Drive] = []
    nvme_count = 0
    for i in range(n_drives):
        model, bus, size, (lo, hi) = _DRIVES[rng.randrange(len(_DRIVES))]
        given = drives_given[i] if i < len(drives_given) else None
        if given is not None:
            model, bus, size = given[0], given[1], given[3]
        if bus == "NVME":
            device = device_name(nvme_count, nvme=True)
            nvme_count += 1
        else:
            device = device_name(i - nvme_count)
        prefix = _SERIAL_PREFIX.get(model[:3], "S")
        serial = prefix + "".join(
            rng.choice("0123456789ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(max(4, 14 - len(prefix)))
        )
        if given is not None:
            serial = given[2]
        drives.append(
            _Drive(
                device,
                model,
                bus,
                serial,
                size,
                rng.randint(lo, hi) * 10**6,
                i in failed,
                i in aborted,
                [],
            )
        )

    seq = 0

    def add(d: _Drive, t: float, level: str, msg: str) -> None:
        nonlocal seq
        seq += 1
        d.events.append((t, seq, level, msg))

    for d in drives:
        _wipe_events(d, add, kinds, method, verify, rounds, blank, prng, rng)
        d.end = max(t for t, *_ in d.events)

    t0 = 1.0
    abort_at: float | None = None
    if aborted:
        others = [d.end for d in drives if not d.abort]
        abort_at = max(others, default=5.0) + rng.randint(1, 30)
        for d in drives:
            if d.abort:
                # Slow the drive down so it is still at work when the operator gives up.
                if d.end <= abort_at:
                    scale = (abort_at + 60) / max(d.end, 1.0)
                    d.events = [(t * scale, s, lv, m) for t, s, lv, m in d.events]
                d.events = [e for e in d.events if e[0] <= abort_at]
                d.end = abort_at

    out: list[str] = []
    base = start
    for d in drives:
        size_txt = _c_b(d.size)
        serial = d.serial
        if quiet:
            serial = "XXXXXXXXXXXXXXX"
        bus = d.bus if len(d.bus) >= 4 else " " * (4 - len(d.bus)) + d.bus
        out.append(
            _line(base, "notice", f"Found {d.device}, {bus}, {d.model}, {size_txt}, S/N={serial}")
        )
    for key, value in (
        ("bios-version", "F.42"),
        ("bios-release-date", "06/15/2016"),
        ("system-manufacturer", "Hewlett-Packard"),
        ("system-product-name", "HP Compaq Elite 8300 SFF"),
        ("system-serial-number", "XXXXXXXXXXXXXXX" if quiet else "CZC3261ABC"),
    ):
        out.append(_line(base, "info", f"{key} = {value}"))
    out.append(_line(base, "notice", "Opened entropy source '/dev/urandom'."))
    out.append(
        _line(base, "notice", "hwmon: Module drivetemp loaded, drive temperatures available")
    )
    out.append(_line(base, "notice", "Program options are set as follows..."))
    out.append(_line(base, "notice", "  autonuke = 1 (on)"))
    out.append(_line(base, "notice", "  autopoweroff = 0 (off)"))
    if not blank:
        out.append(_line(base, "notice", "  do not perform a final blank pass"))
    out.append(_line(base, "notice", "  do not wait for a key before exiting"))
    out.append(_line(base, "notice", "  do not show GUI interface"))
    out.append(_line(base, "notice", f"  banner   = {banner}"))
    out.append(_line(base, "notice", f"  prng     = {prng}"))
    out.append(_line(base, "notice", f"  method   = {method}"))
    out.append(_line(base, "notice", f"  quiet    = {1 if quiet else 0}"))
    out.append(_line(base, "notice", f"  rounds   = {rounds}"))
    out.append(_line(base, "notice", "  sync     = 100000"))
    out.append(_line(base, "notice", f"  verify   = {_VERIFY_OPTION[verify]}"))
    for d in drives:
        out.append(_line(base, "notice", f"{d.device}, sect/blk/dev 512/4096/{d.size}"))

    # Threads interleave: within one second, lines of different drives mix in a random
    # (seeded) order while each drive's own lines keep their order.
    by_second: dict[int, list[deque[tuple[str, str]]]] = {}
    for d in drives:
        current: deque[tuple[str, str]] | None = None
        current_sec = -1
        for t, _s, level, msg in d.events:
            sec = int(t + t0)
            if sec != current_sec:
                current, current_sec = deque(), sec
                by_second.setdefault(sec, []).append(current)
            current.append((level, msg))
    for sec in sorted(by_second):
        pools = by_second[sec]
        ts = base + timedelta(seconds=sec)
        while pools:
            k = rng.randrange(len(pools))
            level, msg = pools[k].popleft()
            out.append(_line(ts, level, msg))
            if not pools[k]:
                pools.pop(k)

    last = max((d.end for d in drives), default=0.0) + t0
    if truncate_before_summary:
        return "\n".join(out)

    end_t = (abort_at + t0 if abort_at is not None else last) + 2
    end_ts = base + timedelta(seconds=int(end_t))
    with_errors = [d for d in drives if d.fail and not d.abort]
    for d in with_errors:
        out.append(
            _line(
                end_ts,
                "fatal",
                f"Nwipe exited with errors on device = {d.device}, see log for specific error\n",
            )
        )
        out.append(
            _line(
                end_ts,
                "debug",
                f"Status: {d.device}, result=1, pass_errors={d.pass_errors}, "
                f"verify_errors={d.verify_errors}, fsync_errors=0",
            )
        )
    out.append("")
    out.append("******************************** Error Summary *********************************")
    out.append("!   Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors")
    out.append("-" * 80)
    for d in drives:
        flag = "!" if d.pass_errors or d.verify_errors else " "
        short = d.device.rsplit("/", 1)[-1]
        out.append(
            f"{flag} {short:>8} |  {d.pass_errors:10d} |           {d.verify_errors:10d} |"
            f"           {0:10d}"
        )
    out.append("*" * 80)
    out.append("")
    out.append("********************************* Drive Status *********************************")
    out.append("!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number")
    out.append("-" * 80)
    total_bps = 0
    for d in drives:
        if d.pass_errors or d.verify_errors:
            flag, status = "!", "-FAILED-"
        elif d.abort:
            flag, status = "!", "UABORTED"
        else:
            flag, status = " ", " Erased "
        elapsed = max(0, int(d.end + t0) - int(t0))
        bps = d.bps if elapsed else 0
        total_bps += bps
        short = d.device.rsplit("/", 1)[-1]
        out.append(
            f"{flag} {short:>8} |{status}| {_c_b(bps)}/s | {_hms(elapsed)} | "
            f"{d.model[:17]}/{'XXXXXXXXXXXXXXX' if quiet else d.serial}"
        )
    out.append("-" * 80)
    blank_code = "B" if blank else "NB"
    out.append(
        f"{_stamp(end_ts)} Total Throughput {_c_b(total_bps)}/s, {method}, "
        f"{rounds}R+{blank_code}+{_VERIFY_CODE[verify]}"
    )
    out.append("*" * 80)
    out.append("")
    if abort_at is not None:
        final = "Nwipe was aborted by the user. Check the summary table for the drive status."
    elif with_errors:
        final = (
            "Nwipe exited with errors, check the log & summary table for individual drive status."
        )
    else:
        final = "Nwipe successfully completed. See summary table for details."
    out.append(_line(end_ts, "info", final))
    # Like the real files: no newline after the last line.
    return "\n".join(out)


def _wipe_events(d, add, kinds, method, verify, rounds, blank, prng, rng) -> None:
    dev, size = d.device, d.size
    pass_s = size / d.bps
    t = 0.0
    add(d, t, "notice", f"Invoking method '{method}' on {dev}")
    if not kinds:  # verification-only method: read the whole drive once
        add(d, t, "notice", f"Starting round 1 of {rounds} on {dev}")
        add(d, t, "notice", f"Finished final round 1 of {rounds} on {dev}")
        ones = "Ones" in method
        what = "Ones (0xFF)" if ones else "zeroed"
        add(d, t, "notice", f"Verifying that {dev} is {what}")
        t += pass_s
        if d.fail:
            d.verify_errors = rng.randint(1, size // 4096)
            d.pass_errors = 1  # nwipe forces one pass error when the method returns non-zero
            msg = (
                f"[FAILURE] {dev} is not full of ones (0xFF)."
                if ones
                else f"[FAILURE] {dev} has not been Zeroed ."
            )
            add(d, t, "error", msg)
            add(d, t, "error", f"{d.verify_errors} verification errors on '{dev}'.")
        else:
            msg = (
                f"[SUCCESS] Verified that {dev} is full of ones (0xFF)."
                if ones
                else f"[SUCCESS] Verified that {dev} is Zeroed."
            )
            add(d, t, "notice", msg)
        return
    verifying = verify != "off"
    fail_on_verify = d.fail and verifying and blank and method != "RCMP TSSIT OPS-II"
    prng_ready = False
    npass = len(kinds)
    for r in range(1, rounds + 1):
        add(d, t, "notice", f"Starting round {r} of {rounds} on {dev}")
        for p, kind in enumerate(kinds, start=1):
            add(d, t, "notice", f"Starting pass {p}/{npass}, round {r}/{rounds}, on {dev}")
            if kind == "r" and not prng_ready:
                if prng == "Isaac64":
                    add(d, t, "notice", "Initialising ISAAC-64 prng")
                add(d, t, "notice", "prng stream is active")
                prng_ready = True
            t += pass_s
            if d.fail and not fail_on_verify and p == 1 and r == 1:
                d.pass_errors = rng.randint(1, 64)
                add(d, t, "error", "nwipe_static_pass: write: Input/output error")
            add(d, t, "notice", f"{size} bytes written to {dev}")
            last = r == rounds and p == npass
            if verify == "all" or (verify == "last" and not blank and last):
                add(
                    d,
                    t,
                    "notice",
                    f"Verifying pass {p} of {npass}, round {r} of {rounds}, on {dev}",
                )
                t += pass_s
                add(d, t, "notice", f"{size} bytes read from {dev}")
                add(
                    d,
                    t,
                    "notice",
                    f"Verified pass {p} of {npass}, round {r} of {rounds}, on '{dev}'.",
                )
            add(d, t, "notice", f"Finished pass {p}/{npass}, round {r}/{rounds}, on {dev}")
        if r < rounds:
            add(d, t, "notice", f"Finished round {r} of {rounds} on {dev}")
        else:
            add(d, t, "notice", f"Finished final round {r} of {rounds} on {dev}")
    if method == "RCMP TSSIT OPS-II":
        # OPS-II leaves a random pattern instead of blanking.
        add(d, t, "notice", f"Writing final random pattern to '{dev}'.")
        t += pass_s
        add(d, t, "notice", f"{size} bytes written to {dev}")
        if verifying:
            add(d, t, "notice", f"Verifying final random pattern FRP on {dev}")
            t += pass_s
            add(d, t, "notice", f"{size} bytes read from {dev}")
            if not d.fail:
                add(d, t, "notice", f"[SUCCESS] Verified FRP on '{dev}' matches")
    elif blank:
        add(d, t, "notice", f"Blanking device {dev}")
        t += pass_s
        add(d, t, "notice", f"{size} bytes written to {dev}")
        if verifying:
            add(d, t, "notice", f"Verifying that {dev} is empty.")
            t += pass_s
            add(d, t, "notice", f"{size} bytes read from {dev}")
            if fail_on_verify:
                d.verify_errors = rng.randint(1, 4096)
                add(d, t, "notice", f"[FAILURE] {dev} Verification errors, not empty")
            else:
                add(d, t, "notice", f"[SUCCESS] Verified that {dev} is empty.")
        if d.fail:
            add(d, t, "notice", f"[FAILURE] {dev} may not be blanked")
        else:
            add(d, t, "notice", f"[SUCCESS] Blanked device {dev}")
    if d.verify_errors:
        add(d, t, "error", f"{d.verify_errors} verification errors on '{dev}'.")
    if d.pass_errors:
        add(d, t, "error", f"{d.pass_errors} wipe errors on '{dev}'.")
