"""Row reading and per-entry checks for `ledger verify` (audit.py), shared with the forked
checkers (audit_parallel.py); the error type lives here so neither imports audit.py."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from coordination.ledger.canonical import canonical_json

BATCH = 8192
_DECODE = json.JSONDecoder().raw_decode
# canonical_json's settings on a C encoder built once (json.dumps builds one per call,
# which over a million entries costs more than the check itself).
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_C_ENCODE: Any = (
    _c_make_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", True, False, False)
    if _c_make_encoder is not None
    else None
)

# Rows are read on the driver's cursor: SQLAlchemy's result rows cost more per entry
# than the checks themselves, and a million entries should verify in seconds.
_ENTRIES = (
    "SELECT idx, kind, body, leaf_hash FROM ledger_entry WHERE idx >= ? AND idx < ? ORDER BY idx"
)
NODES = "SELECT level, position, hash FROM ledger_node WHERE level = ? AND position BETWEEN ? AND ?"
LEAVES = "SELECT position, hash FROM ledger_node WHERE level = 0 AND position BETWEEN ? AND ?"


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


def _encode(obj: object) -> str:
    if _C_ENCODE is None:
        return canonical_json(obj)
    chunks = _C_ENCODE(obj, 0)
    return str(chunks[0]) if len(chunks) == 1 else "".join(chunks)


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


def check_entries(
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


def leaf_list(cursor: Any, start: int) -> list[bytes]:
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
    if fields.get("kind") != kind or fields.get("v") not in (1, 2):
        raise LedgerInvalid(index, "the body's kind or version does not match the row")
    supersedes = fields.get("supersedes")
    if supersedes is not None and not (isinstance(supersedes, int) and 0 <= supersedes < index):
        raise LedgerInvalid(index, "the entry supersedes an entry that does not precede it")
