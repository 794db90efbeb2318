"""Sending spooled items to the API, one attempt at a time: sent (2xx), refused (the server
said no: kept with its reason), or to retry later (server unreachable, busy or failing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from .config import Config
from .spool import Item, Spool, backoff

TIMEOUT = (5, 120)  # connect, read (a large report is parsed before the answer)
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
USER_AGENT = "refurb-station/1"


@dataclass(frozen=True)
class Result:
    state: str  # "sent" | "refused" | "retry"
    status: int | None = None
    answer: Any = None
    error: str = ""
    retry_after: float | None = None


class Sender:
    def __init__(self, config: Config, session: requests.Session | None = None) -> None:
        self.config = config
        self.session = session or requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {config.token}",
                                     "Accept-Language": config.language,
                                     "User-Agent": USER_AGENT})

    def deliver(self, item: Item) -> Result:
        try:
            url = self._url(item)
            if isinstance(url, Result):
                return url
            response = self.session.post(url, json=item.payload, timeout=TIMEOUT,
                                         headers={"Idempotency-Key": item.key})
        except requests.RequestException as error:
            return Result("retry", error=f"serveur injoignable ({type(error).__name__})")
        return _classify(response)

    def _url(self, item: Item) -> str | Result:
        api = self.config.api
        if item.kind == "log":
            return f"{api}/wipe-logs"
        if "collection" in item.target:
            return f"{api}/collections/{int(item.target['collection'])}/hardware-reports"
        # A tagged machine: which device the tag names is asked when sending.
        response = self.session.get(f"{api}/scan", params={"q": item.target["tag"]},
                                    timeout=TIMEOUT)
        if response.status_code != 200:
            return _classify(response)
        found = response.json()
        if found.get("kind") != "device":
            return Result("refused", 404, {"detail": f"{item.target['tag']} n’est pas un "
                                                     "numéro d’appareil."})
        return f"{api}/devices/{found['device']['id']}/hardware-reports"


def _classify(response: requests.Response) -> Result:
    try:
        answer = response.json()
    except ValueError:
        answer = {"detail": response.text[:500]}
    if 200 <= response.status_code < 300:
        return Result("sent", response.status_code, answer)
    if response.status_code in RETRY_STATUSES:
        retry_after = response.headers.get("Retry-After")
        return Result("retry", response.status_code, answer,
                      error=f"réponse {response.status_code}",
                      retry_after=float(retry_after) if (retry_after or "").isdigit() else None)
    return Result("refused", response.status_code, answer)


def attempt(spool: Spool, sender: Sender, item: Item) -> Result:
    """One try; the spool records where the item stands afterwards."""
    result = sender.deliver(item)
    if result.state == "sent":
        spool.sent(item, result.status, result.answer)
    elif result.state == "refused":
        spool.refused(item, result.status, result.answer)
    else:
        spool.postpone(item, result.error, result.retry_after)
    return result


def send_with_backoff(spool: Spool, sender: Sender, item: Item, *, wait_s: float,
                      sleep: Callable[[float], None] = time.sleep,
                      clock: Callable[[], float] = time.monotonic) -> Result:
    """Try now, then again after 2, 4, 8 … seconds while `wait_s` lasts; what is still not
    delivered stays spooled for `refurb-station send` or `watch`."""
    deadline = clock() + wait_s
    while True:
        result = attempt(spool, sender, item)
        if result.state != "retry":
            return result
        delay = backoff(item.attempts, result.retry_after)
        if clock() + delay > deadline:
            return result
        sleep(delay)


def deliver_due(spool: Spool, sender: Sender, *, everything: bool = False,
                now: float | None = None) -> list[tuple[Item, Result]]:
    """One try for each waiting item whose back-off has passed (all of them if `everything`)."""
    now = time.time() if now is None else now
    done = []
    for item in spool.waiting():
        if everything or item.next_attempt <= now:
            done.append((item, attempt(spool, sender, item)))
    return done
