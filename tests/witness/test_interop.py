"""Interoperability: the C2SP specs' own examples, and an independent cosignature/v1 code.

The independent code below is written from c2sp.org/tlog-cosignature and signed-note
alone. It imports nothing from AidTrail (only hashlib, struct, base64 and the Ed25519
primitive), so a shared misreading of the spec cannot make both sides agree.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from coordination.ledger.cosignature import (
    CosignatureVerifier,
    Cosigner,
    parse_signature_lines,
    signed_message,
    split_note,
    verify_cosignatures,
)
from coordination.ledger.policy import parse_policy
from coordination.witness.core import parse_request

from .log_support import MemoryLog
from .witness_procs import post, witnesses

# --- the specs' examples, verbatim -------------------------------------------------------

# c2sp.org/tlog-cosignature: "an example of a checkpoint that contains a cosignature".
SPEC_COSIGNED = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7"
    "u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9d"
    "lrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
# ... and its example of the Ed25519 signed message for that checkpoint.
SPEC_MESSAGE = (
    "cosignature/v1\n"
    "time 1679315147\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
# c2sp.org/tlog-witness: the example add-checkpoint request body.
SPEC_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n" + SPEC_COSIGNED.split("\u2014 witness")[0]
)


def test_spec_cosignature_example_parses_to_the_spec_message_and_time():
    text, lines = split_note(SPEC_COSIGNED)
    witness = lines[1]
    assert witness.name == "witness.example.com/w1"
    assert len(witness.signature) == 4 + 8 + 64  # key id, u64 timestamp, Ed25519
    timestamp = int.from_bytes(witness.signature[4:12], "big")
    assert timestamp == 1679315147  # the time of the spec's signed-message example
    assert signed_message(text, timestamp) == SPEC_MESSAGE.encode()
    # The spec publishes no key for w1: a verifier with any other key ignores the line.
    stranger = Cosigner.generate("witness.example.com/w1").verifier
    assert verify_cosignatures(SPEC_COSIGNED, [stranger]) == {}


def test_spec_witness_request_example_parses():
    request = parse_request(SPEC_REQUEST.encode())
    assert request.old_size == 20852014 and len(request.proof) == 4
    assert request.note.startswith("example.com/behind-the-sofa\n20852163\n")


def test_spec_policy_example_parses_with_keys_filled_in():
    keys = {
        n: Cosigner.generate(f"{n.lower()}.example").verifier.key
        for n in ["X1", "X2", "X3", "Y1", "Y2", "Y3"]
    }
    log = MemoryLog().vkey
    policy = parse_policy(
        f"log {log}\n\n"
        + "".join(f"witness {n} {keys[n]}\n" for n in ("X1", "X2", "X3"))
        + "group X-witnesses 2 X1 X2 X3\n\n"
        + "".join(f"witness {n} {keys[n]}\n" for n in ("Y1", "Y2", "Y3"))
        + "group Y-witnesses any Y1 Y2 Y3\n\n"
        "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n"
    )
    assert policy.satisfied({"X1", "X3", "Y2"})
    assert not policy.satisfied({"X1", "Y1", "Y2", "Y3"})  # only one X
    assert not policy.satisfied({"X1", "X2"})  # no Y


# --- an independent implementation, from the spec text -----------------------------------


def independent_key_id(name: str, public_key: bytes) -> bytes:
    # tlog-cosignature: SHA-256(<name> || "\n" || 0x04 || 32-byte Ed25519 public key)[:4]
    return hashlib.sha256(name.encode() + b"\n" + b"\x04" + public_key).digest()[:4]


def independent_vkey(name: str, public_key: bytes) -> str:
    # signed-note vkey: <name>+<hex key id>+base64(<type byte> || <public key>)
    encoded = base64.b64encode(b"\x04" + public_key).decode()
    return f"{name}+{independent_key_id(name, public_key).hex()}+{encoded}"


def independent_verify(vkey: str, checkpoint_body: str, line: str) -> int:
    """Verify one cosignature/v1 line; returns its timestamp, raises on any mismatch."""
    name, hex_id, encoded = vkey.split("+", 2)
    raw_key = base64.b64decode(encoded)
    assert raw_key[0] == 0x04 and len(raw_key) == 33
    public_key = raw_key[1:]
    assert independent_key_id(name, public_key).hex() == hex_id
    assert line.startswith("\u2014 ") and line.endswith("\n")
    line_name, signature_b64 = line[2:-1].split(" ")
    assert line_name == name
    blob = base64.b64decode(signature_b64, validate=True)
    assert len(blob) == 76 and blob[:4] == independent_key_id(name, public_key)
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    message = b"cosignature/v1\n" + b"time %d\n" % timestamp + checkpoint_body.encode()
    Ed25519PublicKey.from_public_bytes(public_key).verify(blob[12:], message)  # raises
    return int(timestamp)


def independent_cosign(name: str, seed: bytes, checkpoint_body: str, timestamp: int) -> str:
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public_key = key.public_key().public_bytes_raw()
    message = b"cosignature/v1\n" + b"time %d\n" % timestamp + checkpoint_body.encode()
    blob = independent_key_id(name, public_key) + struct.pack(">Q", timestamp) + key.sign(message)
    return f"\u2014 {name} {base64.b64encode(blob).decode()}\n"


def test_independent_code_verifies_what_a_running_witness_signs(tmp_path):
    log = MemoryLog()
    log.grow(6)
    with witnesses(tmp_path, ["ngo.example/witness"], [log.vkey]) as (w,):
        before = int(time.time())
        status, _, body = post(w.url + "/add-checkpoint", log.request(0))
    assert status == 200
    checkpoint_body = log.checkpoint().split("\n\n")[0] + "\n"
    timestamp = independent_verify(w.vkey, checkpoint_body, body)
    assert before - 5 <= timestamp <= int(time.time()) + 5
    tampered = checkpoint_body.replace("\n6\n", "\n7\n")
    with pytest.raises(InvalidSignature):
        independent_verify(w.vkey, tampered, body)


def test_our_verifier_accepts_what_independent_code_signs():
    seed = bytes(range(32))
    name = "independent.example/w"
    public_key = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    vkey = independent_vkey(name, public_key)
    assert CosignatureVerifier.from_key(vkey).key == vkey
    assert Cosigner(name, seed).verifier.key == vkey  # same key id and encoding
    log = MemoryLog()
    log.grow(3)
    body = log.checkpoint().split("\n\n")[0] + "\n"
    line = independent_cosign(name, seed, body, 1_700_000_000)
    assert verify_cosignatures(log.checkpoint() + line, [CosignatureVerifier.from_key(vkey)]) == {
        vkey: 1_700_000_000
    }
    # Ed25519 is deterministic: both implementations produce the very same bytes.
    assert Cosigner(name, seed).cosign(body, 1_700_000_000) == line
    assert len(parse_signature_lines(line)[0].signature) == 76
