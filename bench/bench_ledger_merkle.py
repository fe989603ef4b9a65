"""Ledger Merkle cost at 1,000,000 entries, beside raw hashlib measured in the same run.

The ceiling is SHA-256 over the same 1M leaves with nothing else: what any implementation
that rehashes the log would pay. Proofs served from stored perfect subtrees (the database
layout: one dict lookup standing in for one indexed row read) should cost microseconds,
independent of log size; offline verification must parse and re-encode every entry, so it
is compared with the same raw-hash figure.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.protocol import emit, figure
from coordination.ledger import merkle, note
from coordination.ledger.canonical import canonical_json
from coordination.ledger.export_format import write_export

ROOT = Path(__file__).resolve().parent.parent
N = 1_000_000
CHECKPOINT_EVERY = 1000
PROOFS = 2000


def body(i: int) -> str:
    """A realistic entry: pseudonymous ids, a line, a commitment, some Cyrillic."""
    return canonical_json(
        {
            "v": 1,
            "kind": "handover",
            "at": "2024-11-05T10:00:00Z",
            "actor": f"u-{i % 5000:06d}",
            "data": {
                "delivery": f"d-{i}",
                "from": f"p-{i % 977}",
                "to": f"p-{i % 313}",
                "lines": [{"item": "socks", "qty": i % 50}],
                "evidence": hashlib.sha256(i.to_bytes(4, "big")).hexdigest()[:32],
                "note": "носки",
            },
        }
    )


def main() -> None:
    rng = random.Random(7)
    bodies = [body(i).encode() for i in range(N)]

    start = time.perf_counter()
    leaves = [hashlib.sha256(b"\x00" + b).digest() for b in bodies]
    raw = time.perf_counter() - start
    ceiling = f"(ceiling: raw hashlib 1M leaf hashes {raw:.2f} s)"
    assert leaves[5] == merkle.leaf_hash(bodies[5])

    store: dict[tuple[int, int], bytes] = {}

    def get(level: int, position: int) -> bytes:
        return store[(level, position)]

    start = time.perf_counter()
    for index, leaf in enumerate(leaves):
        for level, position, digest in merkle.nodes_completed_by_append(index, leaf, get):
            store[(level, position)] = digest
    appended = time.perf_counter() - start
    per_append = f"{appended / N * 1e6:.2f} us each, {len(store)} nodes"
    print(f"stored-node appends @1M: {per_append} {ceiling}")
    raw_us = raw / N * 1e6
    figure(
        "stored-node append @1M",
        appended / N * 1e6,
        "us",
        better="lower",
        ceiling=raw_us,
        ceiling_name="raw hashlib leaf hash",
    )

    subtree = merkle.subtree_from_stored(get)
    root = merkle.root_from(subtree, N)

    indices = [rng.randrange(N) for _ in range(PROOFS)]
    start = time.perf_counter()
    proofs = [merkle.inclusion_proof_from(subtree, N, i) for i in indices]
    took = (time.perf_counter() - start) / PROOFS
    for i, proof in zip(indices[:50], proofs, strict=False):
        merkle.verify_inclusion(leaves[i], i, N, proof, root)
    print(f"merkle inclusion proof @1M: {took * 1e3:.3f} ms {ceiling}")
    figure("inclusion proof @1M", took * 1e3, "ms", better="lower", target=1.0)

    sizes = [rng.randrange(1, N) for _ in range(PROOFS)]
    start = time.perf_counter()
    proofs = [merkle.consistency_proof_from(subtree, s, N) for s in sizes]
    took = (time.perf_counter() - start) / PROOFS
    for s, proof in zip(sizes[:20], proofs, strict=False):
        merkle.verify_consistency(s, N, proof, merkle.root_from(subtree, s), root)
    print(f"merkle consistency proof @1M: {took * 1e3:.3f} ms {ceiling}")
    figure("consistency proof @1M", took * 1e3, "ms", better="lower", target=1.0)

    signer = note.Signer.from_key(note.generate_signer("bench.aidtrail.test/log")[0])
    checkpoints = [
        (size, note.sign_checkpoint(signer, size, merkle.root_from(subtree, size)))
        for size in range(CHECKPOINT_EVERY, N + 1, CHECKPOINT_EVERY)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        texts = (b.decode() for b in bodies)
        write_export(tmp, texts, checkpoints, signer.verifier_key)
        megabytes = os.path.getsize(Path(tmp) / "entries.jsonl") / 1e6
        for extra in ([], ["--workers", "1"]):
            start = time.perf_counter()  # a fresh process, as an auditor runs it
            run = subprocess.run(
                [sys.executable, "-m", "coordination.ledger.verify", tmp, *extra],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            took = time.perf_counter() - start
            assert run.returncode == 0 and run.stdout.startswith(f"OK: {N} entries"), run
            label = "1 process" if extra else f"{os.cpu_count()} CPUs"
            print(
                f"offline verify @1M ({megabytes:.0f} MB, {len(checkpoints)} checkpoints,"
                f" CLI, {label}): {took:.2f} s {ceiling}"
            )
            figure(
                f"offline verify @1M, {label}",
                took,
                "s",
                better="lower",
                ceiling=raw,
                ceiling_name="raw hashlib 1M leaf hashes",
            )
    emit()


if __name__ == "__main__":
    main()
