"""CPU time of a process from /proc (Linux): what the benchmarks charge to gunicorn's workers,
a job's process or PostgreSQL's server processes."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int, *, reaped_children: bool = False) -> float | None:
    """User + system CPU seconds the process has spent so far (with `reaped_children`, also
    those of its children that have exited and been waited for); None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    used = fields[11:15] if reaped_children else fields[11:13]
    return sum(int(value) for value in used) / os.sysconf("SC_CLK_TCK")
