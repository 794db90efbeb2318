"""Per-token rate limits (Flask-Limiter) counted in the application's database.

Flask-Limiter's own storages are process memory (each gunicorn worker would count apart, so a
token would get the limit once per worker) or Redis/Memcached/MongoDB, servers a workshop
does not run. The database is already shared by every worker and app server, so the counters
live there: one row per token and window, bumped by one atomic upsert.

A write per request would cost more than many a request itself (on SQLite it takes the write
lock, so even a GET would queue behind the writers). So a worker takes its numbers from the
shared counter in blocks: one upsert adds a block of numbers to the window's count and the
worker hands them out to its next requests, one each; a request is let through when its number
is within the limit. A block is at most 1/32 of what the window has left (one number near the
limit, so a small limit is counted request by request) and at most MAX_BLOCK. Every worker
hands out distinct numbers from the one counter, so no more requests than the limit are ever
let through in a window; numbers a worker reserved but did not use before the window ended
are lost, so a token spread over several workers may be refused a little before its limit.

The counters use a side connection (refurb.api.side_connection), apart from the request's
session: a request that fails still counts, and the request's transaction (SQLite takes its
write lock at BEGIN) is not opened before the limit is checked.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, has_request_context
from flask_limiter import Limiter
from limits import RateLimitItem
from limits.storage import Storage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from sqlalchemy import Float, Integer, String, bindparam, delete, select, text
from sqlalchemy.exc import SQLAlchemyError

from refurb.api.models import RateCounter
from refurb.api.side_connection import side_connection

SCHEME = "refurb+db"
STRATEGY = "refurb-blocks"
PRUNE_ONE_IN = 200  # every so often an increment also deletes long-expired windows
MAX_BLOCK = 32  # numbers a worker reserves at once, at most
BLOCK_SHARE = 32  # a block is at most this fraction (1/32) of what the window has left
COUNTERS = RateCounter.__table__
# One atomic upsert per block, the same SQL on SQLite and PostgreSQL; written out once
# rather than built by the expression language at every request (that cost more CPU than
# the statement itself).
_BUMP = text(
    "INSERT INTO api_rate_counters (\"key\", count, expires_at) "
    "VALUES (:key, :amount, :expires_at) ON CONFLICT (\"key\") DO UPDATE SET "
    "count = CASE WHEN api_rate_counters.expires_at <= :now THEN excluded.count "
    "ELSE api_rate_counters.count + excluded.count END, "
    "expires_at = CASE WHEN api_rate_counters.expires_at <= :now THEN excluded.expires_at "
    "ELSE api_rate_counters.expires_at END "
    "RETURNING count, expires_at"
).bindparams(bindparam("key", type_=String()), bindparam("amount", type_=Integer()),
             bindparam("expires_at", type_=Float()), bindparam("now", type_=Float()))


class DatabaseStorage(Storage):
    """A `limits` storage over the `api_rate_counters` table (fixed-window strategy)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.database_url = str(options["database_url"])
        self.busy_timeout_ms = int(options.get("busy_timeout_ms", 5000))
        self._blocks: dict[str, _Block] = {}
        self._blocks_lock = threading.Lock()

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def connect(self):
        return side_connection(self.database_url, self.busy_timeout_ms)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        count, expires_at = self._bump(key, expiry, amount)
        if has_request_context():
            _bumped()[key] = (count, expires_at)
        return count

    def _bump(self, key: str, expiry: int, amount: int) -> tuple[int, float]:
        """Add `amount` to the key's window (a new window if it ended): (count, window end)."""
        now = time.time()
        with self.connect() as connection:
            count, expires_at = connection.execute(_BUMP, {
                "key": key, "amount": amount, "expires_at": now + expiry, "now": now}).one()
            if random.randrange(PRUNE_ONE_IN) == 0:
                connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at < now - 3600))
        return int(count), float(expires_at)

    def take(self, key: str, expiry: int, limit: int, cost: int = 1) -> int:
        """The number of this request (its last one when it costs several) in the key's
        window, from this worker's block, reserving a new block when it is used up."""
        with self._blocks_lock:
            block = self._blocks.get(key)
            now = time.time()
            if block is None or block.expires_at <= now:
                block, known = None, 0
            else:
                known = block.end
            if block is None or block.next + cost - 1 > block.end:
                size = max(cost, min(MAX_BLOCK, (limit - known) // BLOCK_SHARE))
                end, expires_at = self._bump(key, expiry, size)
                block = _Block(next=end - size + 1, end=end, expires_at=expires_at)
                self._blocks[key] = block
            count = block.next + cost - 1
            block.next += cost
        if has_request_context():
            _bumped()[key] = (count, block.expires_at)
        return count

    def get(self, key: str) -> int:
        if key in _bumped():  # the response headers read the counter this request bumped
            return _bumped()[key][0]
        with self.connect() as connection:
            count = connection.execute(select(COUNTERS.c.count).where(
                COUNTERS.c.key == key, COUNTERS.c.expires_at > time.time())).scalar()
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        if key in _bumped():
            return _bumped()[key][1]
        with self.connect() as connection:
            expires = connection.execute(select(COUNTERS.c.expires_at).where(
                COUNTERS.c.key == key)).scalar()
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with self.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._blocks_lock:
            self._blocks.clear()
        with self.connect() as connection:
            return connection.execute(delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        with self._blocks_lock:
            self._blocks.pop(key, None)
        with self.connect() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))


@dataclass
class _Block:
    """Numbers [next, end] of a window, reserved by this worker and not handed out yet."""

    next: int
    end: int
    expires_at: float


class BlockWindowRateLimiter(FixedWindowRateLimiter):
    """Fixed windows whose numbers come from the storage's blocks (it is told the limit,
    which sizes the block)."""

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        storage = self.storage
        assert isinstance(storage, DatabaseStorage)
        return storage.take(item.key_for(*identifiers), item.get_expiry(), item.amount,
                            cost) <= item.amount


STRATEGIES.setdefault(STRATEGY, BlockWindowRateLimiter)


def _bumped() -> dict[str, tuple[int, float]]:
    """Counters bumped by this request: (count, expiry), so headers cost no second read."""
    if not has_request_context():
        return {}
    if "refurb_rate_counters" not in g:
        g.refurb_rate_counters = {}
    return g.refurb_rate_counters


def make_limiter(app: Flask, key_func) -> Limiter:
    limiter = Limiter(
        key_func=key_func,
        storage_uri=f"{SCHEME}://",
        storage_options={"database_url": app.config["SQLALCHEMY_DATABASE_URI"],
                         "busy_timeout_ms": app.config["SQLITE_BUSY_TIMEOUT_MS"]},
        strategy=STRATEGY,
        headers_enabled=True,
        key_prefix="api",
    )
    limiter.init_app(app)
    return limiter


def limit_for_token() -> str:
    return str(current_app.config["API_RATE_LIMIT"])
