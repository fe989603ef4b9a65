"""Per-table digests: SHA-256 over every row in primary-key order, as the database holds it.

Encrypted columns are hashed as stored (ciphertext), so digests need no keys and a round
trip must reproduce the very bytes. Values are compared within one backend only.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def _norm(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return "b:" + value.hex()
    if isinstance(value, datetime | date):
        return "t:" + value.isoformat()
    if isinstance(value, Decimal):
        return "d:" + str(value)
    return type(value).__name__ + ":" + str(value)


def table_digests(
    conn: Connection, only: dict[str, list[str]] | None = None
) -> dict[str, dict[str, Any]]:
    """`only` limits each named table to those columns (those a schema change kept)."""
    insp = inspect(conn)
    prep = conn.dialect.identifier_preparer
    out: dict[str, dict[str, Any]] = {}
    for table in sorted(insp.get_table_names()):
        columns = [c["name"] for c in insp.get_columns(table)]
        if only is not None and table in only:
            columns = [c for c in columns if c in only[table]]
        order = insp.get_pk_constraint(table).get("constrained_columns") or columns
        quoted = ", ".join(prep.quote(c) for c in columns)
        by = ", ".join(prep.quote(c) for c in order)
        # Identifiers come from the database's own catalog and are quoted by the dialect.
        sql = f"SELECT {quoted} FROM {prep.quote(table)} ORDER BY {by}"  # noqa: S608 # nosec B608
        digest, rows = hashlib.sha256(), 0
        for row in conn.execute(text(sql)):
            digest.update(("\x1f".join(_norm(v) for v in row) + "\x1e").encode())
            rows += 1
        out[table] = {"rows": rows, "sha256": digest.hexdigest(), "columns": columns}
    return out


def user_rows(digests: dict[str, dict[str, Any]]) -> int:
    """Rows beyond what migrations themselves insert (the schema version, the empty head)."""
    skip = {"alembic_version", "ledger_head"}
    return sum(d["rows"] for t, d in digests.items() if t not in skip)


def has_data(conn: Connection) -> bool:
    insp = inspect(conn)
    prep = conn.dialect.identifier_preparer
    for table in insp.get_table_names():
        if table in {"alembic_version", "ledger_head"}:
            continue
        sql = f"SELECT 1 FROM {prep.quote(table)} LIMIT 1"  # noqa: S608 # nosec B608 # catalog names
        if conn.execute(text(sql)).first():
            return True
    return False
