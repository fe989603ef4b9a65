"""The large-log path of `ledger verify` (audit.py): forked checkers prove bodies
canonical by index range, each on a connection of its own in the parent's snapshot,
while the parent walks the tree; the failure the single pass would meet first wins."""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from coordination.ledger import merkle
from coordination.ledger.audit_rows import BATCH, LEAVES, LedgerInvalid, check_entries, leaf_list

# Below this many entries, forking checkers costs more than it saves.
PARALLEL_MIN_ENTRIES = 100_000
WORKERS = min(os.cpu_count() or 1, 8)
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")


def worth_forking(size: int, workers: int) -> bool:
    return (
        workers > 1
        and size >= PARALLEL_MIN_ENTRIES
        and "fork" in multiprocessing.get_all_start_methods()
    )


def verify_parallel(
    session: Session,
    cursor: Any,
    dialect: str,
    size: int,
    workers: int,
    walk: Callable[[], bytes],
) -> bytes:
    """`walk` is the parent's tree pass without the entry checks; it runs while the
    checkers do, and its root is returned when nobody found a failure."""
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
                root = walk()
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
            cursor.execute(LEAVES.replace("?", mark), (low, high - 1))
            bad = check_entries(cursor, mark, low, high, leaf_list(cursor, low))
            if bad is not None:
                return bad.index, bad.message
        return None
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()
