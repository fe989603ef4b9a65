"""Three witness processes for the app under test, and the policy file that names them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from coordination.ledger.keys import ledger_signer

from .witness_procs import WitnessProcess, witnesses

NAMES = ["w1.witness.test/a", "w2.witness.test/b", "w3.witness.test/c"]


def policy_text(procs: list[WitnessProcess], log_key: str, quorum: int = 2) -> str:
    lines = [f"log {log_key}", ""]
    lines += [f"witness W{i + 1} {w.vkey} {w.url}" for i, w in enumerate(procs)]
    members = " ".join(f"W{i + 1}" for i in range(len(procs)))
    lines += [f"group witnesses {quorum} {members}", "quorum witnesses", ""]
    return "\n".join(lines)


@contextmanager
def app_witnesses(app: Flask, directory: Path, quorum: int = 2) -> Iterator[list[WitnessProcess]]:
    """Start three witnesses of the app's log and write the policy to the configured path."""
    log_key = ledger_signer(app).verifier_key
    with witnesses(directory, NAMES, [log_key]) as procs:
        path = Path(app.config["AIDTRAIL_WITNESS_POLICY"])
        path.write_text(policy_text(procs, log_key, quorum), encoding="utf-8")
        yield procs
