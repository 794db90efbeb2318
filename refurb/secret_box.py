"""Encryption at rest for the few secrets the database keeps (Windows licence keys).

A database dump or a stolen backup must not hand out the keys: they are stored as Fernet
tokens (AES-128-CBC + HMAC-SHA256), with the encryption key kept out of the database —
DATA_ENCRYPTION_KEY in the configuration, or instance/data_key (owner-only) created on first
use. Several comma-separated keys allow rotation: the first encrypts, all decrypt.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from refurb.security import instance_files

KEY_FILE = "data_key"
TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte + timestamp)


class UnreadableSecret(RuntimeError):
    """A stored secret does not open with the configured keys (key lost or replaced)."""


def _load_keys() -> list[str]:
    configured = current_app.config.get("DATA_ENCRYPTION_KEY")
    if configured:
        return [k.strip() for k in str(configured).split(",") if k.strip()]
    key_file = Path(current_app.instance_path) / KEY_FILE
    if not key_file.exists():
        instance_files.write_private(key_file, Fernet.generate_key())
    return [key_file.read_text().strip()]


def _box() -> MultiFernet:
    box = current_app.extensions.get("secret_box")
    if box is None:
        box = MultiFernet([Fernet(key) for key in _load_keys()])
        current_app.extensions["secret_box"] = box
    return box


def encrypt(text: str) -> str:
    return _box().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "Un secret enregistré ne peut pas être déchiffré : la clé de chiffrement "
            "(DATA_ENCRYPTION_KEY ou instance/data_key) n'est pas celle qui l'a chiffré."
        ) from None


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


class EncryptedString(TypeDecorator):
    """A text column stored encrypted; the model reads and writes the clear text."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # noqa: ANN001
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):  # noqa: ANN001
        return None if value is None else decrypt(value)
