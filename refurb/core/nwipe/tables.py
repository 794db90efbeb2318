"""Reading the two summary tables that end a run ("Error Summary", then "Drive Status"):
no timestamps, one row per drive, the drive named by the short device name."""

from __future__ import annotations

from refurb.core.nwipe.patterns import ELAPSED_RE, ERROR_KINDS, RATE_RE
from refurb.core.nwipe.state import DriveState, ParserState, Run
from refurb.core.nwipe.values import to_bytes, to_int

# Column title fragment → column, checked in this order (the first match wins).
COLUMNS = (
    (("status",), "status"),
    (("thru", "throughput"), "throughput"),
    (("hh:mm", "duration", "elapsed"), "elapsed"),
    (("model", "serial"), "model_serial"),
    (("bytes", "erased"), "bytes"),
    (("pass",), "pass"),
    (("verif",), "verify"),
    (("sync",), "fsync"),
)


def column_of(title: str) -> str:
    c = title.lower()
    if c.startswith("device"):
        return "device"
    for fragments, column in COLUMNS:
        if any(fragment in c for fragment in fragments):
            return column
    return ""


class TableReader(ParserState):
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
            self.runs.append(Run())
        cols = [column_of(cell) for cell in cells]
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
            self._status_row(state, values, flagged)
        else:
            self._errors_row(state, values)

    def _status_row(self, state: DriveState, values: dict[str, str], flagged: bool) -> None:
        raw = values.get("status", "").strip()
        state.table_status = raw or None
        if "throughput" in values:
            tp = values["throughput"].strip()
            state.drive.throughput = " ".join(tp.split()) or None
            rm = RATE_RE.search(tp)
            state.drive.throughput_bytes_per_s = (
                to_bytes(rm.group(1), rm.group(2)) if rm else None
            )
        if "elapsed" in values and ELAPSED_RE.match(values["elapsed"].strip()):
            state.drive.elapsed = values["elapsed"].strip()
        if values.get("model_serial"):
            state.table_model_serial = values["model_serial"]
        if flagged and raw.lower() in {"erased", ""}:
            self.warn(
                f"{state.drive.device} : ligne marquée « ! » dans le tableau "
                "mais statut « Erased »."
            )

    def _errors_row(self, state: DriveState, values: dict[str, str]) -> None:
        errors = state.table_errors or dict.fromkeys(ERROR_KINDS, 0)
        for kind in ERROR_KINDS:
            if kind in values:
                n = to_int(values[kind])
                if n is None:
                    self.warn(
                        f"{state.drive.device} : nombre d'erreurs illisible dans le tableau."
                    )
                else:
                    errors[kind] = n
        state.table_errors = errors
        if "bytes" in values:
            state.table_bytes = to_int(values["bytes"])
