"""A fork is caught: the operator rewrites history and re-signs it with the log's key.

Three witnesses run as separate processes. After the rewrite every one of them refuses
the forked checkpoint, `flask ledger cosign` reports the quorum is out of reach, the
monitor prints the two inconsistent signed checkpoints, and the offline verifier rejects
a proof built on the fork, even with the honest checkpoint's cosignatures pasted on.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from coordination.db import db
from coordination.ledger.checkpoints import tlog_proof
from coordination.ledger.keys import ledger_signer, verifier_key
from coordination.ledger.note import parse_tlog_proof
from coordination.ledger.witnesses.settings import witness_policy
from tests.conftest import base_config
from tests.ledger.ledger_support import ROOT, fill, run_cli

from .app_witnesses import app_witnesses
from .forgery import rewrite_history
from .witness_procs import post


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return base_config(tmp_path, database_url, AIDTRAIL_WITNESS_POLICY=str(tmp_path / "policy.txt"))


@pytest.fixture
def served(app: Flask) -> Iterator[str]:
    """The app on a real socket, for the monitor (which speaks only HTTP)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def monitor(url: str, state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coordination.ledger.monitor", url, "--state", str(state)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def verify_proof(tmp_path: Path, app: Flask, proof: str, entry: str) -> str:
    (tmp_path / "proof.txt").write_text(proof)
    (tmp_path / "entry.txt").write_text(entry)
    args = ["--proof", str(tmp_path / "proof.txt"), "--entry", str(tmp_path / "entry.txt")]
    args += ["--key", verifier_key(app), "--policy", app.config["AIDTRAIL_WITNESS_POLICY"]]
    done = subprocess.run(
        [sys.executable, "-m", "coordination.ledger.verify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return f"{done.returncode} {done.stdout}"


def test_a_rewritten_history_is_refused_by_every_witness_and_caught(
    app, session, client, served, tmp_path
):
    state = tmp_path / "monitor.json"
    with app_witnesses(app, tmp_path / "w") as procs:
        fill(session, 8)
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        assert monitor(served, state).stdout.startswith("first checkpoint: size 8")
        fill(session, 3, start=8)
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        assert "consistent: size 8 -> 11" in monitor(served, state).stdout
        honest = client.get("/ledger/checkpoint").text
        assert honest.count("\u2014 ") == 4

        forged_body = rewrite_history(app, 3)  # same size 11, another root, log-signed

        # Every witness refuses the forked checkpoint of a size it already cosigned.
        forged_note = client.get("/ledger/checkpoint").text
        assert client.get("/ledger/checkpoint").headers["AidTrail-Witness-Quorum"] == "not-met"
        for w in procs:
            status, content_type, body = post(
                w.url + "/add-checkpoint", f"old 11\n\n{forged_note}".encode()
            )
            assert (status, content_type, body) == (409, "text/x.tlog.size", "11\n"), w.name
        result = run_cli(app, "ledger", "cosign")
        assert result.exit_code == 1
        assert result.output.count("refused (409: it holds size 11 of another tree)") == 3
        assert "checkpoint 11 cannot reach the quorum (2 of W1, W2, W3)" in result.output

        # The monitor, which remembered the honest checkpoint, prints both as evidence.
        caught = monitor(served, state)
        assert caught.returncode == 3, caught.stdout + caught.stderr
        assert "SPLIT VIEW: two different trees of size 11" in caught.stdout
        assert honest.split("\n\n")[0] in caught.stdout  # the honest root, signed
        assert forged_note.split("\n\n")[0] in caught.stdout

        # A proof built on the fork has no quorum, so the offline verifier rejects it ...
        db.session.rollback()
        proof = tlog_proof(db.session, ledger_signer(app), 3, witness_policy(app))
        db.session.commit()
        rejected = verify_proof(tmp_path, app, proof, forged_body)
        assert rejected.startswith("1 FAILED"), rejected
        assert "cosigned by no witness; the policy needs 2 of W1, W2, W3" in rejected
        # ... and the honest checkpoint's cosignatures do not transfer to the forged tree.
        cosignatures = "".join(
            line + "\n" for line in honest.split("\n") if line.startswith("\u2014 w")
        )
        pasted = proof + cosignatures
        assert parse_tlog_proof(pasted).checkpoint.count("\u2014 ") == 4
        rejected = verify_proof(tmp_path, app, pasted, forged_body)
        assert rejected.startswith("1 FAILED") and "does not verify" in rejected

        # Growing the forked log does not help: its consistency proof fails (422).
        fill(session, 2, start=11)
        grown = run_cli(app, "ledger", "cosign")
        assert grown.exit_code == 1
        assert grown.output.count("refused (422: consistency proof does not verify") == 3
        assert "checkpoint 13 cannot reach the quorum" in grown.output
