"""Read-only queries behind the public ledger endpoints and page."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.ledger.models import LedgerEntry

_entry = LedgerEntry.__table__


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def entries_between(
    session: Session, start: int, end: int, newest_first: bool = False
) -> list[Any]:
    """Rows (idx, kind, body, leaf_hash) with start <= idx < end."""
    order = _entry.c.idx.desc() if newest_first else _entry.c.idx
    stmt = (
        select(_entry.c.idx, _entry.c.kind, _entry.c.body, _entry.c.leaf_hash)
        .where(_entry.c.idx >= start, _entry.c.idx < end)
        .order_by(order)
    )
    return list(session.execute(stmt))


def entries_json(session: Session, start: int, end: int) -> list[dict[str, Any]]:
    return [
        {"index": int(idx), "body": body, "leaf_hash": b64(bytes(leaf)), "kind": kind}
        for idx, kind, body, leaf in entries_between(session, start, end)
    ]


def leaf_hash_at(session: Session, index: int) -> bytes | None:
    value = session.execute(select(_entry.c.leaf_hash).where(_entry.c.idx == index)).scalar()
    return bytes(value) if value is not None else None
