"""Helpers shared by the admin pages, their services and the API of parties, catalog and users.

Nothing here touches the request: views pass in what they read from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from coordination.errors import DomainError, NotFound

T = TypeVar("T")

# Integer primary keys fit in 32 bits; a larger id in a URL is simply unknown, and asking
# PostgreSQL for it would fail with "integer out of range" instead of a 404.
MAX_ID = 2**31 - 1
MAX_SEARCH = 100


def N_(message: str) -> str:
    """Mark a message for extraction; views translate it when they show it."""
    return message


STALE = N_(
    "Someone else changed this while you were editing. "
    "Nothing was saved; review the current values and try again."
)


class Invalid(DomainError):
    """A refused input whose message has parameters, kept apart so a view can translate it."""

    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        super().__init__(template % params if params else template, field)
        self.template = template
        self.params = params


def message_parts(exc: DomainError) -> tuple[str, dict[str, Any]]:
    if isinstance(exc, Invalid):
        return exc.template, exc.params
    return exc.message, {}


def get_or_404(session: Session, model: type[T], ident: int | None) -> T:
    if ident is None or not 1 <= ident <= MAX_ID:
        raise NotFound(N_("Not found."))
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(N_("Not found."))
    return obj


def clean_search(q: str | None) -> str:
    """A search term that is safe to put in a LIKE pattern on both backends."""
    if not q:
        return ""
    q = "".join(ch for ch in q if ch >= " ").strip()  # NUL and controls: PostgreSQL refuses NUL
    return q[:MAX_SEARCH]


def search_clause(q: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive substring match over plain (never encrypted) columns.

    SQLite folds case for ASCII only, so "носки" would miss "Носки"; matching the term as
    typed, lower-cased and capitalised covers how people actually type names.
    """
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    variants = {escaped, escaped.lower(), escaped[:1].upper() + escaped[1:].lower()}
    return or_(*(col.ilike(f"%{v}%", escape="\\") for col in columns for v in sorted(variants)))


def paged(
    session: Session, stmt: Select[Any], page: int, per_page: int
) -> tuple[list[Any], int, int, int]:
    """Rows of one page, the page actually shown, the page count and the total."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return rows, page, pages, total


def parse_page(raw: str | None) -> int:
    if raw is None or not raw.isdigit() or len(raw) > 6:
        return 1
    return max(1, int(raw))


def edit_stamp(values: Iterable[Any]) -> str:
    """A short digest of what an edit form was built from.

    Rows without a version column carry this in a hidden field instead: if it no longer
    matches when the form comes back, someone else saved first and nothing is overwritten.
    """
    text = json.dumps(list(values), default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def has_nul(*values: str | None) -> bool:
    return any(v is not None and "\x00" in v for v in values)
