"""The one family of business errors. Messages are plain French sentences a user can act on;
the web layer maps every DomainError to a flash message or a JSON 4xx in one place."""

from __future__ import annotations


class DomainError(Exception):
    http_status = 409

    def __init__(self, message: str, *, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = list(reasons or [])


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
