"""Online verification of the whole ledger as stored: `flask --app app ledger verify`.

One pass in index order, in batches: every body is canonical JSON whose kind matches its
row, every leaf hash is recomputed from the body, every stored subtree hash from its
children, every checkpoint's root from the entries and its signature with the instance
key, and every checkpoint is checked to be consistent with the next. The first failure
in index order stops the pass and names its index. Row reading and the per-entry checks
are in audit_rows.py; the forked checkers for large logs in audit_parallel.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.ledger import audit_parallel, merkle, note
from coordination.ledger.audit_rows import (
    BATCH,
    LEAVES,
    NODES,
    LedgerInvalid,
    check_entries,
    leaf_list,
)
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from coordination.ledger.proofs import fetch_nodes, head_size, node_getter
from coordination.ledger.store import driver_cursor

__all__ = ["BATCH", "LedgerInvalid", "Summary", "verify_ledger"]

_entry = LedgerEntry.__table__
_node = LedgerNode.__table__


@dataclass
class Summary:
    size: int
    nodes: int
    checkpoints: int
    root: bytes


def verify_ledger(session: Session, verifier: note.Verifier, workers: int | None = None) -> Summary:
    """Run in one snapshot (cli.read_snapshot) so counts and rows agree with each other.

    Proving each body canonical costs several µs, so large logs have it done by forked
    processes, one range of indices each, while this one checks the stored subtrees and
    checkpoints from the stored leaves; of all the failures found, the one the single pass
    would have met first is raised. Each checker reads in this transaction's snapshot
    (PostgreSQL exports it; on SQLite the rows below the head's size are append-only).
    """
    checkpoints = list(
        session.execute(
            select(LedgerCheckpoint.size, LedgerCheckpoint.root, LedgerCheckpoint.note).order_by(
                LedgerCheckpoint.size
            )
        )
    )
    size = head_size(session)
    if workers is None:
        workers = audit_parallel.WORKERS
    cursor, mark, dialect = driver_cursor(session)
    try:
        if audit_parallel.worth_forking(size, workers):
            root = audit_parallel.verify_parallel(
                session,
                cursor,
                dialect.name,
                size,
                workers,
                lambda: _walk(cursor, mark, size, checkpoints, verifier, with_entries=False),
            )
        else:
            root = _walk(cursor, mark, size, checkpoints, verifier, with_entries=True)
    finally:
        cursor.close()
    _check_counts(session, size)
    _check_consistency(session, checkpoints)
    return Summary(size, 2 * size - size.bit_count(), len(checkpoints), root)


def _walk(
    cursor: Any,
    mark: str,
    size: int,
    checkpoints: Sequence[tuple[int, bytes, str]],
    verifier: note.Verifier,
    *,
    with_entries: bool,
) -> bytes:
    """The pass in index order: stored subtrees from the stored leaves, and checkpoints;
    with_entries adds each entry's own checks, in their place in that order."""
    pending = iter(checkpoints)
    upcoming = next(pending, None)
    frontier: list[tuple[int, bytes]] = []  # (level, hash) of the perfect subtrees so far
    vouched = 0  # entries before this are covered by a checkpoint that verified
    while upcoming is not None and upcoming[0] == 0:
        _check_checkpoint(upcoming, merkle.EMPTY_ROOT, verifier, vouched, -1)
        upcoming = next(pending, None)
    for start in range(0, size, BATCH):
        end = min(start + BATCH, size)
        leaves, stored = _nodes_completed_in(cursor, mark, start, end)
        bad = check_entries(cursor, mark, start, end, leaves) if with_entries else None
        stop = end if bad is None or bad.index is None else bad.index
        for index in range(start, stop):
            if index - start >= len(leaves):
                node = f"stored subtree (level 0, position {index})"
                raise LedgerInvalid(index, f"{node} does not match the entries")
            _absorb(frontier, index, leaves[index - start], stored)
            while upcoming is not None and upcoming[0] == index + 1:
                _check_checkpoint(upcoming, _root(frontier), verifier, vouched, index)
                vouched = index + 1
                upcoming = next(pending, None)
        if bad is not None:
            raise bad
    if upcoming is not None:
        # A signed size the log no longer reaches: entries were cut off the end.
        raise LedgerInvalid(size, f"a checkpoint of size {upcoming[0]} is beyond the log")
    return _root(frontier)


def _nodes_completed_in(
    cursor: Any, mark: str, start: int, end: int
) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    """Stored nodes whose last leaf lies in [start, end): the ones appends there wrote.

    Level 0 comes back as a list by position (a row missing shifts it and fails there);
    the higher levels, about one node per entry, as a dict.
    """
    found: dict[tuple[int, int], bytes] = {}
    sql = NODES.replace("?", mark)
    cursor.execute(LEAVES.replace("?", mark) + " ORDER BY position", (start, end - 1))
    leaves = leaf_list(cursor, start)
    level = 1
    while (end >> level) > 0:
        low, high = ((start + (1 << level)) >> level) - 1, (end >> level) - 1
        if low <= high:
            cursor.execute(sql, (level, low, high))
            found.update(((level, int(p)), bytes(h)) for _lv, p, h in cursor.fetchall())
        level += 1
    return leaves, found


def _absorb(
    frontier: list[tuple[int, bytes]], index: int, leaf: bytes, stored: dict[tuple[int, int], bytes]
) -> None:
    """Push the (already checked) leaf; check every subtree it completes on the way up."""
    level, current = 0, leaf
    while frontier and frontier[-1][0] == level:
        current = merkle.node_hash(frontier.pop()[1], current)
        level += 1
        position = index >> level
        if stored.get((level, position)) != current:
            # Everything before `index` matched its stored nodes, so this entry is the suspect.
            node = f"stored subtree (level {level}, position {position})"
            raise LedgerInvalid(index, f"{node} does not match the entries", (index, 1))
    frontier.append((level, current))


def _root(frontier: list[tuple[int, bytes]]) -> bytes:
    if not frontier:
        return merkle.EMPTY_ROOT
    root = frontier[-1][1]
    for _level, digest in reversed(frontier[:-1]):
        root = merkle.node_hash(digest, root)
    return root


def _check_checkpoint(
    row: tuple[int, bytes, str], root: bytes, verifier: note.Verifier, vouched: int, at: int
) -> None:
    """A bad checkpoint is reported at the first entry that it alone vouches for: which of
    the entries since the previous good checkpoint was changed, a root cannot tell."""
    size, stored_root, text = row
    where, order = (vouched if size else None), (at, 2)
    try:
        signed = note.open_checkpoint(text, [verifier])
    except ValueError as exc:
        message = f"checkpoint at size {size} does not verify: {exc}"
        raise LedgerInvalid(where, message, order) from None
    if signed.origin != verifier.name or signed.size != size or signed.root != bytes(stored_root):
        raise LedgerInvalid(where, f"checkpoint at size {size} does not match its row", order)
    if signed.root != root:
        message = f"the first {size} entries do not hash to the signed root"
        raise LedgerInvalid(where, message, order)


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
