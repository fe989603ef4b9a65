"""Appending to the ledger. Every writing service calls append() in its own transaction.

An entry body is canonical JSON {"v", "kind", "at", "actor", "data"} (plus "supersedes"
for a correction); its UTF-8 bytes are the Merkle leaf data. Version 2 (from the unlinkable
ledger on) keeps nobody linkable: "at" is the day only ("2026-12-06"), "actor" is "system"
or a commitment to the account made with a fresh salt, and every `Sealed` value in the data
(households, units, need lines) becomes such a commitment; openings.py keeps the salts.
Version-1 entries written before stay as they are (append-only): readers accept both.

With each entry the append stores the hash of every perfect aligned subtree the new leaf
completes (two rows per entry on average), so proofs and checkpoints never rehash the log.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session, make_transient_to_detached

from coordination.db import utcnow
from coordination.kernel.actors import Actor
from coordination.ledger import merkle
from coordination.ledger.canonical import canonical_json
from coordination.ledger.models import LedgerEntry
from coordination.ledger.openings import Pending, keep, seal, seal_data
from coordination.ledger.privacy import check_public, sealed_user
from coordination.ledger.proofs import node_getter
from coordination.ledger.store import AppendCursor

SCHEMA_VERSION = 2
VERSIONS = (1, 2)  # what readers accept: entries are never rewritten
KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
KIND_MAX = 48  # LedgerEntry.kind column width


def append(session: Session, actor: Actor | None, kind: str, data: dict[str, Any]) -> LedgerEntry:
    """Append one entry in the caller's transaction and return it (flushed, not committed).

    `data` must hold only public ids, public names and commitments (see privacy.py): never
    a name, phone or address, nor a stable id of a household, a unit or an account: those
    go in as `Sealed` values under `*_commitment` keys. PersonalDataError (a ValueError)
    refuses personal data. The head row is locked first, so two processes appending
    at once are serialised and indices stay contiguous.
    """
    return _append(session, actor, kind, data, supersedes=None)


def append_correction(
    session: Session, actor: Actor | None, supersedes: int, kind: str, data: dict[str, Any]
) -> LedgerEntry:
    """Append an entry that supersedes the entry at index `supersedes`.

    The ledger never changes an old entry: readers take the newest entry that supersedes
    an index as the current word on it, and the history of corrections stays visible.
    """
    if isinstance(supersedes, bool) or not isinstance(supersedes, int) or supersedes < 0:
        raise ValueError("supersedes must be the index of an existing entry")
    return _append(session, actor, kind, data, supersedes=supersedes)


def _append(
    session: Session, actor: Actor | None, kind: str, data: dict[str, Any], supersedes: int | None
) -> LedgerEntry:
    if not isinstance(kind, str) or len(kind) > KIND_MAX or not KIND.fullmatch(kind):
        raise ValueError(f"ledger kind {kind!r} must be dotted lowercase words, ≤{KIND_MAX} chars")
    if not isinstance(data, dict):
        raise TypeError("ledger data must be a dict")
    pending: list[Pending] = []
    data = seal_data(data, "data", pending)
    check_public(data)
    now = utcnow()
    fields: dict[str, Any] = {
        "v": SCHEMA_VERSION,
        "kind": kind,
        # The day only: a second-exact time would tie a household's events to each other
        # and to whatever else happened at that moment.
        "at": now.strftime("%Y-%m-%d"),
        "actor": "system"
        if actor is None
        else seal(sealed_user(actor.public_id), "actor", pending),
        "data": data,
    }
    body = canonical_json(fields)  # before the lock: a bad value fails without waiting
    cursor = AppendCursor(session)
    try:
        index = cursor.claim()
        if supersedes is not None:
            if supersedes >= index:
                raise ValueError(f"entry {supersedes} does not exist yet; nothing to supersede")
            body = canonical_json({**fields, "supersedes": supersedes})
        leaf = merkle.leaf_hash(body.encode("utf-8"))
        cursor.insert_entry(index, kind, body, leaf, now)
        cursor.insert_nodes(completed_nodes(cursor, index, leaf))
    finally:
        cursor.close()
    # Written on the driver's cursor (store.py). The returned object stays detached: adding
    # it to the session would only make every commit expire and re-track it (~100 µs each).
    entry = LedgerEntry(index=index, kind=kind, body=body, leaf_hash=leaf, created_at=now)
    make_transient_to_detached(entry)
    keep(session, index, pending)
    session.flush()  # the caller's own pending rows, so "flushed" means the whole change
    return entry


def completed_nodes(cursor: AppendCursor, index: int, leaf: bytes) -> list[tuple[int, int, bytes]]:
    """The subtree rows leaf `index` completes, fetching their stored left halves at once."""
    wanted = [(level - 1, 2 * pos) for level, pos in merkle.complete_subtrees_ending_at(index)[1:]]
    known = cursor.fetch_nodes(wanted)
    return merkle.nodes_completed_by_append(index, leaf, node_getter(known))
