"""A job kind for tests: steps with progress, then one counted write (how many runs committed)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from refurb import database
from refurb.counters import Counter, next_number
from refurb.extensions import db
from refurb.jobs import register_kind

# In-process tests hand the job a gate: step i waits until the test has seen it.
GATES: dict[str, object] = {}


def steps(params, progress, *, actor_id, now):
    total = int(params.get("steps", 5))
    gate = GATES.get(params.get("gate", ""))
    for index in range(total):
        progress(index, total, f"étape {index + 1}")
        if gate is not None:
            gate(index)
        time.sleep(float(params.get("delay", 0)))
    database.will_write()
    runs = next_number(runs_counter(params.get("name", "job")))
    progress(total, total, "écriture")
    return {"summary": [f"exécution n° {runs}"]}


def runs_counter(name: str) -> str:
    return f"test-job-runs:{name}"


def committed_runs(name: str) -> int:
    value = db.session.scalar(select(Counter.value).where(Counter.name == runs_counter(name)))
    return value or 0


def register_test_kinds() -> None:
    register_kind("test.steps", "Tâche d’essai", steps)


class StepGate:
    """Lets the job go one step further each time the test has seen the current step."""

    def __init__(self) -> None:
        self.seen = threading.Condition()
        self.acknowledged = -1

    def __call__(self, index: int) -> None:
        with self.seen:
            self.seen.wait_for(lambda: self.acknowledged >= index, timeout=30)

    def acknowledge(self, index: int) -> None:
        with self.seen:
            self.acknowledged = max(self.acknowledged, index)
            self.seen.notify_all()
