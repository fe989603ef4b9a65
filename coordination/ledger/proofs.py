"""Roots and proofs computed from the stored subtree hashes (LedgerNode rows).

Any root or proof on a log of n entries needs O(log n) stored nodes. Which ones depends
only on the sizes and the index, never on hash values, so a dry run of the Merkle code
with placeholder hashes lists them; one query fetches them all; the real run follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.ledger import merkle
from coordination.ledger.models import LedgerHead
from coordination.ledger.store import fetch_nodes

T = TypeVar("T")
_PLACEHOLDER = bytes(merkle.HASH_SIZE)


class LedgerCorrupt(RuntimeError):
    """The stored tree lacks a node it must have; `flask ledger verify` will say where."""


def head_size(session: Session) -> int:
    return int(session.execute(select(LedgerHead.size).where(LedgerHead.id == 1)).scalar_one())


def node_getter(known: dict[tuple[int, int], bytes]) -> merkle.NodeGetter:
    def get(level: int, position: int) -> bytes:
        try:
            return known[(level, position)]
        except KeyError:
            missing = f"stored subtree (level {level}, position {position}) is missing"
            raise LedgerCorrupt(missing) from None

    return get


def with_stored_nodes(session: Session, compute: Callable[[merkle.SubtreeHash], T]) -> T:
    wanted: set[tuple[int, int]] = set()

    def record(level: int, position: int) -> bytes:
        wanted.add((level, position))
        return _PLACEHOLDER

    compute(merkle.subtree_from_stored(record))
    known = fetch_nodes(session, sorted(wanted))
    return compute(merkle.subtree_from_stored(node_getter(known)))


def root_at(session: Session, size: int) -> bytes:
    return with_stored_nodes(session, lambda subtree: merkle.root_from(subtree, size))


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    """Audit path for entry `index` in the tree of `size` entries (size ≤ the head)."""
    return with_stored_nodes(session, lambda st: merkle.inclusion_proof_from(st, size, index))


def consistency_proof(session: Session, size1: int, size2: int) -> list[bytes]:
    """Proof that the tree of size1 entries is a prefix of the tree of size2 entries."""
    return with_stored_nodes(session, lambda st: merkle.consistency_proof_from(st, size1, size2))
