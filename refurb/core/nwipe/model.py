"""What the parser returns: one NwipeDrive per drive and run, and the log's warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from refurb.core.nwipe.patterns import ELAPSED_RE, ERROR_KINDS

STATUSES = ("erased", "failed", "aborted")

# nwipe prints "Verify Ones  (0xFF)" with two spaces; compare on whitespace-collapsed labels.
VERIFICATION_ONLY_METHODS = frozenset({"verify zeros (0x00)", "verify ones (0xff)"})


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
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ERROR_KINDS, 0))
    blank: bool | None = None
    blanked: bool = False
    verified: bool | None = None
    verification_only: bool = False
    # Hidden areas (HPA/DCO) as nwipe reported them: "absent", "detected", "unknown",
    # "not_applicable", or None when the log says nothing (nwipe without hdparm, old versions).
    hpa_dco: str | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def elapsed_seconds(self) -> int | None:
        m = ELAPSED_RE.match(self.elapsed or "")
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
