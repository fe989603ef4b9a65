"""The witness's add-checkpoint rules (C2SP tlog-witness), driven without HTTP."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from coordination.ledger import note
from coordination.ledger.cosignature import Cosigner, split_note
from coordination.witness.core import SIZE_TYPE, Witness, read_logs
from coordination.witness.state import WitnessState

from .log_support import MemoryLog

NOW = 1_790_000_000


@pytest.fixture
def log() -> MemoryLog:
    log = MemoryLog()
    log.grow(10)
    return log


@pytest.fixture
def cosigner() -> Cosigner:
    return Cosigner.generate("witness.test/w1")


def make_witness(tmp_path: Path, log: MemoryLog, cosigner: Cosigner) -> Witness:
    logs = read_logs(f"# the logs this witness follows\nlog {log.vkey}\n")
    return Witness(WitnessState(tmp_path / "w.db"), cosigner, logs, clock=lambda: NOW)


def test_first_checkpoint_is_cosigned_with_a_timestamped_line(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    reply = witness.add_checkpoint(log.request(0))
    assert reply.status == 200, reply.body
    assert reply.body.startswith(f"\u2014 {cosigner.name} ") and reply.body.endswith("\n")
    text = log.checkpoint()[: log.checkpoint().rfind("\n\n") + 1]
    (line,) = split_note(text + "\n" + reply.body)[1]
    assert cosigner.verifier.verify(text, line.signature) == NOW
    assert witness.state.get(log.signer.name).size == 10


def test_growth_with_a_valid_proof_is_cosigned_and_remembered(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    assert witness.add_checkpoint(log.request(0)).status == 200
    log.grow(7)
    reply = witness.add_checkpoint(log.request(10))
    assert reply.status == 200, reply.body
    assert witness.state.get(log.signer.name).size == 17


def test_wrong_old_size_gets_409_with_the_held_size(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    witness.add_checkpoint(log.request(0))
    log.grow(3)
    for old in (0, 5):
        reply = witness.add_checkpoint(log.request(old))
        assert (reply.status, reply.body, reply.content_type) == (409, "10\n", SIZE_TYPE)
    assert witness.state.get(log.signer.name).size == 10


def test_a_smaller_checkpoint_is_refused(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    witness.add_checkpoint(log.request(0))
    assert witness.add_checkpoint(log.request(10, size=6)).status == 400  # old above size
    assert witness.add_checkpoint(log.request(0, size=6)).status == 409
    assert witness.state.get(log.signer.name).size == 10


def test_same_size_other_root_is_a_fork_and_never_cosigned(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    witness.add_checkpoint(log.request(0))
    same = witness.add_checkpoint(log.request(10))
    assert same.status == 200  # the same tree again: cosigned again
    log.leaves[4] = b"\x07" * 32  # the operator rewrites entry 4 and re-signs
    reply = witness.add_checkpoint(log.request(10))
    assert (reply.status, reply.body) == (409, "10\n")
    refused = witness.state.refusals()
    assert len(refused) == 1 and refused[0][2] == log.checkpoint()


def test_forked_growth_fails_the_consistency_proof(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    witness.add_checkpoint(log.request(0))
    log.leaves[4] = b"\x07" * 32
    log.grow(5)
    reply = witness.add_checkpoint(log.request(10))
    assert reply.status == 422 and "consistency proof" in reply.body
    assert witness.state.get(log.signer.name).size == 10


def test_unknown_origin_bad_signature_and_malformed_requests(tmp_path, log, cosigner):
    witness = make_witness(tmp_path, log, cosigner)
    stranger = MemoryLog("aidtrail.test/another-log")
    stranger.grow(2)
    assert witness.add_checkpoint(stranger.request(0)).status == 404
    impostor = MemoryLog(log.signer.name)  # same origin, another key
    impostor.grow(2)
    assert witness.add_checkpoint(impostor.request(0)).status == 403
    body = log.request(0)
    for bad in (
        b"",
        b"old 01\n\n" + body[6:],
        b"old x\n" + body[6:],
        body.replace(b"\n\n", b"\n"),
        b"\xff",
    ):
        assert witness.add_checkpoint(bad).status == 400, bad
    assert witness.add_checkpoint(b"old 0\n" + b"A" * 44 + b"\n" + body[6:]).status == 400
    proof_from_zero = b"old 0\n" + note.b64(b"\x01" * 32).encode() + b"\n" + body[6:]
    assert witness.add_checkpoint(proof_from_zero).status == 422
    assert witness.state.get(log.signer.name) is None


def test_concurrent_requests_never_roll_back_or_fork(tmp_path, log, cosigner):
    """Many threads, each with its own connection, submit checkpoints of sizes 10..40.

    Whatever the interleaving, the held size only grows, every 200 is for a size at least
    the one before it, and the final state is the largest tree anyone got cosigned.
    """
    first = make_witness(tmp_path, log, cosigner)
    assert first.add_checkpoint(log.request(0)).status == 200
    log.grow(30)
    requests = {size: log.request(10, size) for size in range(11, 41)}
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def submit(size: int) -> None:
        witness = make_witness(tmp_path, log, cosigner)  # a connection of its own
        reply = witness.add_checkpoint(requests[size])
        with lock:
            results.append((size, reply.status))

    threads = [threading.Thread(target=submit, args=(s,)) for s in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = [size for size, status in results if status == 200]
    assert len(accepted) == 1, results  # all claim old 10; only the first can match
    assert {status for _, status in results} <= {200, 409}
    assert first.state.get(log.signer.name).size == accepted[0]
