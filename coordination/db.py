"""Database wiring: the declarative base, column types, and per-backend connection setup."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SQLAlchemy(SQLAlchemy):
    if TYPE_CHECKING:
        # scoped_session proxies every Session method; declaring it as a Session lets views
        # hand `db.session` to services typed with a plain SQLAlchemy Session.
        session: Session  # type: ignore[assignment]


db = _SQLAlchemy(model_class=Base)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend.

    SQLite has no time zone type, so values come back naive; this restores UTC on the way
    out and refuses naive values on the way in, where a local time would silently shift.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use coordination.db.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def configure_engine(app: Flask) -> None:
    """Attach backend-specific connection settings once the engine exists."""
    with app.app_context():
        engine = db.engine
    if is_sqlite(engine):
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling begins late and never IMMEDIATE; take it over.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        # FULL: an acknowledged ledger append must survive power loss, not only a crash.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A request that may write takes SQLite's write lock at its first statement, so a
        # service's read-check-write (stock levels, the ledger head) cannot be invalidated
        # by another process between the read and the write. Safe-method requests stay
        # deferred so readers never queue behind writers (WAL lets them read concurrently).
        deferred = has_request_context() and request.method in SAFE_METHODS
        # Straight on the driver: SQLAlchemy's statement machinery costs ~50 µs per begin,
        # a quarter of a ledger append's non-fsync time.
        conn.connection.dbapi_connection.execute("BEGIN" if deferred else "BEGIN IMMEDIATE")


class ForeignKeyViolation(RuntimeError):
    """A migration left rows pointing at nothing; its transaction is already committed."""


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Run migrations on SQLite without foreign-key enforcement, checking keys afterwards.

    batch_alter_table changes a SQLite table by copying it, DROPping the old one and renaming
    the copy; with enforcement on (every app connection turns it on) that DROP cascades
    ON DELETE CASCADE into child tables and silently empties them. SQLite ignores the pragma
    inside a transaction, so it is set on the driver before the migration's transaction.
    Use: `with connectable.connect() as conn, sqlite_foreign_keys_off(conn): ...`.
    Other backends: nothing changes.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if connection.in_transaction():
        raise RuntimeError("turn foreign keys off before the migration's transaction begins")
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        if connection.in_transaction():
            connection.commit()
        bad = raw.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            tables = sorted({str(row[0]) for row in bad})
            raise ForeignKeyViolation("rows without their parent in " + ", ".join(tables))
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def str_enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    """A Python enum stored as its string values in a VARCHAR (no native type to migrate)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )
