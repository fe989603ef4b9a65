"""Helpers for the operations tests: a second, fresh database beside the test's own."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from coordination.db import db
from coordination.demo import build_demo
from coordination.ops.backup import current_digests
from tests.conftest import create_database, drop_database, require_postgres


@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases (no tables) on the test's backend, dropped afterwards."""
    server = require_postgres() if backend == "postgresql" else ""
    made: list[str] = []

    def make() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"aidtrail_ops_{uuid.uuid4().hex[:10]}"
        made.append(name)
        return create_database(server, name)

    yield make
    for name in made:
        drop_database(server, name)


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo (its photos stored through the evidence service) with a ledger checkpoint."""
    build_demo(db.session)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["ledger", "checkpoint"]).exit_code == 0
    db.session.remove()
    return app


@pytest.fixture
def demo_backup(demo: Flask, tmp_path: Path) -> tuple[Path, dict[str, object]]:
    file = tmp_path / "aidtrail.backup"
    result = demo.test_cli_runner().invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert "data.keys" in result.output  # reminds the operator to keep the keys
    return file, current_digests(demo.config["SQLALCHEMY_DATABASE_URI"])


from tests.english import app_config  # noqa: E402,F401  (English pages: see tests/english.py)
