"""Online verification of the whole ledger as stored: `flask --app app ledger verify`.

One pass in index order, in batches: every body is canonical JSON whose kind matches its
row, every leaf hash is recomputed from the body, every stored subtree hash from its
children, every checkpoint's root from the entries and its signature with the instance
key, and every checkpoint is checked to be consistent with the next. The first failure
in index order stops the pass and names its index.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from coordination.ledger import merkle, note
from coordination.ledger.canonical import is_canonical
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from coordination.ledger.proofs import fetch_nodes, head_size, node_getter

BATCH = 8192
_entry = LedgerEntry.__table__
_node = LedgerNode.__table__


class LedgerInvalid(Exception):
    def __init__(self, index: int | None, message: str) -> None:
        where = f"at index {index}: " if index is not None else ""
        super().__init__(where + message)
        self.index = index


@dataclass
class Summary:
    size: int
    nodes: int
    checkpoints: int
    root: bytes


def verify_ledger(session: Session, verifier: note.Verifier) -> Summary:
    """Run in one snapshot (cli.read_snapshot) so counts and rows agree with each other."""
    checkpoints = list(
        session.execute(
            select(LedgerCheckpoint.size, LedgerCheckpoint.root, LedgerCheckpoint.note)
            .order_by(LedgerCheckpoint.size)
        )
    )
    size = head_size(session)
    pending = iter(checkpoints)
    upcoming = next(pending, None)
    frontier: list[tuple[int, bytes]] = []  # (level, hash) of the perfect subtrees so far
    vouched = 0  # entries before this are covered by a checkpoint that verified
    while upcoming is not None and upcoming[0] == 0:
        _check_checkpoint(upcoming, merkle.EMPTY_ROOT, verifier, vouched)
        upcoming = next(pending, None)
    for start in range(0, size, BATCH):
        end = min(start + BATCH, size)
        stored = _nodes_completed_in(session, start, end)
        for index, kind, body, leaf in _entries(session, start, end):
            _check_body(index, kind, body, leaf)
            _absorb(frontier, index, bytes(leaf), stored)
            while upcoming is not None and upcoming[0] == index + 1:
                _check_checkpoint(upcoming, _root(frontier), verifier, vouched)
                vouched = index + 1
                upcoming = next(pending, None)
    if upcoming is not None:
        # A signed size the log no longer reaches: entries were cut off the end.
        raise LedgerInvalid(size, f"a checkpoint of size {upcoming[0]} is beyond the log")
    _check_counts(session, size)
    _check_consistency(session, checkpoints)
    return Summary(size, 2 * size - size.bit_count(), len(checkpoints), _root(frontier))


def _entries(session: Session, start: int, end: int) -> Iterator[tuple[int, str, str, bytes]]:
    expected = start
    rows = session.execute(
        select(_entry.c.idx, _entry.c.kind, _entry.c.body, _entry.c.leaf_hash)
        .where(_entry.c.idx >= start, _entry.c.idx < end)
        .order_by(_entry.c.idx)
    )
    for index, kind, body, leaf in rows:
        if index != expected:
            raise LedgerInvalid(expected, "the entry is missing")
        yield index, kind, body, leaf
        expected += 1
    if expected != end:
        raise LedgerInvalid(expected, "the entry is missing")


def _check_body(index: int, kind: str, body: str, leaf: bytes) -> None:
    if hashlib.sha256(b"\x00" + body.encode("utf-8")).digest() != bytes(leaf):
        raise LedgerInvalid(index, "the body does not match its stored leaf hash")
    if not is_canonical(body):
        raise LedgerInvalid(index, "the body is not canonical JSON")
    fields = json.loads(body)
    if not isinstance(fields, dict) or fields.get("kind") != kind or fields.get("v") != 1:
        raise LedgerInvalid(index, "the body's kind or version does not match the row")
    supersedes = fields.get("supersedes")
    if supersedes is not None and not (isinstance(supersedes, int) and 0 <= supersedes < index):
        raise LedgerInvalid(index, "the entry supersedes an entry that does not precede it")


def _nodes_completed_in(session: Session, start: int, end: int) -> dict[tuple[int, int], bytes]:
    """Stored nodes whose last leaf lies in [start, end): the ones appends there wrote."""
    ranges = []
    level = 0
    while (end >> level) > 0:
        low, high = ((start + (1 << level)) >> level) - 1, (end >> level) - 1
        if low <= high:
            ranges.append(and_(_node.c.level == level, _node.c.position.between(low, high)))
        level += 1
    stmt = select(_node.c.level, _node.c.position, _node.c.hash).where(or_(*ranges))
    rows = session.execute(stmt)
    return {(int(lv), int(p)): bytes(h) for lv, p, h in rows}


def _absorb(
    frontier: list[tuple[int, bytes]], index: int, leaf: bytes, stored: dict[tuple[int, int], bytes]
) -> None:
    level, current = 0, leaf
    while True:
        position = index >> level
        if stored.get((level, position)) != current:
            # Everything before `index` matched its stored nodes, so this entry is the suspect.
            node = f"stored subtree (level {level}, position {position})"
            raise LedgerInvalid(index, f"{node} does not match the entries")
        if not frontier or frontier[-1][0] != level:
            frontier.append((level, current))
            return
        current = merkle.node_hash(frontier.pop()[1], current)
        level += 1


def _root(frontier: list[tuple[int, bytes]]) -> bytes:
    if not frontier:
        return merkle.EMPTY_ROOT
    root = frontier[-1][1]
    for _level, digest in reversed(frontier[:-1]):
        root = merkle.node_hash(digest, root)
    return root


def _check_checkpoint(
    row: tuple[int, bytes, str], root: bytes, verifier: note.Verifier, vouched: int
) -> None:
    """A bad checkpoint is reported at the first entry that it alone vouches for: which of
    the entries since the previous good checkpoint was changed, a root cannot tell."""
    size, stored_root, text = row
    where = vouched if size else None
    try:
        signed = note.open_checkpoint(text, [verifier])
    except ValueError as exc:
        raise LedgerInvalid(where, f"checkpoint at size {size} does not verify: {exc}") from None
    if signed.origin != verifier.name or signed.size != size or signed.root != bytes(stored_root):
        raise LedgerInvalid(where, f"checkpoint at size {size} does not match its row")
    if signed.root != root:
        raise LedgerInvalid(where, f"the first {size} entries do not hash to the signed root")


def _check_counts(session: Session, size: int) -> None:
    entries = session.execute(select(func.count()).select_from(_entry)).scalar_one()
    if entries != size:
        raise LedgerInvalid(size, f"{entries} entries are stored but the head says {size}")
    nodes = session.execute(select(func.count()).select_from(_node)).scalar_one()
    expected = 2 * size - size.bit_count()
    if nodes != expected:
        raise LedgerInvalid(None, f"{nodes} subtree rows stored; {size} entries need {expected}")


def _check_consistency(session: Session, checkpoints: Sequence[tuple[int, bytes, str]]) -> None:
    """Each checkpoint's tree is a prefix of the next one's, by RFC 9162 consistency proof."""
    pairs = [(a, b) for a, b in itertools.pairwise(checkpoints) if a[0] > 0]
    wanted: set[tuple[int, int]] = set()

    def record(level: int, position: int) -> bytes:
        wanted.add((level, position))
        return bytes(merkle.HASH_SIZE)

    for a, b in pairs:
        merkle.consistency_proof_from(merkle.subtree_from_stored(record), a[0], b[0])
    known = fetch_nodes(session, sorted(wanted))
    subtree = merkle.subtree_from_stored(node_getter(known))
    for a, b in pairs:
        proof = merkle.consistency_proof_from(subtree, a[0], b[0])
        try:
            merkle.verify_consistency(a[0], b[0], proof, bytes(a[1]), bytes(b[1]))
        except ValueError as exc:
            message = f"checkpoint {a[0]} is not consistent with checkpoint {b[0]}: {exc}"
            raise LedgerInvalid(a[0], message) from None
