"""How a message leaves: e-mail through Flask-Mailman, SMS through a pluggable gateway.

A gateway is any class with `send(phone, text)` raising on failure, built from the app's
configuration (SMS_BACKEND): "log", "file" or the dotted path of a provider's class."""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any, Protocol

from flask import current_app
from flask_mailman import EmailMessage, Mail

from refurb.clock import utcnow

log = logging.getLogger(__name__)
mail = Mail()  # initialised in refurb.wiring


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsGateway:
    """Writes the SMS to the server log: for a workshop without an SMS provider yet."""

    def __init__(self, config: Any) -> None:
        pass

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone[-4:].rjust(len(phone), "*"), text)


class FileSmsGateway:
    """Appends one JSON line per message to SMS_FILE (tests, or a provider that picks files up)."""

    def __init__(self, config: Any) -> None:
        self.path = Path(config["SMS_FILE"])

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": phone, "text": text, "at": utcnow().isoformat()},
                          ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


BUILTIN = {"log": LogSmsGateway, "file": FileSmsGateway}


def sms_gateway(config: Any | None = None) -> SmsGateway:
    config = config if config is not None else current_app.config
    name = str(config.get("SMS_BACKEND") or "log")
    if name in BUILTIN:
        return BUILTIN[name](config)
    module_name, _, class_name = name.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)(config)


def send_email(address: str, subject: str, body: str) -> None:
    EmailMessage(subject=subject, body=body, to=[address]).send(fail_silently=False)


def send_sms(phone: str, text: str) -> None:
    sms_gateway().send(phone, text)
