"""Reading the timestamped lines: devices found, options, progress of each wipe thread
(their lines interleave), and the "Total Throughput" line that closes a run."""

from __future__ import annotations

import re
from datetime import datetime

from refurb.core.nwipe.patterns import (
    BLANKING_RE,
    BUSES,
    DEVICE_TOKEN_RE,
    ERRCOUNT_KIND,
    ERRCOUNT_RE,
    ERROR_KINDS,
    EXITED_RE,
    FAILURE_RE,
    FOUND_RE,
    HPA_DCO_RANK,
    HPA_DCO_RES,
    INVOKE_RE,
    LEVEL_RE,
    OPTION_RE,
    PASS_RE,
    READ_RE,
    ROUND_RE,
    SECT_RE,
    SIZE_RE,
    STATUS_DEBUG_RE,
    SUCCESS_BLANK_RE,
    SUCCESS_VERIFY_RE,
    TOTAL_RE,
    TS_RE,
    VERIFIED_PASS_RE,
    VERIFY_CODES,
    VERSION_RE,
    WRITTEN_RE,
)
from refurb.core.nwipe.state import ParserState
from refurb.core.nwipe.values import clean_serial, to_bytes, to_int


class LineReader(ParserState):
    def feed(self, text: str) -> None:
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line.strip():
                continue
            m = TS_RE.match(line)
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
        lm = LEVEL_RE.match(rest)
        if lm:
            self.recognised += 1
            self._message(ts, lm.group(1).lower(), lm.group(2).strip())
            return
        tm = TOTAL_RE.match(rest)
        if tm:
            self.recognised += 1
            self._total(tm)
            return
        self._untimed(rest)

    def _total(self, m: re.Match[str]) -> None:
        run = self.run
        rounds = to_int(m.group(3))
        run.total = (
            m.group(2).strip(),
            rounds,
            m.group(4).upper() == "B",
            VERIFY_CODES.get(m.group(5).upper()),
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
        if self._setup(msg):
            return
        for prefix, handler in PROGRESS_LINES:
            if msg.startswith(prefix):
                handler(self, ts, msg)
                return
        self._other(ts, level, msg)

    # -- before the wipe: drives found, options

    def _setup(self, msg: str) -> bool:
        """Lines announcing a run: True when `msg` was one of them."""
        if msg.startswith("Found "):
            self._found(msg)
            return True
        if msg.startswith("Program options are set"):
            self._new_run_if_done()
            self.run.options_seen = True
            return True
        om = OPTION_RE.match(msg)
        if om:
            self._option(om.group(1).lower(), om.group(2))
            return True
        if msg.startswith("do not perform a final blank"):
            self.run.noblank = True
            return True
        return False

    def _option(self, key: str, value: str) -> None:
        if key == "banner":
            vm = VERSION_RE.search(value)
            if vm:
                self.version = self.version or vm.group(1)
            return
        self.run.options_seen = True
        self.run.options[key] = value

    def _found(self, msg: str) -> None:
        m = FOUND_RE.match(msg)
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
            sm = SIZE_RE.match(parts[-1])
            if sm:
                state.size_approx = to_bytes(sm.group(1), sm.group(2))
                parts.pop()
        if parts:
            bus_token, _, after = parts[0].partition(" ")
            bus_name = bus_token.upper().removesuffix("-SSD")
            # Current nwipe gives the bus its own field; old ones prefixed the model with it.
            if bus_name in BUSES and (not after.strip() or len(parts) == 1):
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
        drive.serial, drive.serial_masked = clean_serial(m.group(3).split(",")[0])

    # -- during the wipe: one thread per drive

    def _invoking(self, ts: datetime | None, msg: str) -> None:
        im = INVOKE_RE.match(msg)
        if im:
            state = self._drive(im.group(2))
            if state is not None:
                if state.started is not None and self.run.summary_done:
                    self._new_run_if_done()
                    state = self._drive(im.group(2))
                if state is not None:
                    state.method = im.group(1)
                    state.progress(ts)

    def _round(self, ts: datetime | None, msg: str) -> None:
        rm = ROUND_RE.match(msg)
        if rm and (state := self._drive(rm.group(3))):
            state.rounds = to_int(rm.group(2))
            state.progress(ts)

    def _pass(self, ts: datetime | None, msg: str) -> None:
        pm = PASS_RE.match(msg)
        if pm and (state := self._drive(pm.group(5))):
            state.passes = to_int(pm.group(2))
            state.rounds = state.rounds or to_int(pm.group(4))
            state.progress(ts)

    def _verified_pass(self, ts: datetime | None, msg: str) -> None:
        # Logged even when blocks mismatched: the error counts decide the result.
        vm = VERIFIED_PASS_RE.match(msg)
        if vm and (state := self._drive(vm.group(1))):
            state.verify_ok = True
            state.progress(ts)

    def _blanking(self, ts: datetime | None, msg: str) -> None:
        bm = BLANKING_RE.match(msg)
        if bm and (state := self._drive(bm.group(1))):
            state.progress(ts)

    def _exited_with_errors(self, ts: datetime | None, msg: str) -> None:
        em = EXITED_RE.match(msg)
        # Logged after the wipe: no progress stamp, but it does signal an error.
        if em and (state := self._drive(em.group(1))) and not any(state.line_errors.values()):
            state.line_errors["pass"] = 1

    def _status_debug(self, ts: datetime | None, msg: str) -> None:
        sm = STATUS_DEBUG_RE.match(msg)
        if sm and (state := self._drive(sm.group(1))):
            for kind, value in zip(ERROR_KINDS, sm.groups()[2:], strict=True):
                state.line_errors[kind] = max(state.line_errors[kind], int(value))

    def _hidden_area(self, msg: str) -> bool:
        """An HPA/DCO line: the most cautious report of a drive is kept (hidden sectors once
        detected stay detected, whatever a later check says)."""
        for status, pattern in HPA_DCO_RES:
            m = pattern.search(msg)
            if m:
                state = self._drive(m.group(1), create=False)
                if state is not None:
                    drive = state.drive
                    if drive.hpa_dco is None or HPA_DCO_RANK[status] > HPA_DCO_RANK[drive.hpa_dco]:
                        drive.hpa_dco = status
                return True
        return False

    def _bracketed(self, ts: datetime | None, msg: str) -> None:
        if self._hidden_area(msg):
            return
        m = SUCCESS_BLANK_RE.match(msg)
        if m:
            if state := self._drive(m.group(1)):
                state.drive.blanked = True
                state.progress(ts)
            return
        m = SUCCESS_VERIFY_RE.match(msg)
        if m:
            if state := self._drive(m.group(1) or m.group(2)):
                state.verify_ok = True
                state.progress(ts)
            return
        m = FAILURE_RE.match(msg)
        if m and (state := self._drive(m.group(1))):
            if "blank" in m.group(2).lower():
                state.blank_failed = True
            else:
                state.verify_failed = True
            state.progress(ts)

    def _numbered(self, ts: datetime | None, msg: str) -> None:
        m = WRITTEN_RE.match(msg)
        if m:
            if state := self._drive(m.group(2)):
                written = int(m.group(1))
                state.max_written = max(state.max_written or 0, written)
                state.progress(ts)
            return
        m = READ_RE.match(msg)
        if m:
            if state := self._drive(m.group(2)):
                state.progress(ts)
            return
        m = ERRCOUNT_RE.match(msg)
        if m and (state := self._drive(m.group(3))):
            kind = ERRCOUNT_KIND[m.group(2)]
            state.line_errors[kind] = max(state.line_errors[kind], int(m.group(1)))
            state.progress(ts)

    # -- anything else: end of run, version, sizes, other lines naming a drive

    def _other(self, ts: datetime | None, level: str, msg: str) -> None:
        low = msg.lower()
        if ("hidden sectors" in low or "HPA/DCO" in msg) and self._hidden_area(msg):
            return
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
            vm = VERSION_RE.search(msg)
            if vm and msg.lower().startswith("nwipe"):
                self.version = vm.group(1)
                return
        sect = SECT_RE.match(msg)
        if sect:
            state = self._drive(sect.group(1))
            if state is not None:
                state.drive.size_bytes = int(sect.group(4))
                state.drive.size_exact = True
            return
        # Any other line naming a drive that is being wiped (secure erase, sanitize...).
        if "/dev/" in msg and not self.run.summary_done:
            for token in DEVICE_TOKEN_RE.findall(msg):
                state = self._drive(token, create=False)
                if state is not None and state.started is not None:
                    state.progress(ts)


# Progress lines of a wipe thread, tried in this order after the setup lines.
PROGRESS_LINES = (
    ("Invoking method", LineReader._invoking),
    ("Starting round", LineReader._round),
    ("Starting pass", LineReader._pass),
    ("Verified pass", LineReader._verified_pass),
    ("Blanking device", LineReader._blanking),
    ("Nwipe exited with errors on device", LineReader._exited_with_errors),
    ("Status:", LineReader._status_debug),
)
