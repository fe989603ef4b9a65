"""Online verification of the whole ledger as stored: `flask --app app ledger verify`.

One pass in index order, in batches: every body is canonical JSON whose kind matches its
row, every leaf hash is recomputed from the body, every stored subtree hash from its
children, every checkpoint's root from the entries and its signature with the instance
key, and every checkpoint is checked to be consistent with the next. The first failure
in index order stops the pass and names its index.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from coordination.ledger import merkle, note
from coordination.ledger.canonical import canonical_json
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerNode
from coordination.ledger.proofs import fetch_nodes, head_size, node_getter
from coordination.ledger.store import driver_cursor

BATCH = 8192
# Below this many entries, forking checkers costs more than it saves.
PARALLEL_MIN_ENTRIES = 100_000
WORKERS = min(os.cpu_count() or 1, 8)
_entry = LedgerEntry.__table__
_node = LedgerNode.__table__
_DECODE = json.JSONDecoder().raw_decode
# canonical_json's settings on a C encoder built once (json.dumps builds one per call,
# which over a million entries costs more than the check itself).
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE: Any = (
    _c_make_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", True, False, False)
    if _c_make_encoder is not None
    else None
)


def _encode(obj: object) -> str:
    if _C_ENCODE is None:
        return canonical_json(obj)
    chunks = _C_ENCODE(obj, 0)
    return str(chunks[0]) if len(chunks) == 1 else "".join(chunks)


class LedgerInvalid(Exception):
    """`order` places the failure in the single pass's order: (index being checked, step),
    step 0 for the entry's own checks, 1 for the subtrees it completes, 2 for checkpoints."""

    def __init__(
        self, index: int | None, message: str, order: tuple[int, int] | None = None
    ) -> None:
        where = f"at index {index}: " if index is not None else ""
        super().__init__(where + message)
        self.index = index
        self.message = message
        self.order = order if order is not None else (-1 if index is None else index, 0)


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
        workers = WORKERS
    cursor, mark, dialect = driver_cursor(session)
    try:
        if (
            workers > 1
            and size >= PARALLEL_MIN_ENTRIES
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            root = _verify_parallel(
                session, cursor, mark, dialect.name, size, checkpoints, verifier, workers
            )
        else:
            root = _walk(cursor, mark, size, checkpoints, verifier, with_entries=True)
    finally:
        cursor.close()
    _check_counts(session, size)
    _check_consistency(session, checkpoints)
    return Summary(size, 2 * size - size.bit_count(), len(checkpoints), root)


def _verify_parallel(
    session: Session,
    cursor: Any,
    mark: str,
    dialect: str,
    size: int,
    checkpoints: Sequence[tuple[int, bytes, str]],
    verifier: note.Verifier,
    workers: int,
) -> bytes:
    snapshot = None
    if dialect == "postgresql":
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
    url = session.connection().engine.url.render_as_string(hide_password=False)
    bounds = [size * i // workers for i in range(workers + 1)]
    # Forked children share the parent's pages; a collection in a child would touch every
    # inherited object and copy those pages. Freezing exempts them.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [
                pool.submit(_check_entry_range, url, snapshot, bounds[i], bounds[i + 1])
                for i in range(workers)
            ]
            failures: list[tuple[tuple[int, int, int], LedgerInvalid]] = []
            root = merkle.EMPTY_ROOT
            try:
                root = _walk(cursor, mark, size, checkpoints, verifier, with_entries=False)
            except LedgerInvalid as exc:
                failures.append(((*exc.order, 1), exc))
            for future in futures:
                found = future.result()
                if found is not None:
                    bad = LedgerInvalid(found[0], found[1])
                    failures.append(((*bad.order, 0), bad))
    finally:
        gc.unfreeze()
    if failures:
        raise min(failures, key=lambda failure: failure[0])[1]
    return root


_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")


def _check_entry_range(
    url: str, snapshot: str | None, start: int, end: int
) -> tuple[int | None, str] | None:
    """In a forked child: the entry checks of [start, end) on a connection of its own."""
    engine = create_engine(url, poolclass=NullPool)
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if snapshot is not None and _SNAPSHOT_ID.fullmatch(snapshot):
            mark = "%s"
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        else:
            mark = "?"
            cursor.execute("BEGIN")  # one snapshot for all the batches
        for low in range(start, end, BATCH):
            high = min(low + BATCH, end)
            cursor.execute(_LEAVES.replace("?", mark), (low, high - 1))
            bad = _check_entries(cursor, mark, low, high, _leaf_list(cursor, low))
            if bad is not None:
                return bad.index, bad.message
        return None
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()


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
        bad = _check_entries(cursor, mark, start, end, leaves) if with_entries else None
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


# Rows are read on the driver's cursor: SQLAlchemy's result rows cost more per entry
# than the checks themselves, and a million entries should verify in seconds.
_ENTRIES = (
    "SELECT idx, kind, body, leaf_hash FROM ledger_entry WHERE idx >= ? AND idx < ? ORDER BY idx"
)
_NODES = (
    "SELECT level, position, hash FROM ledger_node WHERE level = ? AND position BETWEEN ? AND ?"
)
_LEAVES = "SELECT position, hash FROM ledger_node WHERE level = 0 AND position BETWEEN ? AND ?"


def _entries(cursor: Any, mark: str, start: int, end: int) -> Iterator[tuple[int, str, str, bytes]]:
    cursor.execute(_ENTRIES.replace("?", mark), (start, end))
    expected = start
    for index, kind, body, leaf in cursor.fetchall():
        if index != expected:
            raise LedgerInvalid(expected, "the entry is missing")
        yield index, kind, body, bytes(leaf)
        expected += 1
    if expected != end:
        raise LedgerInvalid(expected, "the entry is missing")


def _check_entries(
    cursor: Any, mark: str, start: int, end: int, leaves: list[bytes]
) -> LedgerInvalid | None:
    """The first entry in [start, end) whose body, leaf hash or stored leaf is wrong."""
    try:
        for index, kind, body, leaf in _entries(cursor, mark, start, end):
            _check_body(index, kind, body, leaf)
            if index - start >= len(leaves) or leaves[index - start] != leaf:
                node = f"stored subtree (level 0, position {index})"
                raise LedgerInvalid(index, f"{node} does not match the entries")
    except LedgerInvalid as exc:
        return exc
    return None


def _leaf_list(cursor: Any, start: int) -> list[bytes]:
    """Stored level-0 hashes from `start` on, up to the first position missing."""
    leaves: list[bytes] = []
    for position, digest in cursor.fetchall():
        if position != start + len(leaves):
            break
        leaves.append(bytes(digest))
    return leaves


def _check_body(index: int, kind: str, body: str, leaf: bytes) -> None:
    if hashlib.sha256(b"\x00" + body.encode("utf-8")).digest() != leaf:
        raise LedgerInvalid(index, "the body does not match its stored leaf hash")
    try:  # parsed once, then re-encoded: canonical means the text comes back byte for byte
        fields, end = _DECODE(body)
    except ValueError:
        raise LedgerInvalid(index, "the body is not JSON") from None
    if end != len(body) or not isinstance(fields, dict) or _encode(fields) != body:
        raise LedgerInvalid(index, "the body is not canonical JSON")
    if fields.get("kind") != kind or fields.get("v") != 1:
        raise LedgerInvalid(index, "the body's kind or version does not match the row")
    supersedes = fields.get("supersedes")
    if supersedes is not None and not (isinstance(supersedes, int) and 0 <= supersedes < index):
        raise LedgerInvalid(index, "the entry supersedes an entry that does not precede it")


def _nodes_completed_in(
    cursor: Any, mark: str, start: int, end: int
) -> tuple[list[bytes], dict[tuple[int, int], bytes]]:
    """Stored nodes whose last leaf lies in [start, end): the ones appends there wrote.

    Level 0 comes back as a list by position (a row missing shifts it and fails there);
    the higher levels, about one node per entry, as a dict.
    """
    found: dict[tuple[int, int], bytes] = {}
    sql = _NODES.replace("?", mark)
    cursor.execute(_LEAVES.replace("?", mark) + " ORDER BY position", (start, end - 1))
    leaves = _leaf_list(cursor, start)
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
