"""Invariant 3 in the ORM: registered models are only ever inserted (the migrations add the
same refusal as database triggers). One listener serves every domain's history tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


class AppendOnlyViolation(RuntimeError):
    """An append-only row was about to be updated or deleted."""


_MESSAGES: dict[type, str] = {}


def append_only(*models: type, message: str) -> None:
    """Refuse updates and deletes of `models`, with a French `message` saying what to do."""
    for model in models:
        _MESSAGES[model] = message


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in (*session.dirty, *session.deleted):
        message = _MESSAGES.get(type(obj))
        if message and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyViolation(message)
