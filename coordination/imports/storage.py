"""Uploaded files and import progress on disk, under instance/imports.

An upload may name people (members who made a batch, private donors), so it is stored
encrypted with the instance's field key (crypto.py), under a random name, and deleted once
its rows are imported. Progress of a running import is a tiny file beside it: the import
runs in one database transaction, and on SQLite no other connection can write while that
transaction holds the write lock, so progress cannot go through the database. A poller on
any worker of the same machine reads the file (see runner.py).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.fernet import MultiFernet
from flask import current_app

from coordination.crypto import EXTENSION


def folder() -> Path:
    path = Path(current_app.config.get("IMPORTS_DIR") or Path(current_app.instance_path, "imports"))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _fernet() -> MultiFernet:
    fernet: MultiFernet = current_app.extensions[EXTENSION]
    return fernet


def store(data: bytes) -> str:
    name = secrets.token_hex(16)
    target = folder() / name
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(_fernet().encrypt(data))
    return name


def load(name: str) -> bytes | None:
    try:
        return _fernet().decrypt((folder() / _safe(name)).read_bytes())
    except (OSError, ValueError):
        return None


def remove(name: str | None) -> None:
    if name:
        for path in (folder() / _safe(name), _progress_path(name)):
            with contextlib.suppress(OSError):
                path.unlink()


def write_progress(name: str, done: int, total: int) -> None:
    path = _progress_path(name)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{done} {total}")
    os.replace(tmp, path)  # atomic: a reader never sees half a number


def read_progress(name: str | None) -> int | None:
    if not name:
        return None
    try:
        return int(_progress_path(name).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _progress_path(name: str) -> Path:
    return folder() / (_safe(name) + ".progress")


def _safe(name: str) -> str:
    if not name.isalnum():
        raise ValueError("not a stored import name")
    return name
