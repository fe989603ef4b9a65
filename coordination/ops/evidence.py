"""Evidence files in backups: the photos and receipt scans the database names but keeps on disk.

Backing up, the list of files comes from the same snapshot as the database copy, and each
file must hash to its row's `stored_sha256`; a missing or altered file fails the backup
unless the operator allows it (then it is left out and named in the manifest).

Restoring, every file is checked against the manifest before anything is written, names
are checked so nothing lands outside the evidence directory, and each file is written
atomically (temp file, fsync, rename). A different file already under the same name is
refused unless forced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from coordination.ops.sealed import FILES, BackupError, SealedWriter

READ = 1 << 20
# The names evidence_store gives (random hex and an image extension): nothing else is written.
NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp)")


@dataclass(frozen=True)
class Ref:
    name: str
    sha256: str
    public_id: str


def referenced(conn: Connection) -> list[Ref]:
    """Every evidence file the database names, in id order (none before the table exists)."""
    if not inspect(conn).has_table("evidence"):
        return []
    rows = conn.execute(
        text("SELECT stored_name, stored_sha256, public_id FROM evidence ORDER BY id")
    )
    return [Ref(name, sha, public_id) for name, sha, public_id in rows]


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(READ):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def safe_path(directory: Path, name: str) -> Path:
    """The file's place in `directory`; refuses any name that could lead elsewhere."""
    if not NAME.fullmatch(name):
        raise BackupError(f"refusing evidence file name {name!r}: not an evidence file name")
    path = directory / name
    if path.resolve().parent != directory.resolve():
        raise BackupError(f"refusing evidence file name {name!r}: it leads outside {directory}")
    return path


def check_sources(directory: Path, refs: Iterable[Ref]) -> tuple[list[Ref], list[str]]:
    """The files that are present and intact, and a line for each one that is not."""
    good: list[Ref] = []
    problems: list[str] = []
    for ref in refs:
        try:
            path = safe_path(directory, ref.name)
        except BackupError as exc:
            problems.append(f"evidence {ref.public_id}: {exc}")
            continue
        if not path.is_file():
            problems.append(f"evidence {ref.public_id}: file {path} is missing")
            continue
        found, _ = _hash_file(path)
        if found != ref.sha256:
            problems.append(
                f"evidence {ref.public_id}: file {path} was altered (SHA-256 {found[:16]}…, "
                f"the database records {ref.sha256[:16]}…)"
            )
            continue
        good.append(ref)
    return good, problems


def add_to_backup(
    writer: SealedWriter, directory: Path, refs: list[Ref], allow_missing: bool
) -> dict[str, Any]:
    """Stream the intact files into the backup; returns the manifest's "evidence" part."""
    good, problems = check_sources(directory, refs)
    if problems and not allow_missing:
        raise BackupError(
            f"{len(problems)} of {len(refs)} evidence files cannot be backed up:\n  "
            + "\n  ".join(problems)
            + "\nno backup was written (use --allow-missing-evidence to leave them out)"
        )
    files = []
    for ref in good:
        digest, size = hashlib.sha256(), 0
        with open(safe_path(directory, ref.name), "rb") as fh:
            while block := fh.read(READ):
                digest.update(block)
                size += len(block)
                writer.write(block, FILES)
        if digest.hexdigest() != ref.sha256:
            raise BackupError(
                f"evidence {ref.public_id}: file {ref.name} changed while "
                "being backed up; no backup was written"
            )
        files.append({"name": ref.name, "sha256": ref.sha256, "size": size})
    return {"files": files, "left_out": problems}


def _entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return list(manifest.get("evidence", {}).get("files", []))


def check_blob(blob: Path, manifest: dict[str, Any]) -> None:
    """The decrypted evidence section holds exactly the listed files with their hashes."""
    entries = _entries(manifest)
    size = blob.stat().st_size if blob.exists() else 0
    if size != sum(int(e["size"]) for e in entries):
        raise BackupError("the evidence files inside the backup do not match its manifest")
    with open(blob, "rb") if entries else contextlib.nullcontext() as fh:
        for e in entries:
            if _copy(fh, int(e["size"]), None) != e["sha256"]:
                raise BackupError(
                    f"evidence file {e['name']} inside the backup does not "
                    "match its recorded SHA-256"
                )


def _copy(src: IO[bytes] | None, size: int, out: IO[bytes] | None) -> str:
    assert src is not None
    digest = hashlib.sha256()
    while size:
        block = src.read(min(READ, size))
        if not block:
            raise BackupError("the evidence section of the backup is truncated")
        digest.update(block)
        size -= len(block)
        if out is not None:
            out.write(block)
    return digest.hexdigest()


@dataclass
class Plan:
    directory: Path
    write: list[str]  # names to write (new, or replacing a different file when forced)
    same: list[str]  # already present with the same content
    replace: list[str]  # present with different content


def plan(directory: Path, manifest: dict[str, Any], force: bool) -> Plan:
    """What a restore would write; refuses to replace different files unless forced."""
    result = Plan(directory, [], [], [])
    for e in _entries(manifest):
        path = safe_path(directory, e["name"])
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise BackupError(f"{path} is not a regular file; restore refuses to replace it")
        if not path.exists():
            result.write.append(e["name"])
        elif _hash_file(path)[0] == e["sha256"]:
            result.same.append(e["name"])
        else:
            result.replace.append(e["name"])
            result.write.append(e["name"])
    if result.replace and not force:
        raise BackupError(
            f"{len(result.replace)} evidence files in {directory} differ from the backup's "
            "files of the same name ("
            + ", ".join(result.replace[:5])
            + "); restore refuses to overwrite them (use --force to replace them)"
        )
    return result


def install(blob: Path, manifest: dict[str, Any], todo: Plan) -> list[Path]:
    """Write the planned files; returns the paths that did not exist before."""
    wanted, created = set(todo.write), []
    todo.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        with open(blob, "rb") if wanted else contextlib.nullcontext() as fh:
            for e in _entries(manifest):
                if e["name"] not in wanted:
                    if fh is not None:
                        fh.seek(int(e["size"]), os.SEEK_CUR)
                    continue
                target = safe_path(todo.directory, e["name"])
                existed = target.exists()
                _write_one(fh, e, target)
                if not existed:
                    created.append(target)
        _fsync_dir(todo.directory)
    except BaseException:
        remove(created)
        raise
    return created


def _write_one(src: IO[bytes] | None, entry: dict[str, Any], target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            if _copy(src, int(entry["size"]), out) != entry["sha256"]:
                raise BackupError(f"evidence file {entry['name']} does not match its SHA-256")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def missing_after(directory: Path, refs: Iterable[Ref]) -> list[str]:
    """Evidence rows of the restored database whose file is absent or differs."""
    _, problems = check_sources(directory, refs)
    return problems
