"""Messages and user text: marking messages for translation, and cleaning typed text."""

from __future__ import annotations

MAX_SEARCH = 100


def N_(message: str) -> str:
    """Mark a message for extraction; views translate it when they show it."""
    return message


STALE = N_(
    "Someone else changed this while you were editing. "
    "Nothing was saved; review the current values and try again."
)


def clean_search(q: str | None) -> str:
    """A search term that is safe to put in a LIKE pattern on both backends."""
    if not q:
        return ""
    q = "".join(ch for ch in q if ch >= " ").strip()  # NUL and controls: PostgreSQL refuses NUL
    return q[:MAX_SEARCH]


def has_nul(*values: str | None) -> bool:
    return any(v is not None and "\x00" in v for v in values)
