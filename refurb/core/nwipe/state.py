"""What the parser keeps while it reads: one state per drive and run, the runs of the file
(nwipe appends a new run to the same log), and the warnings so far."""

from __future__ import annotations

from datetime import datetime

from refurb.core.nwipe.model import NwipeDrive
from refurb.core.nwipe.patterns import ERROR_KINDS
from refurb.core.nwipe.values import basename, clean_device

MAX_WARNINGS = 50


class DriveState:
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

    def __init__(self, device: str, run: Run) -> None:
        self.drive = NwipeDrive(device=device)
        self.run = run
        self.method: str | None = None
        self.rounds: int | None = None
        self.passes: int | None = None
        self.started: datetime | None = None
        self.last_progress: datetime | None = None
        self.max_written: int | None = None
        self.line_errors = dict.fromkeys(ERROR_KINDS, 0)
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


class Run:
    def __init__(self) -> None:
        self.drives: dict[str, DriveState] = {}
        self.options: dict[str, str] = {}
        self.options_seen = False
        self.noblank = False
        self.summary_done = False
        self.user_aborted = False
        self.total: tuple[str, int | None, bool, str | None] | None = None
        self.table_seen = False


class ParserState:
    """Shared by the readers of timestamped lines, summary tables and the final assembly."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._warned: set[str] = set()
        self.version: str | None = None
        self.runs: list[Run] = [Run()]
        self.order: list[DriveState] = []
        self.table_kind: str | None = None
        self.table_cols: list[str] = []
        self.recognised = 0

    # -- helpers

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append("Trop d'avertissements : les suivants sont omis.")

    @property
    def run(self) -> Run:
        return self.runs[-1]

    def _new_run_if_done(self) -> None:
        if self.run.summary_done or self.run.table_seen:
            self.runs.append(Run())
            self.table_kind = None
            self.table_cols = []

    def _drive(self, token: str, create: bool = True) -> DriveState | None:
        device = clean_device(token)
        if not device:
            return None
        state = self.run.drives.get(device)
        if state is None and create:
            state = DriveState(device, self.run)
            self.run.drives[device] = state
            self.order.append(state)
        return state

    def _drive_by_short_name(self, name: str) -> DriveState | None:
        name = name.strip()
        if not name:
            return None
        drives = self.run.drives
        if name in drives:
            return drives[name]
        for device, state in drives.items():
            if basename(device) == name:
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

    def _untimed(self, line: str) -> None:
        """A line without a timestamp: the summary tables (refurb.core.nwipe.tables)."""
        raise NotImplementedError
