"""Appending to the ledger. Every writing service calls append() in its own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.ledger.canonical import canonical_json
from coordination.ledger.merkle import leaf_hash
from coordination.ledger.models import LedgerEntry, LedgerHead

SCHEMA_VERSION = 1


def append(session: Session, actor: User | None, kind: str, data: dict[str, Any]) -> LedgerEntry:
    """Append one entry in the caller's transaction and return it (flushed, not committed).

    `data` must hold only pseudonymous ids, public names and commitments: never a name,
    phone or address of a household or an individual. The head row is locked first, so two
    processes appending at once are serialised and indices stay contiguous.
    """
    head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
    index = head.size
    now = utcnow()
    body = canonical_json(
        {
            "v": SCHEMA_VERSION,
            "kind": kind,
            "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "actor": actor.public_id if actor is not None else "system",
            "data": data,
        }
    )
    entry = LedgerEntry(index=index, kind=kind, body=body, leaf_hash=leaf_hash(body.encode("utf-8")), created_at=now)
    session.add(entry)
    head.size = index + 1
    session.flush()
    return entry
