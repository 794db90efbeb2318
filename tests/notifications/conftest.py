"""A real SMTP server (aiosmtpd) for the notification tests, and the app pointed at it."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "subject": " ".join(str(message["subject"]).split()),
                              "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(app, smtp_server, monkeypatch):
    """The app sends through SMTP to the test server; the inbox starts empty."""
    controller, inbox = smtp_server
    inbox.messages.clear()
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "backend", "smtp")
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", controller.port)
    monkeypatch.setattr(state, "use_tls", False)
    monkeypatch.setattr(state, "use_ssl", False)
    monkeypatch.setattr(state, "username", None)
    monkeypatch.setattr(state, "password", None)
    monkeypatch.setattr(state, "timeout", 5)
    return inbox
