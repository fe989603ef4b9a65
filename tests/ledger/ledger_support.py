"""Helpers for the ledger tests: a forger's raw access, the CLI, and child processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import Result
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Connection

from coordination.db import db
from coordination.ledger.services import append

ROOT = Path(__file__).resolve().parents[2]
TRIGGERS = [
    f"{table}_no_{action}"
    for table in ("ledger_entry", "ledger_node", "ledger_checkpoint")
    for action in ("update", "delete")
]


def fill(session: Any, count: int, kind: str = "test.event", start: int = 0) -> None:
    for n in range(start, start + count):
        append(session, None, kind, {"n": n})
    session.commit()


@contextmanager
def forger(app: Flask) -> Iterator[Connection]:
    """A connection that bypasses the append-only triggers, as someone with DB access could.

    PostgreSQL: SET LOCAL session_replication_role (this transaction only, so the pooled
    connection comes back clean). SQLite: the triggers are dropped from this test's copy.
    """
    db.session.commit()  # SQLite: release this test's write lock before forging
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for name in TRIGGERS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        yield conn
        conn.commit()


def run_cli(app: Flask, *args: str) -> Result:
    db.session.remove()  # the CLI runs in its own app context and session
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def child_env(app: Flask) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        AIDTRAIL_KEYS_DIR=app.config["AIDTRAIL_KEYS_DIR"],
        SECRET_KEY=app.config["SECRET_KEY"],
        PYTHONPATH=str(ROOT),
    )
    return env


def worker(app: Flask, *args: str, **kw: Any) -> subprocess.Popen[str]:
    """Start tests/ledger/ledger_worker.py: another app process appending to the same DB."""
    cmd = [sys.executable, str(ROOT / "tests" / "ledger" / "ledger_worker.py"), *args]
    return subprocess.Popen(cmd, env=child_env(app), cwd=ROOT, text=True, **kw)


def head(app: Flask) -> int:
    return int(db.session.execute(text("SELECT size FROM ledger_head WHERE id = 1")).scalar_one())
