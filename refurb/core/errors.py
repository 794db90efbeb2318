"""The one family of business errors. A message is a French msgid (marked with N_ so the
catalogue picks it up) plus named parameters; the web layer translates it when it shows it,
so an English user reads English. Parameters may themselves be Messages (a state's name)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        text = translate(self.msgid)
        if not self.params:
            return text
        return text % {key: render(value, translate) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.render()


def render(value: Any, translate: Callable[[str], str] = lambda text: text) -> str:
    """A Message translated and filled in; any other value as text."""
    if isinstance(value, Message):
        return value.render(translate)
    return str(value)


class DomainError(Exception):
    """`raise InvalidInput(N_("Le numéro %(number)s est déjà pris."), number=n)`."""

    http_status = 409

    def __init__(self, message: str | Message, *, reasons: list[str | Message] | None = None,
                 **params: Any) -> None:
        self.msg = message if isinstance(message, Message) else Message(message, params)
        self.reasons = list(reasons or [])
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The French text, filled in (logs, CLI, tests)."""
        return self.msg.render()

    def translated(self, translate: Callable[[str], str]) -> tuple[str, list[str]]:
        return self.msg.render(translate), [render(reason, translate) for reason in self.reasons]

    def describe(self, translate: Callable[[str], str] = lambda text: text) -> str:
        """Message and reasons on one line (CLI output, batch scan replies, job results)."""
        message, reasons = self.translated(translate)
        return " ".join([message, *reasons])


class NotFound(DomainError):
    http_status = 404


class Forbidden(DomainError):
    http_status = 403


class InvalidInput(DomainError):
    http_status = 400


class IllegalTransition(DomainError):
    """A device state change refused by the lifecycle table or one of its guards."""


class ConcurrentChange(DomainError):
    """Someone else changed the same record first; the user should reload and retry."""


class NotEligible(DomainError):
    pass


class LoginThrottled(DomainError):
    http_status = 429

    def __init__(self, message: str, *, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds
