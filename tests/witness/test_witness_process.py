"""The witness as its users run it: keygen, then serve over HTTP in its own process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from coordination.ledger.cosignature import CosignatureVerifier, Cosigner, split_note

from .log_support import MemoryLog
from .witness_procs import ROOT, post, witnesses


def test_keygen_writes_a_private_file_and_prints_the_verifier_key(tmp_path):
    key = tmp_path / "keys" / "w.key"
    command = [sys.executable, "-m", "coordination.witness", "keygen", "--key", str(key)]
    first = subprocess.run(
        [*command, "--name", "ngo.example/w"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    vkey = first.stdout.strip()
    assert CosignatureVerifier.from_key(vkey).name == "ngo.example/w"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert Cosigner.from_key(key.read_text()).verifier.key == vkey
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert again.stdout.strip() == vkey  # never overwrites a key


def test_the_witness_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, coordination.witness.__main__\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_served_witness_cosigns_and_refuses_over_http(tmp_path):
    log = MemoryLog()
    log.grow(5)
    with witnesses(tmp_path, ["witness.test/http"], [log.vkey]) as (w,):
        status, _, body = post(w.url + "/add-checkpoint", log.request(0))
        assert status == 200
        text = log.checkpoint()[: log.checkpoint().rfind("\n\n") + 1]
        (line,) = split_note(text + "\n" + body)[1]
        CosignatureVerifier.from_key(w.vkey).verify(text, line.signature)
        log.grow(4)
        assert post(w.url + "/add-checkpoint", log.request(5))[0] == 200
        status, content_type, body = post(w.url + "/add-checkpoint", log.request(5))
        assert (status, content_type, body) == (409, "text/x.tlog.size", "9\n")
        assert post(w.url + "/add-checkpoint", b"nonsense")[0] == 400
        assert post(w.url + "/elsewhere", log.request(9))[0] == 404
    with witnesses(tmp_path, ["witness.test/http"], [log.vkey]) as (w,):
        # Restarted on the same database: it still holds size 9.
        assert post(w.url + "/add-checkpoint", log.request(0))[:3:2] == (409, "9\n")
