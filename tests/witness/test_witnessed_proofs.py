"""Proofs carry the witnesses: printed manifests, exports and /verify check the quorum."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coordination.ledger.keys import verifier_key
from tests.conftest import base_config
from tests.ledger.ledger_support import ROOT, fill, run_cli
from tests.manifests.conftest import login, pages_text, qr_texts

from .app_witnesses import app_witnesses


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return base_config(tmp_path, database_url, AIDTRAIL_WITNESS_POLICY=str(tmp_path / "policy.txt"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def without_cosignatures(proof: str, keep: int) -> str:
    """The proof with all but `keep` witness lines dropped (the log's own line stays)."""
    lines = proof.split("\n")
    signatures = [i for i, line in enumerate(lines) if line.startswith("\u2014 ")]
    drop = set(signatures[1 + keep :])
    return "\n".join(line for i, line in enumerate(lines) if i not in drop)


def test_printed_manifest_verifies_offline_with_a_two_of_three_quorum(
    app, session, client, demo, tmp_path
):
    delivery_id = demo["deliveries"][0].id
    with app_witnesses(app, tmp_path / "w"):
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        login(client, "demo-admin")
        pdf = client.get(f"/deliveries/{delivery_id}/manifest.pdf").data
    # Decoded from the rendered page, as a phone would: the proof code beside the address.
    [qr] = [t for t in qr_texts(pdf) if t.startswith("c2sp.org/tlog-proof@v1\n")]
    assert qr.count("\u2014 ") == 4  # the log's signature and three cosignatures
    (tmp_path / "qr.txt").write_text(qr)
    (tmp_path / "page.txt").write_text("\n".join(pages_text(pdf)))
    policy = app.config["AIDTRAIL_WITNESS_POLICY"]
    args = ["coordination.documents.proofcheck", str(tmp_path / "qr.txt")]
    args += [str(tmp_path / "page.txt"), "--key", verifier_key(app), "--policy", policy]
    done = run(*args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cosigned by W1, W2, W3 (2 of W1, W2, W3)" in done.stdout
    (tmp_path / "qr.txt").write_text(without_cosignatures(qr, keep=2))
    assert "cosigned by W1, W2 (2 of" in run(*args).stdout
    (tmp_path / "qr.txt").write_text(without_cosignatures(qr, keep=1))
    refused = run(*args)
    assert refused.returncode == 1
    assert "cosigned by W1; the policy needs 2 of W1, W2, W3" in refused.stdout


def test_export_verifies_offline_only_as_far_as_the_quorum_cosigned(app, session, tmp_path):
    policy = app.config["AIDTRAIL_WITNESS_POLICY"]
    with app_witnesses(app, tmp_path / "w"):
        fill(session, 6)
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        assert run_cli(app, "ledger", "export", str(tmp_path / "e1")).exit_code == 0
        fill(session, 3, start=6)  # never cosigned
        assert run_cli(app, "ledger", "export", str(tmp_path / "e2")).exit_code == 0
    key = verifier_key(app)
    good = run("coordination.ledger.verify", str(tmp_path / "e1"), "--key", key, "--policy", policy)
    assert good.returncode == 0, good.stdout
    assert "checkpoint 6 cosigned by W1, W2, W3 (2 of W1, W2, W3)" in good.stdout
    bad = run("coordination.ledger.verify", str(tmp_path / "e2"), "--key", key, "--policy", policy)
    assert bad.returncode == 1
    assert bad.stdout.startswith("FAILED at index 6: entries [6, 9) are not covered")
    plain = run("coordination.ledger.verify", str(tmp_path / "e2"), "--key", key)
    assert plain.returncode == 0  # without a policy the log's signature alone suffices


def test_verify_page_accepts_only_a_quorum_checkpoint_and_names_it(
    app, session, client, demo, tmp_path
):
    code = demo["deliveries"][0].code
    with app_witnesses(app, tmp_path / "w"):
        before = client.get(f"/verify/{code}.json").get_json()["proof"]
        assert before["ok"] is False
        assert before["witnesses"] == {"quorum": "2 of W1, W2, W3", "cosigners": [], "met": False}
        assert run_cli(app, "ledger", "cosign").exit_code == 0
        after = client.get(f"/verify/{code}.json").get_json()["proof"]
        assert after["ok"] is True, after["problem"]
        assert after["witnesses"]["cosigners"] == ["W1", "W2", "W3"]
        assert after["checkpoint"].count("\u2014 ") == 4
        page = client.get(f"/verify/{code}")
        assert "W1, W2, W3" in page.text
