"""Ledger appends per second on SQLite and proof latency on a 1,000,000-entry database.

Ceilings measured in the same run, on the same bodies:
- raw hashlib: SHA-256 of every leaf and of every tree node an append stores (what the
  Merkle tree costs with nothing else);
- raw sqlite3: the same four statements per append and one commit each, on the driver
  with no Python app around it, with the app's settings (WAL, synchronous=FULL). This is
  the disk's fsync rate, which no append can beat while each commit is durable.

The 1M-entry log is not built through append() (a quarter of an hour of fsyncs): entries
and stored subtrees are bulk-inserted with merkle.node_hash, level by level. `ledger
verify` then recomputes every leaf, every stored node by the append rule and the signed
root, so it both times the online verification and proves the bulk-built tables are what
append() would have written. BENCH_LEDGER_ENTRIES overrides the size (default 1,000,000).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402

from bench.protocol import emit, figure  # noqa: E402
from coordination import create_app  # noqa: E402
from coordination.db import db  # noqa: E402
from coordination.ledger import merkle, proofs  # noqa: E402
from coordination.ledger.canonical import canonical_json  # noqa: E402

APPENDS = 3000
ROUNDS = 3
BIG = int(os.environ.get("BENCH_LEDGER_ENTRIES", "1000000"))
PROOFS = 1000
TARGET_APPENDS, TARGET_PROOF_MS, TARGET_VERIFY_S = 2000, 5.0, 5.0
INSERT_ENTRY = (
    "INSERT INTO ledger_entry (idx, kind, body, leaf_hash, created_at) VALUES (?, ?, ?, ?, ?)"
)


def data(i: int) -> dict[str, Any]:
    """A realistic entry: pseudonymous ids, an item code, a quantity, a public name."""
    return {
        "party": f"{(i * 2654435761) % (1 << 64):016x}",
        "location": f"{(i * 40503) % (1 << 64):016x}",
        "item": "SOCKS-WOOL",
        "size": "43",
        "quantity": i % 150 + 1,
        "source": "Вязальный кружок «Тёплые руки»",
    }


def make_app(tmp: Path, name: str) -> Flask:
    from flask_migrate import upgrade

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / name}",
            "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        upgrade()
    return app


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<58} {value:>16}  {note}")


def verdict(ok: bool) -> str:
    return "meets target" if ok else "BELOW TARGET"


# --- appends ------------------------------------------------------------------------------


def append_rate(app: Flask, count: int, per_txn: int, sign: bool = False) -> float:
    from coordination.ledger.checkpoints import sign_checkpoint
    from coordination.ledger.keys import ledger_signer
    from coordination.ledger.services import append

    with app.app_context():
        signer = ledger_signer()
        session = db.session
        start = time.perf_counter()
        for i in range(0, count, per_txn):
            for j in range(i, min(i + per_txn, count)):
                append(session, None, "bench.produced", data(j))
            if sign:
                sign_checkpoint(session, signer)
            session.commit()
        return count / (time.perf_counter() - start)


def bodies_of(app: Flask) -> list[str]:
    with app.app_context():
        rows = db.session.execute(db.text("SELECT body FROM ledger_entry ORDER BY idx"))
        return [r[0] for r in rows]


def hashlib_rate(bodies: list[str]) -> float:
    """Leaf hashes plus the n - 1 node hashes the stored subtrees need, nothing else."""
    sha256 = hashlib.sha256
    start = time.perf_counter()
    level = [sha256(b"\x00" + b.encode("utf-8")).digest() for b in bodies]
    while len(level) > 1:
        level = [
            sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
    return len(bodies) / (time.perf_counter() - start)


def raw_sqlite_rate(template: Path, bodies: list[str]) -> float:
    """The append's statements on bare sqlite3, one commit each, the app's PRAGMAs."""
    conn = sqlite3.connect(template, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    sha256, stored = hashlib.sha256, {}
    start = time.perf_counter()
    for body in bodies:
        conn.execute("BEGIN IMMEDIATE")
        index = (
            conn.execute(
                "UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size"
            ).fetchone()[0]
            - 1
        )
        leaf = sha256(b"\x00" + body.encode("utf-8")).digest()
        conn.execute(
            INSERT_ENTRY,
            (index, "bench.produced", body, leaf, "2026-01-01 00:00:00.000000"),
        )
        rows, current = [(0, index, leaf)], leaf
        for level, position in merkle.complete_subtrees_ending_at(index)[1:]:
            left = conn.execute(
                "SELECT hash FROM ledger_node WHERE level = ? AND position = ?",
                (level - 1, 2 * position),
            ).fetchone()[0]
            current = sha256(b"\x01" + left + current).digest()
            rows.append((level, position, current))
        conn.executemany("INSERT INTO ledger_node (level, position, hash) VALUES (?, ?, ?)", rows)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    del stored
    return len(bodies) / elapsed


def bench_appends(tmp: Path) -> None:
    print(f"ledger appends, SQLite, one process, WAL + synchronous=FULL ({APPENDS} per round)")
    rates = []
    for r in range(ROUNDS):
        app = make_app(tmp, f"append-{r}.sqlite3")
        rates.append(append_rate(app, APPENDS, 1))
    median = statistics.median(rates)
    bodies = bodies_of(app)
    raw_db = tmp / "raw.sqlite3"
    shutil.copy(tmp / "template.sqlite3", raw_db)
    raw = raw_sqlite_rate(raw_db, bodies)
    rounds = ", ".join(f"{x:,.0f}" for x in rates)
    line(
        "append(), one entry per transaction (commit each)",
        f"{median:,.0f} /s",
        f"median of {ROUNDS} rounds: {rounds}; "
        f"{verdict(median >= TARGET_APPENDS)} (>= {TARGET_APPENDS:,})",
    )
    batched = append_rate(make_app(tmp, "append-batched.sqlite3"), APPENDS, 10)
    line("append(), ten entries per transaction", f"{batched:,.0f} /s")
    signed = append_rate(make_app(tmp, "append-signed.sqlite3"), APPENDS // 3, 1, sign=True)
    line(
        "append() + sign a checkpoint in every transaction",
        f"{signed:,.0f} /s",
        "why checkpoints are signed on demand",
    )
    line(
        "ceiling: bare sqlite3, same statements, commit each",
        f"{raw:,.0f} /s",
        "the disk's fsync rate",
    )
    hashed = hashlib_rate(bodies)
    line(
        "ceiling: raw hashlib, leaves + stored nodes, same bodies",
        f"{hashed:,.0f} /s",
    )
    raw_name = "bare sqlite3, same statements, commit each"
    figure(
        "ledger append, 1 per txn (SQLite)",
        median,
        "/s",
        better="higher",
        target=TARGET_APPENDS,
        ceiling=raw,
        ceiling_name=raw_name,
    )
    figure(
        "ledger append, 10 per txn (SQLite)",
        batched,
        "/s",
        better="higher",
        ceiling=raw,
        ceiling_name=raw_name,
    )
    figure(
        "ledger append + checkpoint per txn",
        signed,
        "/s",
        better="higher",
        ceiling=raw,
        ceiling_name=raw_name,
    )
    figure("ledger leaf+node hashing", hashed, "/s", better="higher")


# --- a 1,000,000-entry log ---------------------------------------------------------------


def build_big(path: Path, n: int) -> None:
    """Bulk insert n entries and all their stored subtrees (see the module docstring)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a build, not an append: durability is moot
    conn.execute("BEGIN")
    sha256, chunk = hashlib.sha256, 50_000
    level: list[bytes] = []
    for start in range(0, n, chunk):
        rows = []
        for i in range(start, min(start + chunk, n)):
            body = canonical_json(
                {
                    "v": 1,
                    "kind": "bench.produced",
                    "at": "2026-01-01T00:00:00Z",
                    "actor": "system",
                    "data": data(i),
                }
            )
            leaf = sha256(b"\x00" + body.encode("utf-8")).digest()
            level.append(leaf)
            rows.append((i, "bench.produced", body, leaf, "2026-01-01 00:00:00.000000"))
        conn.executemany(
            INSERT_ENTRY,
            rows,
        )
    depth = 0
    while level:
        conn.executemany(
            "INSERT INTO ledger_node (level, position, hash) VALUES (?, ?, ?)",
            ((depth, p, h) for p, h in enumerate(level)),
        )
        level = [merkle.node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        depth += 1
    conn.execute("UPDATE ledger_head SET size = ? WHERE id = 1", (n,))
    conn.execute("COMMIT")
    # Move the build out of the WAL into the database file, as a long-running instance's
    # automatic checkpoints would have; otherwise the first append pays for the whole build.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1e3)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"median {statistics.median(ms):.2f} ms, p99 {ms[int(len(ms) * 0.99) - 1]:.2f} ms"


def bench_big(tmp: Path) -> None:
    from coordination.ledger.checkpoints import sign_checkpoint
    from coordination.ledger.keys import ledger_signer

    print(f"\nledger at {BIG:,} entries, SQLite")
    path = tmp / "big.sqlite3"
    shutil.copy(tmp / "template.sqlite3", path)
    start = time.perf_counter()
    build_big(path, BIG)
    line(
        "bulk build (entries + stored subtrees, not through append)",
        f"{time.perf_counter() - start:,.1f} s",
    )
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{path}",
            "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
            "SECRET_KEY": "b",
        }
    )
    with app.app_context():
        start = time.perf_counter()
        sign_checkpoint(db.session, ledger_signer())
        db.session.commit()
        line(
            "sign a checkpoint (root from stored nodes)",
            f"{(time.perf_counter() - start) * 1e3:.2f} ms",
        )
    runner = app.test_cli_runner()
    start = time.perf_counter()
    result = runner.invoke(args=["ledger", "verify"])
    took = time.perf_counter() - start
    assert result.exit_code == 0, result.output
    line(
        "flask ledger verify (every leaf, node, checkpoint)",
        f"{took:,.2f} s",
        f"{verdict(took < TARGET_VERIFY_S)} (< {TARGET_VERIFY_S:.0f} s)",
    )
    figure(f"flask ledger verify @{BIG:,}", took, "s", better="lower", target=TARGET_VERIFY_S)

    rng = random.Random(7)
    with app.app_context():
        session = db.session
        inc = timed(lambda: proofs.inclusion_proof(session, rng.randrange(BIG), BIG), PROOFS)

        def consistency() -> None:
            a = rng.randrange(1, BIG)
            proofs.consistency_proof(session, a, rng.randrange(a, BIG + 1))

        con = timed(consistency, PROOFS)
    worst = max(statistics.median(inc), statistics.median(con))
    line(
        "inclusion proof from stored nodes (one query)",
        summary(inc),
        f"{verdict(worst < TARGET_PROOF_MS)} (< {TARGET_PROOF_MS:.0f} ms)",
    )
    line("consistency proof from stored nodes (one query)", summary(con))
    figure(
        "inclusion proof from DB (median)",
        statistics.median(inc),
        "ms",
        better="lower",
        target=TARGET_PROOF_MS,
    )
    figure(
        "consistency proof from DB (median)",
        statistics.median(con),
        "ms",
        better="lower",
        target=TARGET_PROOF_MS,
    )
    client = app.test_client()
    http = timed(
        lambda: client.get(f"/ledger/proof/inclusion?index={rng.randrange(BIG)}&size={BIG}"), 300
    )
    line("GET /ledger/proof/inclusion (whole request)", summary(http))
    more = append_rate(app, 1000, 1)
    line(
        "append() on top of the 1M log, one per transaction",
        f"{more:,.0f} /s",
        "deeper B-trees: more pages written per commit",
    )

    out = tmp / "export"
    start = time.perf_counter()
    result = runner.invoke(args=["ledger", "export", str(out)])
    assert result.exit_code == 0, result.output
    line("flask ledger export", f"{time.perf_counter() - start:,.1f} s")
    start = time.perf_counter()
    offline = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr
    line(
        "python -m coordination.ledger.verify on that export",
        f"{time.perf_counter() - start:,.1f} s",
    )


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    try:
        app = make_app(tmp, "template.sqlite3")
        with app.app_context():
            db.engine.dispose()
        bench_appends(tmp)
        bench_big(tmp)
        emit()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
