"""ledger/paper.py: the page a printed proof opens comes from the signed origin alone."""

from __future__ import annotations

import json

import pytest

from coordination.ledger import merkle, note, paper


def _proof(origin: str, entries: list[bytes], index: int, extra: bytes | None = None):
    signer = note.Signer.from_key(note.generate_signer(origin)[0])
    leaves = [merkle.leaf_hash(e) for e in entries]
    checkpoint = note.sign_checkpoint(signer, len(leaves), merkle.root_hash(leaves))
    path = merkle.inclusion_proof(leaves, index)
    return note.format_tlog_proof(index, path, checkpoint, extra), signer.verifier_key


def _entry(code: str | None, n: int) -> bytes:
    data = {"n": n} if code is None else {"code": code, "n": n}
    return json.dumps({"data": data, "kind": "delivery.dispatched"}).encode()


def test_site_and_page_come_from_the_origin():
    assert paper.site_of("aid.example.org/ledger") == "aid.example.org"
    assert paper.site_of("example.org/aid/ledger") == "example.org/aid"
    assert paper.verify_page("aid.example.org/ledger", "Ab-1_z") == (
        "https://aid.example.org/verify/Ab-1_z"
    )
    for bad in ("a b/ledger", "x.org?y/ledger", "/ledger", "u@x.org/ledger"):
        with pytest.raises(ValueError):
            paper.site_of(bad)
    with pytest.raises(ValueError):
        paper.verify_page("aid.example.org/ledger", "../admin")


def test_the_extra_line_is_never_the_page():
    entries = [_entry(f"CODE{n}", n) for n in range(7)]
    text, key = _proof("aid.example.org/ledger", entries, 5, extra=b"https://evil.example/x")
    result = paper.check_paper(text, entries[5], key)
    assert result.page == "https://aid.example.org/verify/CODE5" and result.scanned_ok
    assert paper.check_paper(text, entries[5], key, "https://evil.example/x").scanned_ok is False
    ok = paper.check_paper(text, entries[5], key, "http://aid.example.org/verify/CODE5")
    assert ok.scanned_ok  # a development instance prints http
    for forged in (
        "https://aid.example.org.evil.example/verify/CODE5",
        "https://aid.example.org/verify/CODE4",
        "https://aid.example.org/verify/CODE5?x=1",
        "https://aid.example.org/verify/CODE5#frag",
        "javascript:alert(1)",
    ):
        assert not paper.check_paper(text, entries[5], key, forged).scanned_ok, forged
    with pytest.raises(ValueError):  # another entry than the one proven
        paper.check_paper(text, entries[4], key)


def test_an_entry_without_a_code_points_at_the_site():
    entries = [_entry(None, n) for n in range(3)]
    text, key = _proof("aid.example.org/ledger", entries, 1)
    result = paper.check_paper(text, entries[1], key, "https://aid.example.org/disputes/x")
    assert result.page == "https://aid.example.org/" and result.scanned_ok
    assert not paper.check_paper(text, entries[1], key, "https://aid.example.org.evil/x").scanned_ok


def test_the_offline_verifier_names_the_page_and_refuses_a_forged_address(tmp_path):
    """python path/to/ledger/verify.py --proof --entry --url, run alone from its folder."""
    import subprocess
    import sys
    from pathlib import Path

    entries = [_entry(f"CODE{n}", n) for n in range(4)]
    text, key = _proof("aid.example.org/ledger", entries, 2, extra=b"https://evil.example/x")
    (tmp_path / "proof.txt").write_text(text, encoding="utf-8")
    (tmp_path / "entry.json").write_bytes(entries[2])
    script = Path(paper.__file__).with_name("verify.py")
    base = [sys.executable, str(script), "--proof", str(tmp_path / "proof.txt")]
    base += ["--entry", str(tmp_path / "entry.json"), "--key", key]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *extra], capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False
        )

    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "its page: https://aid.example.org/verify/CODE2" in ok.stdout
    assert "evil.example" not in ok.stdout
    assert run("--url", "https://aid.example.org/verify/CODE2").returncode == 0
    forged = run("--url", "https://evil.example/x")
    assert forged.returncode == 1 and "not this log's page" in forged.stdout
