"""Ids from the outside world (URLs, JSON, forms): one check of what a valid id is."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from coordination.kernel.errors import NotFound
from coordination.kernel.text import N_

T = TypeVar("T")

# Integer primary keys fit in 32 bits; a larger id in a URL is simply unknown, and asking
# PostgreSQL for it would fail with "integer out of range" instead of a 404.
MAX_ID = 2**31 - 1

# A code people type or follow (a delivery's verification code, a donor's receipt code).
CODE = re.compile(r"[A-Za-z0-9_-]{4,24}")


def valid_id(value: Any) -> int | None:
    """The value as a row id, or None: a bool, a non-int or an id out of range is no id."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        return None
    return value


def get_or_404(session: Session, model: type[T], ident: int | None) -> T:
    if valid_id(ident) is None:
        raise NotFound(N_("Not found."))
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(N_("Not found."))
    return obj
