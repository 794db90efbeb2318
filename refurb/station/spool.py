"""The local spool: every item is written to `outbox/` before it is sent, moved to `sent/` with
the server's answer, or to `refused/` with the server's reason. The folders are the local copy
of everything the station sent, and the queue of what waits for the server.

An item's name is its idempotency key, a hash of what it carries: the same report or log
makes the same item, so it is spooled once and the server creates it once.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTBOX, SENT, REFUSED = "outbox", "sent", "refused"
FIRST_DELAY_S = 2.0
MAX_DELAY_S = 300.0


def content_key(kind: str, data: Any) -> str:
    """`report-…` / `log-…` + SHA-256 of the content (what the server sees as Idempotency-Key)."""
    raw = data if isinstance(data, bytes) else json.dumps(
        data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return f"{kind}-{hashlib.sha256(raw).hexdigest()}"


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before the next try: 2, 4, 8 … up to 5 minutes, or what the server asked."""
    delay = min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** max(0, attempts - 1))
    return max(delay, retry_after or 0)


@dataclass
class Item:
    key: str
    kind: str  # "report" | "log"
    target: dict[str, Any]  # {"collection": id} | {"tag": "RF-…"} | {} for logs
    payload: dict[str, Any]
    created_at: float
    attempts: int = 0
    next_attempt: float = 0.0
    last_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Spool:
    def __init__(self, root: Path) -> None:
        self.root = root
        for folder in (OUTBOX, SENT, REFUSED):
            (root / folder).mkdir(parents=True, exist_ok=True)

    def _path(self, folder: str, key: str) -> Path:
        return self.root / folder / f"{key}.json"

    def _write(self, path: Path, data: dict[str, Any]) -> None:
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, path)  # never a half-written item, even on power loss mid-write

    def where(self, key: str) -> str | None:
        for folder in (SENT, OUTBOX, REFUSED):
            if self._path(folder, key).exists():
                return folder
        return None

    def read(self, folder: str, key: str) -> dict[str, Any]:
        return json.loads(self._path(folder, key).read_text(encoding="utf-8"))

    def add(self, item: Item) -> None:
        self._path(REFUSED, item.key).unlink(missing_ok=True)  # sent again on purpose
        self._write(self._path(OUTBOX, item.key), item.as_dict())

    def waiting(self) -> list[Item]:
        items = []
        for path in sorted(self.root.joinpath(OUTBOX).glob("*.json")):
            try:
                items.append(Item(**json.loads(path.read_text(encoding="utf-8"))))
            except (ValueError, TypeError):
                continue  # not ours
        return sorted(items, key=lambda i: i.created_at)

    def postpone(self, item: Item, error: str, retry_after: float | None = None) -> None:
        item.attempts += 1
        item.next_attempt = time.time() + backoff(item.attempts, retry_after)
        item.last_error = error
        self._write(self._path(OUTBOX, item.key), item.as_dict())

    def _close(self, item: Item, folder: str, status: int, answer: Any) -> None:
        self._write(self._path(folder, item.key), {
            **item.as_dict(), "status": status, "answer": answer, "closed_at": time.time()})
        self._path(OUTBOX, item.key).unlink(missing_ok=True)

    def sent(self, item: Item, status: int, answer: Any) -> None:
        self._close(item, SENT, status, answer)

    def refused(self, item: Item, status: int, answer: Any) -> None:
        self._close(item, REFUSED, status, answer)

    # The machine being worked on, for the logs written on it afterwards.
    def remember_host(self, tag: str) -> None:
        self.root.joinpath("host").write_text(tag + "\n", encoding="utf-8")

    def host(self) -> str | None:
        path = self.root / "host"
        return path.read_text(encoding="utf-8").strip() or None if path.exists() else None
