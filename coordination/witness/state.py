"""The witness's memory: the latest cosigned checkpoint per log origin, in SQLite.

Every add-checkpoint runs check-and-update in one BEGIN IMMEDIATE transaction, so two
concurrent requests for one log are serialised (the race tlog-witness warns about, where
a slower, smaller request rolls the stored size back, cannot happen). Refused checkpoints
that carry a valid log signature are kept too: they may be evidence of a split view.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkpoint (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    id INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    old_size INTEGER NOT NULL,
    note TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Stored:
    origin: str
    size: int
    root: bytes
    note: str


class WitnessState:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are begun explicitly below, IMMEDIATE.
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def get(self, origin: str) -> Stored | None:
        conn = self._connect()
        try:
            return Transaction(conn).get(origin)
        finally:
            conn.close()

    def all(self) -> list[Stored]:
        conn = self._connect()
        try:
            rows = conn.execute("SELECT origin, size, root, note FROM checkpoint ORDER BY origin")
            return [Stored(o, int(s), bytes(r), n) for o, s, r, n in rows]
        finally:
            conn.close()

    def refusals(self) -> list[tuple[str, int, str, str]]:
        conn = self._connect()
        try:
            rows = conn.execute("SELECT origin, old_size, note, reason FROM refused ORDER BY id")
            return [(o, int(s), n, r) for o, s, n, r in rows]
        finally:
            conn.close()


class Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def get(self, origin: str) -> Stored | None:
        row = self.conn.execute(
            "SELECT size, root, note FROM checkpoint WHERE origin = ?", (origin,)
        ).fetchone()
        return None if row is None else Stored(origin, int(row[0]), bytes(row[1]), row[2])

    def put(self, stored: Stored, now: int) -> None:
        self.conn.execute(
            "INSERT INTO checkpoint (origin, size, root, note, updated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,"
            " note = excluded.note, updated_at = excluded.updated_at",
            (stored.origin, stored.size, stored.root, stored.note, now),
        )

    def refuse(self, origin: str, old_size: int, note: str, reason: str, now: int) -> None:
        self.conn.execute(
            "INSERT INTO refused (origin, old_size, note, reason, at) VALUES (?, ?, ?, ?, ?)",
            (origin, old_size, note, reason, now),
        )
