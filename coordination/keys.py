"""Secrets kept outside the database, in AIDTRAIL_KEYS_DIR, readable only by the app's user."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def keys_dir(path: str) -> Path:
    d = Path(path)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def load_or_create(path: Path, make: Callable[[], str]) -> str:
    """Read a key file, creating it with mode 0600 on first run.

    O_EXCL makes creation atomic: when several workers start at once exactly one writes the
    key and the others read it, so no two processes ever hold different keys.
    """
    if path.exists():
        return _read_complete(path)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_complete(path)
    with os.fdopen(fd, "w") as fh:
        fh.write(value + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return value


def _read_complete(path: Path) -> str:
    # The winner of the creation race may not have finished writing yet.
    for _ in range(200):
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.01)
    raise RuntimeError(f"key file {path.name} is empty")
