"""Make and restore encrypted backups: SQLite through its online backup API, PostgreSQL
through pg_dump/pg_restore (custom format), each sealed by coordination.ops.sealed.

Both sides record per-table digests taken from the very snapshot that was copied, so a
restore proves it reproduced the data row for row before it says so.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump/pg_restore, fixed argv, never a shell
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, make_url

from coordination.ops import evidence
from coordination.ops.digests import table_digests
from coordination.ops.sealed import DATA, FILES, BackupError, SealedReader, SealedWriter

READ = 1 << 20


def backend_of(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # a database never migrated has no revision
        conn.rollback()
        return None


@contextmanager
def scratch() -> Iterator[Path]:
    """A private directory (0700) for plaintext copies, removed however we leave."""
    tmp = Path(tempfile.mkdtemp(prefix="aidtrail-backup-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _sqlite_digests(path: Path) -> tuple[dict[str, Any], str | None]:
    digests, revision, _ = _sqlite_snapshot(path)
    return digests, revision


def _sqlite_snapshot(path: Path) -> tuple[dict[str, Any], str | None, list[evidence.Ref]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return table_digests(conn), _revision(conn), evidence.referenced(conn)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Files:
    """Where the evidence files are, and whether missing or altered ones may be left out."""

    directory: Path
    allow_missing: bool = False


def make_backup(
    url: str, out: Path, key: bytes, header: dict[str, Any], files: Files
) -> dict[str, Any]:
    backend = backend_of(url)
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "wb") as fh:
            os.chmod(partial, 0o600)
            if backend == "sqlite":
                manifest = _backup_sqlite(url, fh, key, header, files)
            else:
                manifest = _backup_postgres(url, fh, key, header, files)
        partial.replace(out)  # a backup file that exists is a complete one
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _backup_sqlite(
    url: str, fh: Any, key: bytes, header: dict[str, Any], files: Files
) -> dict[str, Any]:
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    with scratch() as tmp:
        copy = tmp / "copy.sqlite3"
        src, dst = sqlite3.connect(source), sqlite3.connect(copy)
        try:
            src.backup(dst)  # a consistent snapshot while the app keeps writing
        finally:
            src.close()
            dst.close()
        digests, revision, refs = _sqlite_snapshot(copy)
        writer = SealedWriter(fh, key, {**header, "backend": "sqlite", "revision": revision})
        with open(copy, "rb") as plain:
            while block := plain.read(READ):
                writer.write(block)
        files_part = evidence.add_to_backup(writer, files.directory, refs, files.allow_missing)
        manifest = {"digests": digests, "revision": revision, "evidence": files_part}
        writer.close(manifest)
    return manifest


def pg_tool(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for libpq tools; the password goes in the environment, not argv."""
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-d", url.database or ""]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _backup_postgres(
    url: str, fh: Any, key: bytes, header: dict[str, Any], files: Files
) -> dict[str, Any]:
    engine = create_engine(url)
    args, env = pg_args(make_url(url))
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                # pg_dump imports this transaction's snapshot, so the digests describe
                # exactly the rows it copies even while the app keeps writing.
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                revision = _revision(conn)
                digests = table_digests(conn)
                refs = evidence.referenced(conn)
                writer = SealedWriter(
                    fh, key, {**header, "backend": "postgresql", "revision": revision}
                )
                cmd = [
                    pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    *args,
                ]
                proc = subprocess.Popen(  # noqa: S603 # nosec B603 # fixed argv, no shell
                    cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
                )
                assert proc.stdout is not None and proc.stderr is not None
                while block := proc.stdout.read(READ):
                    writer.write(block)
                err = proc.stderr.read().decode(errors="replace")
                if proc.wait():
                    raise BackupError(f"pg_dump failed: {err.strip()}")
    finally:
        engine.dispose()
    files_part = evidence.add_to_backup(writer, files.directory, refs, files.allow_missing)
    manifest = {"digests": digests, "revision": revision, "evidence": files_part}
    writer.close(manifest)
    return manifest


def open_backup(
    path: Path, key: bytes, into: Path, files_into: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Authenticate the whole backup into private files (the database, the evidence files
    back to back) before anything is touched."""
    with open(path, "rb") as fh:
        reader = SealedReader(fh, key)
        with open(into, "wb") as out, open(files_into, "wb") as files_out:
            os.chmod(into, 0o600)
            os.chmod(files_into, 0o600)
            sink = {DATA: out, FILES: files_out}
            for kind, chunk in reader.records():
                sink[kind].write(chunk)
    assert reader.manifest is not None
    return reader.header, reader.manifest


def restore_sqlite(url: str, plain: Path) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(plain)
    try:
        if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise BackupError("the SQLite file inside the backup fails its integrity check")
        dst = sqlite3.connect(target, timeout=15)
        try:
            src.backup(dst)  # replaces every page of the target in one locked step
        finally:
            dst.close()
    finally:
        src.close()


def restore_postgres(url: str, plain: Path) -> None:
    args, env = pg_args(make_url(url))
    cmd = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *args,
        str(plain),
    ]
    run = subprocess.run(  # noqa: S603 # nosec B603 # fixed argv, no shell
        cmd, capture_output=True, env=env, check=False
    )
    if run.returncode:
        err = run.stderr.decode(errors="replace").strip()
        raise BackupError(f"pg_restore failed (nothing was changed): {err[-2000:]}")


def current_digests(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return table_digests(conn)
    finally:
        engine.dispose()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def current_evidence(url: str) -> list[evidence.Ref]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return evidence.referenced(conn)
    finally:
        engine.dispose()
