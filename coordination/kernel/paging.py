"""Searching and paging a list query, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session


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
