"""Edit stamps: optimistic locking for rows without a version column."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any


def edit_stamp(values: Iterable[Any]) -> str:
    """A short digest of what an edit form was built from.

    Rows without a version column carry this in a hidden field instead: if it no longer
    matches when the form comes back, someone else saved first and nothing is overwritten.
    """
    text = json.dumps(list(values), default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
