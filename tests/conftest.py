"""Shared fixtures. Every test that takes `app` runs once on SQLite and once on PostgreSQL.

PostgreSQL runs when TEST_DATABASE_URL names a server (CI sets it); otherwise those cases
are skipped with that reason. Each session gets its own PostgreSQL database, migrated once;
each test starts from empty tables. SQLite tests copy a migrated template file.
"""

from __future__ import annotations

import os
import random
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.routing import Rule

from coordination import create_app
from coordination.db import db
from coordination.extensions import limiter
from tests.isolation import IsolatedClient
from tests.sizes import FULL

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    mo = ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        raise pytest.UsageError("translations not compiled: run `make translations`")
    # One Hypothesis seed for the run, fresh each time unless given (see tests/sizes.py).
    # Set before Hypothesis's own pytest_configure reads it (tryfirst), and put in the
    # environment so that xdist workers, started later from this process, use the same one.
    if config.getoption("hypothesis_seed", None) is None:
        seed = os.environ.setdefault("HYPOTHESIS_SEED", str(random.randrange(2**32)))
        config.option.hypothesis_seed = seed


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.getoption("hypothesis_seed", None)
    size = "full (make fuzz)" if FULL else "quick (make fuzz runs the full sizes)"
    return f"hypothesis seed {seed}, rerun with HYPOTHESIS_SEED={seed}; test sizes {size}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    # Said again at the end of a failing run (the header is hidden under -q).
    if exitstatus != 0:
        seed = config.getoption("hypothesis_seed", None)
        terminalreporter.write_line(f"hypothesis seed {seed}: rerun with HYPOTHESIS_SEED={seed}")


class SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the whole worker, shared by every app it builds.

    Each test builds its own app, and each app's Jinja environment compiled all ~80
    templates again (about 0.6 s per test that renders pages). Jinja checks each entry
    against the template source's checksum, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedBytecode()


# Each test builds its own app, and building one spent ~90% of its time (72 ms of 80 on an
# idle machine, 1,100 times per backend) turning each of ~200 URL rules into two URL-builder
# functions, by generating and compiling Python code. That code is a pure function of the
# rule's text, its parsed parts and the names of its defaults (the rule object is passed in
# when it is called), so a worker compiles it once per rule and every app reuses it. A rule
# whose default fills one of its own path variables gets that value folded into the code:
# those are compiled as before.
_compile_builder = Rule._compile_builder
_BUILDERS: dict[tuple[Any, ...], Any] = {}


def _shared_builder(self: Rule, append_unknown: bool = True) -> Any:
    defaults = self.defaults or {}
    if any(dynamic and name in defaults for dynamic, name in self._trace):
        return _compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(map(str, defaults)), append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


Rule._compile_builder = _shared_builder  # type: ignore[method-assign]


def require_postgres() -> str:
    """The PostgreSQL server's URL, or skip this test saying why there is none."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL case: TEST_DATABASE_URL is not set (CI sets it)")
    return TEST_DATABASE_URL


def base_config(tmp: Path, url: str, **extra: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "DATABASE_URL": url,
        "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
        "AIDTRAIL_EVIDENCE_DIR": str(tmp / "evidence"),
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_FAST": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    cfg.update(extra)
    return cfg


def migrate(url: str, tmp: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(tmp, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("sqlite-template")
    path = tmp / "template.sqlite3"
    migrate(f"sqlite:///{path}", tmp)
    return path


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = require_postgres()
    name = f"aidtrail_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = create_database(server, name)
    migrate(url, tmp_path_factory.mktemp("pg-template"))
    yield url
    engine = _RESET_ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()
    drop_database(server, name)


def create_database(server_url: str, name: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_RESET_ENGINES: dict[str, Any] = {}


def reset_postgres(url: str) -> None:
    """Empty every table and restart every sequence, touching only what a test used.

    TRUNCATE of all ~50 tables took a quarter of a second per test (over four minutes of
    the suite); one query finds the tables holding rows and the sequences that were read,
    and only those are emptied and restarted, to the same end state.
    """
    engine = _RESET_ENGINES.get(url)
    if engine is None:
        engine = _RESET_ENGINES[url] = create_engine(url, pool_size=1)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        probe = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")"  # noqa: S608 - names from pg_tables
            for t in tables
        )
        used = conn.execute(text(probe)).scalars().all() if tables else []
        if used:
            # DELETE, not TRUNCATE: truncating a table that many others reference (region,
            # party) cascades through all of them and costs ~0.3 s. As the superuser the test
            # server grants, replica mode skips the foreign-key and append-only triggers for
            # this transaction, so the order of the deletes does not matter.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in used:
                conn.execute(text(f'DELETE FROM "{table}"'))  # noqa: S608 - from pg_tables
        sequences = (
            conn.execute(
                text(
                    "SELECT sequencename FROM pg_sequences"
                    " WHERE schemaname = 'public' AND last_value IS NOT NULL"
                )
            )
            .scalars()
            .all()
        )
        if sequences:
            restarts = ", ".join(f"setval('\"{q}\"', 1, false)" for q in sequences)
            conn.execute(text(f"SELECT {restarts}"))
        conn.execute(text("INSERT INTO ledger_head (id, size) VALUES (1, 0)"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "aidtrail.sqlite3"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Override in a test module (or parametrise) to change settings before the app is built."""
    return base_config(tmp_path, database_url)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(app_config)
    application.jinja_env.bytecode_cache = TEMPLATE_CACHE
    # Every test client request gets its own app context, `g` and DB session, as on a real
    # server (see tests/isolation.py); the test itself keeps one context for its setup.
    application.test_client_class = IsolatedClient
    limiter.reset()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Any:
    return db.session
