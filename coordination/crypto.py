"""Encryption at rest for personal fields (names, phones, addresses).

The key lives in AIDTRAIL_KEYS_DIR, never in the database, so a copied database or backup
alone reveals no personal data. MultiFernet lets an admin add a new key in front and
re-encrypt at leisure: every listed key decrypts, the first encrypts.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from coordination.keys import keys_dir, load_or_create

EXTENSION = "aidtrail.fernet"


def register_field_encryption(app: Flask) -> None:
    directory = keys_dir(app.config["AIDTRAIL_KEYS_DIR"])
    text = load_or_create(directory / "data.keys", lambda: Fernet.generate_key().decode())
    keys = [Fernet(line.strip().encode()) for line in text.splitlines() if line.strip()]
    app.extensions[EXTENSION] = MultiFernet(keys)


def _fernet() -> MultiFernet:
    fernet: MultiFernet = current_app.extensions[EXTENSION]
    return fernet


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token; plaintext exists only in the app's memory."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _fernet().encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        try:
            return _fernet().decrypt(str(value).encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise RuntimeError("personal field cannot be decrypted with the keys in use") from exc
