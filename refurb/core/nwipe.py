"""Parser for nwipe / ShredOS log files.

nwipe writes one timestamped line per event (``[YYYY/MM/DD hh:mm:ss]  notice: ...``), the
threads wiping several drives at once interleave their lines, and the run ends with two summary
tables (error counts, then drive status) that carry no timestamp. This module reads both the
per-line messages and the tables in a single pass and returns what it could read plus French
warnings: it never raises, whatever the input.

Rules worth knowing:

- The outcome comes from the log, never from nwipe's exit code (an operator abort exits 0).
- The "Drive Status" table is the authority for the status; when it is missing (log cut off)
  the drive is reported "aborted" (or "failed" if errors were already logged) with a warning.
- Error counts are the maximum of what the tables and the per-line messages report, so a
  disagreement can only make the result more cautious.
- ``blank`` is the *configured* final blanking pass (``B``/``NB`` in the summary); ``blanked``
  says whether the log reports it done (``[SUCCESS] Blanked device``). They differ for an
  aborted wipe and for the verification-only methods, which write nothing.
- A log file can hold several runs (nwipe appends); a new run starts when devices are
  announced or options logged again after a summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

__all__ = [
    "NwipeDrive",
    "NwipeLog",
    "STATUSES",
    "VERIFICATION_ONLY_METHODS",
    "normalize_method",
    "parse_nwipe_log",
    "to_json_dict",
]

STATUSES = ("erased", "failed", "aborted")

# nwipe prints "Verify Ones  (0xFF)" with two spaces; compare on whitespace-collapsed labels.
VERIFICATION_ONLY_METHODS = frozenset({"verify zeros (0x00)", "verify ones (0xff)"})

_MAX_WARNINGS = 50

_TS_RE = re.compile(r"^\[(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})\]\s?(.*)$")
# Very old nwipe printed "nwipe: notice: ..."; current versions left-pad the level.
_LEVEL_RE = re.compile(
    r"^\s*(?:nwipe:\s*)?(debug|info|notice|warning|error|fatal|sanity|level \d+)\s*:\s?(.*)$",
    re.IGNORECASE,
)
_TOTAL_RE = re.compile(
    r"^\s*Total Throughput\s+(.*?),\s*(.*?),\s*(\d+)R\+(N?B)\+(NV|VL|VA)\s*$", re.IGNORECASE
)
_OPTION_RE = re.compile(r"^(banner|prng|method|rounds|verify|quiet)\s*=\s*(.*?)\s*$", re.IGNORECASE)
_FOUND_RE = re.compile(r"^Found (\S+?),\s*(.*?)\s*,?\s*S/N=(.*)$")
_SECT_RE = re.compile(r"^(\S+?),\s*sect/blk/dev\s+(\d+)/(\d+)/(\d+)")
_INVOKE_RE = re.compile(r"^Invoking method '(.*)' on (\S+)")
_ROUND_RE = re.compile(r"^Starting round (\d+) of (\d+) on (\S+)")
_PASS_RE = re.compile(r"^Starting pass (\d+)/(\d+), round (\d+)/(\d+), on (\S+)")
_WRITTEN_RE = re.compile(r"^(\d+) bytes written to (\S+)")
_READ_RE = re.compile(r"^(\d+) bytes read from (\S+)")
_VERIFIED_PASS_RE = re.compile(r"^Verified pass \d+ of \d+, round \d+ of \d+, on (\S+)")
_BLANKING_RE = re.compile(r"^Blanking device (\S+)")
_SUCCESS_VERIFY_RE = re.compile(r"^\[SUCCESS\] Verified (?:that (\S+)|FRP on (\S+))")
_SUCCESS_BLANK_RE = re.compile(r"^\[SUCCESS\] Blanked device (\S+)")
_FAILURE_RE = re.compile(r"^\[FAILURE\] (\S+)\s*(.*)$")
_ERRCOUNT_RE = re.compile(r"^(\d+) (verification|wipe|sync) errors on (\S+)")
_EXITED_RE = re.compile(r"^Nwipe exited with errors on device\s*=\s*(\S+)")
_STATUS_DEBUG_RE = re.compile(
    r"^Status: (\S+?),\s*result=(-?\d+),\s*pass_errors=(\d+),\s*verify_errors=(\d+),"
    r"\s*fsync_errors=(\d+)"
)
_VERSION_RE = re.compile(r"\bnwipe\s+v?(\d+\.\d+(?:\.\d+)?)", re.IGNORECASE)
_DEVICE_TOKEN_RE = re.compile(r"/dev/[^\s,'\"]+")
_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMGTP]?B)$", re.IGNORECASE)
_RATE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGTP]?B)\s*/\s*s", re.IGNORECASE)
_ELAPSED_RE = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})$")
_MASKED_SERIAL_RE = re.compile(r"^(?:\?+|X{3,})$")

# nwipe uses decimal units (Determine_C_B_nomenclature divides by powers of 1000).
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
_BUSES = frozenset(
    {"UNK", "IDE", "SCSI", "CPQ", "USB", "1394", "ATA", "NVME", "VIRT", "SAS", "MMC", "SATA"}
)
_VERIFY_CODES = {"NV": "off", "VL": "last", "VA": "all"}
_ERROR_KINDS = ("pass", "verify", "fsync")
_ERRCOUNT_KIND = {"verification": "verify", "wipe": "pass", "sync": "fsync"}


@dataclass
class NwipeDrive:
    """One drive of one nwipe run, as read from the log."""

    device: str
    model: str | None = None
    serial: str | None = None
    serial_masked: bool = False
    size_bytes: int | None = None
    size_exact: bool = False
    bus: str | None = None
    is_ssd: bool | None = None
    method: str | None = None
    verify: str | None = None
    prng: str | None = None
    rounds: int | None = None
    passes: int | None = None
    status: str = "aborted"
    status_raw: str | None = None
    started: datetime | None = None
    finished: datetime | None = None
    elapsed: str | None = None
    throughput: str | None = None
    throughput_bytes_per_s: int | None = None
    bytes_erased: int | None = None
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_ERROR_KINDS, 0))
    blank: bool | None = None
    blanked: bool = False
    verified: bool | None = None
    verification_only: bool = False

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def elapsed_seconds(self) -> int | None:
        m = _ELAPSED_RE.match(self.elapsed or "")
        if not m:
            return None
        h, mi, s = (int(g) for g in m.groups())
        return h * 3600 + mi * 60 + s


@dataclass
class NwipeLog:
    drives: list[NwipeDrive] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nwipe_version: str | None = None
    user_aborted: bool = False


def normalize_method(method: str | None) -> str:
    """Whitespace-collapsed, lower-case method label, for comparisons only."""
    return " ".join((method or "").split()).lower()


def to_json_dict(drive: NwipeDrive) -> dict:
    return {
        "device": drive.device,
        "model": drive.model,
        "serial": drive.serial,
        "size_bytes": drive.size_bytes,
        "method": drive.method,
        "verify": drive.verify,
        "status": drive.status,
        "started": drive.started.isoformat() if drive.started else None,
        "finished": drive.finished.isoformat() if drive.finished else None,
        "errors": drive.error_count,
    }


def parse_nwipe_log(text: str) -> NwipeLog:
    """Read an nwipe log; never raises (returns what was read plus warnings)."""
    parser = _Parser()
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        elif not isinstance(text, str):
            text = str(text)
        parser.feed(text)
        return parser.finish()
    except Exception as exc:  # safety net: a parser bug must not break an import page
        parser.warn(
            f"Erreur interne de lecture du journal ({type(exc).__name__}) : résultat partiel."
        )
    try:
        return parser.finish()
    except Exception:
        return NwipeLog(drives=[], warnings=parser.warnings, nwipe_version=parser.version)


# --------------------------------------------------------------------------- internals


def _basename(device: str) -> str:
    return device.rstrip("/").rsplit("/", 1)[-1]


def _clean_device(token: str) -> str:
    return token.strip("'\"`.,;:()[]")


def _to_bytes(number: str, unit: str) -> int | None:
    factor = _UNITS.get(unit.upper())
    if factor is None:
        return None
    try:
        return int(float(number) * factor)
    except (ValueError, OverflowError):
        return None


def _to_int(value: str) -> int | None:
    value = value.strip()
    # isdigit() alone accepts "⓪" or "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() else None


def _clean_serial(raw: str) -> tuple[str | None, bool]:
    serial = raw.strip()
    if not serial:
        return None, False
    if _MASKED_SERIAL_RE.match(serial):
        return None, True
    return serial, False


def _verify_from_option(value: str) -> str | None:
    v = value.strip().lower()
    if v.startswith("0") or "off" in v:
        return "off"
    if v.startswith("1") or "last" in v:
        return "last"
    if v.startswith("2") or "all" in v:
        return "all"
    return None


class _DriveState:
    __slots__ = (
        "drive",
        "run",
        "method",
        "rounds",
        "passes",
        "started",
        "last_progress",
        "max_written",
        "line_errors",
        "table_errors",
        "table_bytes",
        "table_status",
        "table_model_serial",
        "size_approx",
        "verify_ok",
        "verify_failed",
        "blank_failed",
    )

    def __init__(self, device: str, run: _Run) -> None:
        self.drive = NwipeDrive(device=device)
        self.run = run
        self.method: str | None = None
        self.rounds: int | None = None
        self.passes: int | None = None
        self.started: datetime | None = None
        self.last_progress: datetime | None = None
        self.max_written: int | None = None
        self.line_errors = dict.fromkeys(_ERROR_KINDS, 0)
        self.table_errors: dict[str, int] | None = None
        self.table_bytes: int | None = None
        self.table_status: str | None = None
        self.table_model_serial: str | None = None
        self.size_approx: int | None = None
        self.verify_ok = False
        self.verify_failed = False
        self.blank_failed = False

    def progress(self, ts: datetime | None) -> None:
        if ts is None:
            return
        if self.started is None:
            self.started = ts
        if self.last_progress is None or ts > self.last_progress:
            self.last_progress = ts


class _Run:
    def __init__(self) -> None:
        self.drives: dict[str, _DriveState] = {}
        self.options: dict[str, str] = {}
        self.options_seen = False
        self.noblank = False
        self.summary_done = False
        self.user_aborted = False
        self.total: tuple[str, int | None, bool, str | None] | None = None
        self.table_seen = False


class _Parser:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.version: str | None = None
        self.runs: list[_Run] = [_Run()]
        self.order: list[_DriveState] = []
        self.table_kind: str | None = None
        self.table_cols: list[str] = []
        self.recognised = 0

    # -- helpers

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        if len(self.warnings) < _MAX_WARNINGS:
            self.warnings.append(message)
        elif len(self.warnings) == _MAX_WARNINGS:
            self.warnings.append("Trop d'avertissements : les suivants sont omis.")

    @property
    def run(self) -> _Run:
        return self.runs[-1]

    def _new_run_if_done(self) -> None:
        if self.run.summary_done or self.run.table_seen:
            self.runs.append(_Run())
            self.table_kind = None
            self.table_cols = []

    def _drive(self, token: str, create: bool = True) -> _DriveState | None:
        device = _clean_device(token)
        if not device:
            return None
        state = self.run.drives.get(device)
        if state is None and create:
            state = _DriveState(device, self.run)
            self.run.drives[device] = state
            self.order.append(state)
        return state

    def _drive_by_short_name(self, name: str) -> _DriveState | None:
        name = name.strip()
        if not name:
            return None
        drives = self.run.drives
        if name in drives:
            return drives[name]
        for device, state in drives.items():
            if _basename(device) == name:
                return state
        # The table truncates long names; accept a unique suffix match.
        matches = [s for d, s in drives.items() if d.endswith(name)]
        if len(matches) == 1:
            return matches[0]
        device = name if name.startswith("/") else f"/dev/{name}"
        self.warn(
            f"{device} : présent dans le tableau récapitulatif mais jamais annoncé dans le journal."
        )
        return self._drive(device)

    # -- feeding

    def feed(self, text: str) -> None:
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line.strip():
                continue
            m = _TS_RE.match(line)
            if m:
                self._timestamped(m)
            else:
                self._untimed(line)

    def _timestamped(self, m: re.Match[str]) -> None:
        try:
            ts: datetime | None = datetime(*(int(g) for g in m.groups()[:6]))
        except ValueError:
            ts = None
            self.warn("Horodatage invalide ignoré dans le journal.")
        rest = m.group(7)
        lm = _LEVEL_RE.match(rest)
        if lm:
            self.recognised += 1
            self._message(ts, lm.group(1).lower(), lm.group(2).strip())
            return
        tm = _TOTAL_RE.match(rest)
        if tm:
            self.recognised += 1
            self._total(tm)
            return
        self._untimed(rest)

    def _total(self, m: re.Match[str]) -> None:
        run = self.run
        rounds = _to_int(m.group(3))
        run.total = (
            m.group(2).strip(),
            rounds,
            m.group(4).upper() == "B",
            _VERIFY_CODES.get(m.group(5).upper()),
        )
        run.summary_done = True
        self.table_kind = None

    def _message(self, ts: datetime | None, level: str, msg: str) -> None:
        if not msg:
            return
        first = msg[0]
        if first == "[":
            self._bracketed(ts, msg)
            return
        if first.isdigit():
            self._numbered(ts, msg)
            return
        if msg.startswith("Found "):
            self._found(msg)
            return
        if msg.startswith("Program options are set"):
            self._new_run_if_done()
            self.run.options_seen = True
            return
        om = _OPTION_RE.match(msg)
        if om:
            self._option(om.group(1).lower(), om.group(2))
            return
        if msg.startswith("do not perform a final blank"):
            self.run.noblank = True
            return
        if msg.startswith("Invoking method"):
            im = _INVOKE_RE.match(msg)
            if im:
                state = self._drive(im.group(2))
                if state is not None:
                    if state.started is not None and self.run.summary_done:
                        self._new_run_if_done()
                        state = self._drive(im.group(2))
                    if state is not None:
                        state.method = im.group(1)
                        state.progress(ts)
            return
        if msg.startswith("Starting round"):
            rm = _ROUND_RE.match(msg)
            if rm and (state := self._drive(rm.group(3))):
                state.rounds = _to_int(rm.group(2))
                state.progress(ts)
            return
        if msg.startswith("Starting pass"):
            pm = _PASS_RE.match(msg)
            if pm and (state := self._drive(pm.group(5))):
                state.passes = _to_int(pm.group(2))
                state.rounds = state.rounds or _to_int(pm.group(4))
                state.progress(ts)
            return
        if msg.startswith("Verified pass"):
            # Logged even when blocks mismatched: the error counts decide the result.
            vm = _VERIFIED_PASS_RE.match(msg)
            if vm and (state := self._drive(vm.group(1))):
                state.verify_ok = True
                state.progress(ts)
            return
        if msg.startswith("Blanking device"):
            bm = _BLANKING_RE.match(msg)
            if bm and (state := self._drive(bm.group(1))):
                state.progress(ts)
            return
        if msg.startswith("Nwipe exited with errors on device"):
            em = _EXITED_RE.match(msg)
            # Logged after the wipe: no progress stamp, but it does signal an error.
            if em and (state := self._drive(em.group(1))) and not any(state.line_errors.values()):
                state.line_errors["pass"] = 1
            return
        if msg.startswith("Status:"):
            sm = _STATUS_DEBUG_RE.match(msg)
            if sm and (state := self._drive(sm.group(1))):
                for kind, value in zip(_ERROR_KINDS, sm.groups()[2:], strict=True):
                    state.line_errors[kind] = max(state.line_errors[kind], int(value))
            return
        low = msg.lower()
        if "aborted by the user" in low:
            self.run.user_aborted = True
            self.run.summary_done = self.run.summary_done or self.run.table_seen
            return
        if low.startswith("nwipe successfully completed") or low.startswith(
            "nwipe exited with errors"
        ):
            self.run.summary_done = self.run.summary_done or self.run.table_seen
            return
        if level == "info" and self.version is None:
            vm = _VERSION_RE.search(msg)
            if vm and msg.lower().startswith("nwipe"):
                self.version = vm.group(1)
                return
        sect = _SECT_RE.match(msg)
        if sect:
            state = self._drive(sect.group(1))
            if state is not None:
                state.drive.size_bytes = int(sect.group(4))
                state.drive.size_exact = True
            return
        # Any other line naming a drive that is being wiped (secure erase, sanitize...).
        if "/dev/" in msg and not self.run.summary_done:
            for token in _DEVICE_TOKEN_RE.findall(msg):
                state = self._drive(token, create=False)
                if state is not None and state.started is not None:
                    state.progress(ts)

    def _bracketed(self, ts: datetime | None, msg: str) -> None:
        m = _SUCCESS_BLANK_RE.match(msg)
        if m:
            if state := self._drive(m.group(1)):
                state.drive.blanked = True
                state.progress(ts)
            return
        m = _SUCCESS_VERIFY_RE.match(msg)
        if m:
            if state := self._drive(m.group(1) or m.group(2)):
                state.verify_ok = True
                state.progress(ts)
            return
        m = _FAILURE_RE.match(msg)
        if m and (state := self._drive(m.group(1))):
            if "blank" in m.group(2).lower():
                state.blank_failed = True
            else:
                state.verify_failed = True
            state.progress(ts)

    def _numbered(self, ts: datetime | None, msg: str) -> None:
        m = _WRITTEN_RE.match(msg)
        if m:
            if state := self._drive(m.group(2)):
                written = int(m.group(1))
                state.max_written = max(state.max_written or 0, written)
                state.progress(ts)
            return
        m = _READ_RE.match(msg)
        if m:
            if state := self._drive(m.group(2)):
                state.progress(ts)
            return
        m = _ERRCOUNT_RE.match(msg)
        if m and (state := self._drive(m.group(3))):
            kind = _ERRCOUNT_KIND[m.group(2)]
            state.line_errors[kind] = max(state.line_errors[kind], int(m.group(1)))
            state.progress(ts)

    def _option(self, key: str, value: str) -> None:
        if key == "banner":
            vm = _VERSION_RE.search(value)
            if vm:
                self.version = self.version or vm.group(1)
            return
        self.run.options_seen = True
        self.run.options[key] = value

    def _found(self, msg: str) -> None:
        m = _FOUND_RE.match(msg)
        if not m:
            return
        self._new_run_if_done()
        state = self._drive(m.group(1))
        if state is None:
            return
        drive = state.drive
        parts = [p.strip() for p in m.group(2).split(",")]
        parts = [p for p in parts if p]
        if parts:
            sm = _SIZE_RE.match(parts[-1])
            if sm:
                state.size_approx = _to_bytes(sm.group(1), sm.group(2))
                parts.pop()
        if parts:
            bus_token, _, after = parts[0].partition(" ")
            bus_name = bus_token.upper().removesuffix("-SSD")
            # Current nwipe gives the bus its own field; old ones prefixed the model with it.
            if bus_name in _BUSES and (not after.strip() or len(parts) == 1):
                drive.bus = bus_name
                # Only newer nwipe flags SSDs; without the flag we know nothing.
                drive.is_ssd = True if bus_token.upper().endswith("-SSD") else None
                if after.strip():
                    parts[0] = after.strip()
                else:
                    parts.pop(0)
        if parts:
            drive.model = ", ".join(parts)
        # Cut at a comma in case a later version appends fields after the serial.
        drive.serial, drive.serial_masked = _clean_serial(m.group(3).split(",")[0])

    # -- summary tables

    def _untimed(self, line: str) -> None:
        s = line.strip()
        if not s:
            return
        if s[0] == "*":
            low = s.lower()
            if "error summary" in low or "drive status" in low:
                self.table_kind = "pending"
                self.table_cols = []
            else:
                self._end_table()
            return
        if set(s) <= {"-", "=", "+"}:
            return
        if "|" not in s:
            return
        cells = [c.strip() for c in s.lstrip("!").split("|")]
        if cells and cells[0].lower() == "device":
            self._header(cells)
            return
        if self.table_cols:
            self._row(s.startswith("!"), cells)

    def _end_table(self) -> None:
        if self.table_kind == "status":
            self.run.summary_done = True
        self.table_kind = None
        self.table_cols = []

    def _header(self, cells: list[str]) -> None:
        # A new header while a run is complete means a new run's summary.
        if self.run.summary_done:
            self.runs.append(_Run())
        cols: list[str] = []
        for cell in cells:
            c = cell.lower()
            if c.startswith("device"):
                cols.append("device")
            elif "status" in c:
                cols.append("status")
            elif "thru" in c or "throughput" in c:
                cols.append("throughput")
            elif "hh:mm" in c or "duration" in c or "elapsed" in c:
                cols.append("elapsed")
            elif "model" in c or "serial" in c:
                cols.append("model_serial")
            elif "bytes" in c or "erased" in c:
                cols.append("bytes")
            elif "pass" in c:
                cols.append("pass")
            elif "verif" in c:
                cols.append("verify")
            elif "sync" in c:
                cols.append("fsync")
            else:
                cols.append("")
        self.table_cols = cols
        self.table_kind = "status" if "status" in cols else "errors"
        self.recognised += 1

    def _row(self, flagged: bool, cells: list[str]) -> None:
        cols = self.table_cols
        if len(cells) > len(cols):  # a '|' inside the model/serial: keep it in the last cell
            cells = cells[: len(cols) - 1] + ["|".join(cells[len(cols) - 1 :])]
        values = dict(zip(cols, cells, strict=False))
        name = values.get("device", "")
        if not name:
            return
        state = self._drive_by_short_name(name)
        if state is None:
            return
        self.recognised += 1
        run = self.run
        run.table_seen = True
        if self.table_kind == "status":
            raw = values.get("status", "").strip()
            state.table_status = raw or None
            if "throughput" in values:
                tp = values["throughput"].strip()
                state.drive.throughput = " ".join(tp.split()) or None
                rm = _RATE_RE.search(tp)
                state.drive.throughput_bytes_per_s = (
                    _to_bytes(rm.group(1), rm.group(2)) if rm else None
                )
            if "elapsed" in values and _ELAPSED_RE.match(values["elapsed"].strip()):
                state.drive.elapsed = values["elapsed"].strip()
            if values.get("model_serial"):
                state.table_model_serial = values["model_serial"]
            if flagged and raw.lower() in {"erased", ""}:
                self.warn(
                    f"{state.drive.device} : ligne marquée « ! » dans le tableau "
                    "mais statut « Erased »."
                )
        else:
            errors = state.table_errors or dict.fromkeys(_ERROR_KINDS, 0)
            for kind in _ERROR_KINDS:
                if kind in values:
                    n = _to_int(values[kind])
                    if n is None:
                        self.warn(
                            f"{state.drive.device} : nombre d'erreurs illisible dans le tableau."
                        )
                    else:
                        errors[kind] = n
            state.table_errors = errors
            if "bytes" in values:
                state.table_bytes = _to_int(values["bytes"])

    # -- final assembly

    def finish(self) -> NwipeLog:
        if not self.order:
            if self.recognised == 0:
                self.warn("Ce texte ne ressemble pas à un journal nwipe : aucune ligne reconnue.")
            else:
                self.warn("Aucun disque trouvé dans le journal nwipe.")
        drives = [self._assemble(state) for state in self.order]
        return NwipeLog(
            drives=drives,
            warnings=self.warnings,
            nwipe_version=self.version,
            user_aborted=any(r.user_aborted for r in self.runs),
        )

    def _assemble(self, st: _DriveState) -> NwipeDrive:
        d = st.drive
        run = st.run
        opts = run.options
        total = run.total

        d.method = st.method or opts.get("method") or (total[0] if total else None)
        d.verification_only = normalize_method(d.method) in VERIFICATION_ONLY_METHODS
        if "verify" in opts:
            d.verify = _verify_from_option(opts["verify"])
        if d.verify is None and total:
            d.verify = total[3]
        d.prng = opts.get("prng") or None
        rounds = _to_int(opts.get("rounds", ""))
        d.rounds = rounds or (total[1] if total else None) or st.rounds
        d.passes = st.passes
        if total:
            d.blank = total[2]
        elif run.options_seen:
            d.blank = not run.noblank

        if d.model is None and st.table_model_serial:
            self._model_serial_from_table(d, st.table_model_serial)

        if d.size_bytes is None and st.size_approx is not None:
            d.size_bytes = st.size_approx
            d.size_exact = False

        errors = dict(st.line_errors)
        if st.table_errors is not None:
            for kind in _ERROR_KINDS:
                t, ln = st.table_errors[kind], st.line_errors[kind]
                if ln > t:
                    self.warn(
                        f"{d.device} : le journal signale plus d'erreurs que le tableau "
                        "récapitulatif ; le nombre le plus élevé est retenu."
                    )
                errors[kind] = max(t, ln)
        d.errors = errors

        if st.verify_failed or errors["verify"] > 0:
            d.verified = False
        elif st.verify_ok:
            d.verified = True

        if st.table_bytes is not None:
            d.bytes_erased = st.table_bytes
        elif st.max_written is not None:
            d.bytes_erased = st.max_written
        elif d.verification_only:
            d.bytes_erased = 0

        d.started = st.started
        finished = st.last_progress
        seconds = d.elapsed_seconds
        if d.started is not None and seconds is not None:
            try:
                by_elapsed = d.started + timedelta(seconds=seconds)
            except (OverflowError, ValueError):
                by_elapsed = None
                self.warn(f"{d.device} : durée illisible dans le tableau récapitulatif.")
            if by_elapsed is not None and (finished is None or by_elapsed > finished):
                finished = by_elapsed
        d.finished = finished

        self._status(d, st)
        return d

    def _model_serial_from_table(self, d: NwipeDrive, cell: str) -> None:
        model, sep, serial = cell.rpartition("/")
        if not sep:
            model, serial = cell, ""
        d.model = model.strip() or None
        d.serial, d.serial_masked = _clean_serial(serial)

    def _status(self, d: NwipeDrive, st: _DriveState) -> None:
        raw = st.table_status
        d.status_raw = raw
        if raw is None:
            d.status = "failed" if d.error_count > 0 else "aborted"
            if st.run.user_aborted:
                reason = "l'opérateur a interrompu nwipe"
            else:
                reason = "journal tronqué ?"
            self.warn(
                f"{d.device} : pas de ligne dans le tableau « Drive Status » ({reason}) ; "
                f"effacement considéré comme {_FR_STATUS[d.status]}."
            )
            return
        up = raw.upper()
        if "ERASED" in up:
            d.status = "erased"
        elif "ABORT" in up:
            d.status = "aborted"
        elif "FAIL" in up:
            d.status = "failed"
        else:
            d.status = "failed"
            self.warn(f"{d.device} : statut nwipe inconnu « {raw} », considéré comme échoué.")
            return
        if d.status == "erased":
            if d.error_count > 0:
                d.status = "failed"
                self.warn(
                    f"{d.device} : statut « {raw} » mais {d.error_count} erreur(s) "
                    "signalée(s) ; effacement considéré comme échoué."
                )
            elif d.verified is False or st.blank_failed:
                d.status = "failed"
                self.warn(
                    f"{d.device} : statut « {raw} » mais la vérification a échoué ; "
                    "effacement considéré comme échoué."
                )


_FR_STATUS = {"erased": "réussi", "failed": "échoué", "aborted": "interrompu"}
