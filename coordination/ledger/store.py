"""The append's statements at the driver level, inside the session's own transaction.

An append is four small statements (advance the head, insert the entry, read the stored
left halves, insert the completed subtrees). Through SQLAlchemy Core each costs 25-50 µs
of Python around 3-5 µs of SQLite, which alone would cap one process near 1,300 appends/s;
on the driver's cursor the whole append costs well under 100 µs and the commit's fsync
dominates, as it should. The SQL is plain and portable (SQLite ≥ 3.35 and PostgreSQL both
take UPDATE ... RETURNING and row-value IN); only the parameter marker differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from coordination.ledger.models import LedgerEntry

KeyList = list[tuple[int, int]]


# Written with "?" markers; PostgreSQL's driver wants "%s" in their place.
_CLAIM = "UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size"
_ENTRY = "INSERT INTO ledger_entry (idx, kind, body, leaf_hash, created_at) VALUES (?, ?, ?, ?, ?)"
_NODE = "INSERT INTO ledger_node (level, position, hash) VALUES (?, ?, ?)"
# An OR of exact keys, not a row-value IN list: SQLite (3.40) scans the whole table for
# `(level, position) IN ((?, ?), ...)` with more than one pair, but searches the primary
# key once per term of an OR.
_FETCH = "SELECT level, position, hash FROM ledger_node WHERE KEYS"


@cache
def _sql(mark: str) -> dict[str, str]:
    return {"claim": _CLAIM, "entry": _ENTRY.replace("?", mark), "node": _NODE.replace("?", mark)}


@cache
def _fetch_sql(mark: str, count: int) -> str:
    keys = " OR ".join(["(level = ? AND position = ?)"] * count)
    return _FETCH.replace("KEYS", keys).replace("?", mark)


_processors: dict[type[Dialect], Callable[[datetime], Any]] = {}


def _when_processor(dialect: Dialect) -> Callable[[datetime], Any]:
    # The column type's own conversion, so rows written here read back exactly like ORM rows.
    processor = _processors.get(type(dialect))
    if processor is None:
        column = LedgerEntry.__table__.c.created_at
        processor = column.type.bind_processor(dialect) or (lambda value: value)
        _processors[type(dialect)] = processor
    return processor


def driver_cursor(session: Session) -> tuple[Any, str, Dialect]:
    """A DBAPI cursor in the session's transaction, its parameter marker and its dialect."""
    connection = session.connection()
    dialect = connection.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return connection.connection.cursor(), mark, dialect


class AppendCursor:
    """A DBAPI cursor on the session's connection, with the append's statements."""

    def __init__(self, session: Session) -> None:
        self.cursor, self.mark, dialect = driver_cursor(session)
        self.sql = _sql(self.mark)
        self.when = _when_processor(dialect)

    def close(self) -> None:
        self.cursor.close()

    def claim(self) -> int:
        """Advance the head by one and return the index claimed; locks the head row."""
        self.cursor.execute(self.sql["claim"])
        row = self.cursor.fetchone()
        if row is None:
            raise RuntimeError("the ledger head row is missing; run the migrations")
        return int(row[0]) - 1

    def insert_entry(self, index: int, kind: str, body: str, leaf: bytes, now: datetime) -> None:
        self.cursor.execute(self.sql["entry"], (index, kind, body, leaf, self.when(now)))

    def fetch_nodes(self, keys: KeyList) -> dict[tuple[int, int], bytes]:
        if not keys:
            return {}
        params = [value for key in keys for value in key]
        self.cursor.execute(_fetch_sql(self.mark, len(keys)), params)
        return {(int(lv), int(p)): bytes(h) for lv, p, h in self.cursor.fetchall()}

    def insert_nodes(self, rows: Iterable[tuple[int, int, bytes]]) -> None:
        self.cursor.executemany(self.sql["node"], list(rows))


def fetch_nodes(session: Session, keys: KeyList) -> dict[tuple[int, int], bytes]:
    """Stored subtree hashes by (level, position), in one query per 500 keys."""
    found: dict[tuple[int, int], bytes] = {}
    if keys:
        cursor = AppendCursor(session)
        try:
            for start in range(0, len(keys), 500):
                found.update(cursor.fetch_nodes(keys[start : start + 500]))
        finally:
            cursor.close()
    return found
