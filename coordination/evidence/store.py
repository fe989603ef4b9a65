"""Where evidence files live, and writing them atomically under random names.

The directory is outside static/, so nothing is served without the authorised routes.
Views resolve it from the app (`evidence_dir(current_app)`) and pass it to the services,
which never touch Flask.

Originals are never kept: only the re-encoded copy is written (DESIGN §4 allows keeping
originals only if an admin turns that on; AIDTRAIL_KEEP_ORIGINALS is not implemented, so
there is no switch to turn on).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from coordination.kernel.files import atomic_write

if TYPE_CHECKING:
    from flask import Flask

NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")


def evidence_dir(app: Flask) -> Path:
    """AIDTRAIL_EVIDENCE_DIR (config, then environment), else <instance>/evidence.

    Under TESTING with no explicit setting, the directory sits beside the test's key
    directory (a per-test tmp dir), so a test run never writes into the real instance.
    """
    configured = app.config.get("AIDTRAIL_EVIDENCE_DIR") or os.environ.get("AIDTRAIL_EVIDENCE_DIR")
    if configured:
        return Path(configured)
    if app.testing and app.config.get("AIDTRAIL_KEYS_DIR"):
        return Path(app.config["AIDTRAIL_KEYS_DIR"]).parent / "evidence"
    return Path(app.instance_path) / "evidence"


def new_name(extension: str) -> str:
    return secrets.token_hex(16) + extension


def path_of(directory: Path, stored_name: str) -> Path:
    # Stored names are ours, but check anyway: a path from the database never escapes.
    if not NAME.fullmatch(stored_name):
        raise ValueError("not an evidence file name")
    return directory / stored_name


def write(directory: Path, stored_name: str, data: bytes) -> Path:
    """Write `data` under `stored_name`: all of it or nothing (temp file, fsync, rename)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = path_of(directory, stored_name)
    atomic_write(target, data, prefix=".upload-")
    return target


def read(directory: Path, stored_name: str) -> bytes:
    return path_of(directory, stored_name).read_bytes()


def discard(directory: Path, stored_name: str) -> None:
    """Remove a file whose database row was not committed (best effort)."""
    with contextlib.suppress(OSError, ValueError):
        path_of(directory, stored_name).unlink()
