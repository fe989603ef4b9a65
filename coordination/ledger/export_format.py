"""The ledger export directory: writing it, and reading its entries fast.

The format itself is documented in verify.py, the module people run against it. Standard
library only (plus the sibling canonical.py): the offline verifier uses this module.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .canonical import is_canonical

ENTRIES_FILE = "entries.jsonl"
CHECKPOINTS_FILE = "checkpoints.jsonl"
VERIFIER_KEY_FILE = "verifier.key"
LEAVES_FILE = "leaves.bin"  # 32 bytes per entry: the leaf hashes the log stored

# Below this, forking workers costs more than it saves (~200 ms per 1 MB single-threaded).
PARALLEL_MIN_BYTES = 8 << 20
MAX_WORKERS = 8

_DECODE = json.JSONDecoder().raw_decode


def entry_line(index: int, body: str) -> str:
    return json.dumps({"index": index, "body": body}, ensure_ascii=False) + "\n"


def checkpoint_line(size: int, note: str) -> str:
    return json.dumps({"size": size, "note": note}, ensure_ascii=False) + "\n"


def write_export(
    directory: str | os.PathLike[str],
    bodies: Iterable[str],
    checkpoints: Iterable[tuple[int, str]],
    verifier_key: str,
    leaves: Iterable[bytes] | None = None,
) -> None:
    """Write an export: entry bodies in index order from 0, (size, signed note) pairs in
    increasing size, the verifier key line, and the leaf hashes the log stored (`leaves`,
    read after the bodies, so a list the bodies' iterator fills works; None: hashed from
    the bodies). Streams, so any log size fits in memory."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    hashed: list[bytes] = []

    def lines() -> Iterable[str]:
        for i, body in enumerate(bodies):
            if leaves is None:
                hashed.append(hashlib.sha256(b"\x00" + body.encode("utf-8")).digest())
            yield entry_line(i, body)

    with open(out / ENTRIES_FILE, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(lines())
    with open(out / LEAVES_FILE, "wb") as raw:
        raw.writelines(hashed if leaves is None else leaves)
    with open(out / CHECKPOINTS_FILE, "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(checkpoint_line(size, note) for size, note in checkpoints)
    (out / VERIFIER_KEY_FILE).write_text(verifier_key.strip() + "\n", encoding="utf-8")


@dataclass(frozen=True)
class EntryScan:
    count: int  # entries 0..count-1 are well formed and contiguous
    leaf_hashes: bytes  # their RFC 6962 leaf hashes, 32 bytes each
    error: str | None  # why entry `count` is bad; None if the file ended cleanly


# (index found on the chunk's first line, good lines, their leaf hashes, error on next line)
_Chunk = tuple[int | None, int, bytes, str | None]


def _scan_range(path: str, start: int, end: int) -> _Chunk:
    """Check the lines that start in [start, end) and hash their bodies.

    Indices are checked relative to the chunk's first line, whose index the caller checks
    against the chunk's position, so chunks can be scanned independently.
    """
    hashes: list[bytes] = []
    first: int | None = None
    sha256 = hashlib.sha256
    with open(path, "rb") as fh:
        fh.seek(start)
        pos = start
        for raw in fh:
            if pos >= end:
                break
            pos += len(raw)
            n = len(hashes)
            try:
                line = raw.decode("utf-8")
                obj, stop = _DECODE(line, 0)
            except (UnicodeDecodeError, ValueError, RecursionError):
                return first, n, b"".join(hashes), "line is not a UTF-8 JSON object"
            if not isinstance(obj, dict) or line[stop:].strip():
                return first, n, b"".join(hashes), "line is not a single JSON object"
            index, body = obj.get("index"), obj.get("body")
            if type(index) is not int:
                return first, n, b"".join(hashes), "entry has no integer index"
            if first is None:
                first = index
            elif index != first + n:
                return first, n, b"".join(hashes), f"expected index {first + n}, found {index}"
            if not isinstance(body, str) or not is_canonical(body):
                return first, n, b"".join(hashes), "entry body is not canonical JSON text"
            try:
                data = body.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, written as an escape in the line
                return first, n, b"".join(hashes), "entry body is not valid UTF-8"
            hashes.append(sha256(b"\x00" + data).digest())
    return first, len(hashes), b"".join(hashes), None


def _chunk_starts(path: Path, size: int, parts: int) -> list[int]:
    starts = [0]
    with open(path, "rb") as fh:
        for i in range(1, parts):
            fh.seek(size * i // parts)
            fh.readline()  # move to the start of the next line
            if starts[-1] < fh.tell() < size:
                starts.append(fh.tell())
    return starts


def scan_entries(path: str | os.PathLike[str], workers: int | None = None) -> EntryScan:
    """Validate entries.jsonl and return the leaf hashes of its good, contiguous prefix.

    Parsing and re-encoding every body to prove it canonical costs ~5 us per entry in
    CPython, several times the hashing, so large files are split at line boundaries across
    processes. Only the fork start method is used: it needs no re-import of __main__,
    which under `python -m coordination.ledger.verify` would import the Flask app package.
    """
    file = Path(path)
    size = file.stat().st_size
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if (
        workers > 1
        and size >= PARALLEL_MIN_BYTES
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        starts = _chunk_starts(file, size, workers)
        ends = [*starts[1:], size]
        context = multiprocessing.get_context("fork")
        # Forked children share the parent's pages; a garbage collection in a child would
        # touch every inherited object and copy those pages. Freezing exempts them.
        gc.freeze()
        try:
            with ProcessPoolExecutor(len(starts), mp_context=context) as pool:
                chunks = list(pool.map(_scan_range, [str(file)] * len(starts), starts, ends))
        finally:
            gc.unfreeze()
    else:
        chunks = [_scan_range(str(file), 0, size)]

    expected = 0
    parts: list[bytes] = []
    for first, count, hashes, error in chunks:
        if first is not None and first != expected:
            return EntryScan(expected, b"".join(parts), f"expected index {expected}, found {first}")
        parts.append(hashes)
        expected += count
        if error is not None:
            return EntryScan(expected, b"".join(parts), error)
    return EntryScan(expected, b"".join(parts), None)
