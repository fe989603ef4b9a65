"""Writing a file all at once or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write(target: Path, data: bytes, prefix: str = ".write-", mode: int = 0o600) -> None:
    """Write `data` to `target`: a temp file in the same directory, fsync, then rename.

    A reader (or a crash) sees the old file or the whole new one, never half of it.
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
