"""Items in the order a person looks for them: by name in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from coordination.catalog.models import Item


def by_name(items: Iterable[Item], locale: str) -> list[Item]:
    # Sorted here, not in SQL: collations differ between SQLite and PostgreSQL and the
    # catalog is small; ties (one name in two items) fall back to the code.
    return sorted(items, key=lambda i: (i.name(locale).casefold(), i.code))
