"""Migrations: from an empty database they build exactly the models' schema, and undo cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from coordination import create_app
from coordination.db import db
from tests.conftest import TEST_DATABASE_URL, base_config, create_database, drop_database


@pytest.fixture
def empty_db(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database nobody has touched: a new SQLite file, or a newly created PostgreSQL one."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL case: TEST_DATABASE_URL is not set (CI sets it)")
    name = f"aidtrail_migr_{uuid.uuid4().hex[:10]}"
    url = create_database(TEST_DATABASE_URL, name)
    yield url
    drop_database(TEST_DATABASE_URL, name)


@pytest.fixture
def fresh_app(empty_db: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(base_config(tmp_path, empty_db))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_diff() -> list[Any]:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": False}
        )
        return list(compare_metadata(ctx, db.metadata))


def tables() -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def leftovers_postgres() -> dict[str, list[str]]:
    """Objects a downgrade must also remove on PostgreSQL: functions, sequences, enum types."""
    queries = {
        "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public'",
        "sequences": "SELECT sequence_name FROM information_schema.sequences"
        " WHERE sequence_schema = 'public'",
        "types": "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE n.nspname = 'public' AND t.typtype = 'e'",
        "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    }
    with db.engine.connect() as conn:
        return {k: sorted(conn.execute(text(q)).scalars()) for k, q in queries.items()}


def test_upgrade_from_empty_matches_the_models(fresh_app: Flask) -> None:
    assert tables() == set()
    upgrade()
    model_tables = set(db.metadata.tables)
    assert model_tables <= tables()
    diff = schema_diff()
    assert diff == [], "models and migrations disagree; write a migration:\n" + "\n".join(
        map(repr, diff)
    )


def test_downgrade_to_base_removes_everything_and_upgrade_again_works(
    fresh_app: Flask, backend: str
) -> None:
    upgrade()
    downgrade(revision="base")
    assert tables() == {"alembic_version"}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
    if backend == "postgresql":
        assert all(not found for found in leftovers_postgres().values()), leftovers_postgres()
    upgrade()
    assert schema_diff() == []
    assert set(db.metadata.tables) <= tables()


def test_upgrade_leaves_the_ledger_ready(fresh_app: Flask) -> None:
    # The head row the ledger appends against exists from the start, with size 0.
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, size FROM ledger_head")).all() == [(1, 0)]


def test_comparison_notices_drift(fresh_app: Flask) -> None:
    # Guards the guard: a schema that differs from the models must show up in the diff.
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
    diff = schema_diff()
    assert any(d[0] == "remove_table" and d[1].name == "stray_table" for d in diff), diff
