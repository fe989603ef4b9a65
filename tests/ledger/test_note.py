"""Signed notes, checkpoints and tlog proofs (C2SP formats, Ed25519)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from coordination.ledger import merkle, note

EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "c2sp"
EXAMPLE /= "signed-note-example.json"
NAME = "aidtrail.test/log"


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    if not EXAMPLE.is_file():
        pytest.skip(f"C2SP example vector not found at {EXAMPLE}")
    data: dict[str, Any] = json.loads(EXAMPLE.read_text())
    return data


@pytest.fixture(scope="module")
def signer() -> note.Signer:
    return note.Signer.from_key(note.generate_signer(NAME)[0])


def test_spec_example_verifies(example: dict[str, Any]) -> None:
    verifier = note.Verifier.from_key(example["vkey"])
    assert verifier.key == example["vkey"]
    assert note.open_note(example["note"], [verifier]) == example["signed_text"]
    assert note.open_note(example["note"].encode(), [verifier]) == example["signed_text"]


def test_any_changed_byte_of_the_example_is_rejected(example: dict[str, Any]) -> None:
    verifier = note.Verifier.from_key(example["vkey"])
    raw = example["note"].encode("utf-8")
    accepted = []
    for position in range(len(raw)):
        for mask in (0x01, 0x02, 0x20, 0x80):
            changed = bytearray(raw)
            changed[position] ^= mask
            try:
                note.open_note(bytes(changed), [verifier])
            except ValueError:
                continue
            accepted.append((position, mask))
    assert accepted == []


def test_key_id_follows_the_spec(example: dict[str, Any]) -> None:
    verifier = note.Verifier.from_key(example["vkey"])
    digest = hashlib.sha256(verifier.name.encode() + b"\n\x01" + verifier.public_key).digest()
    assert verifier.key_id == int.from_bytes(digest[:4], "big")
    assert example["vkey"].split("+")[1] == digest[:4].hex()


def test_generate_sign_open_round_trip() -> None:
    skey, vkey = note.generate_signer(NAME)
    signer, verifier = note.Signer.from_key(skey), note.Verifier.from_key(vkey)
    assert skey.startswith(f"PRIVATE+KEY+{NAME}+") and vkey.startswith(f"{NAME}+")
    assert signer.key == skey and signer.verifier_key == vkey
    text = "hello\n\nwith a blank line inside\n"
    signed = note.sign_note(text, signer)
    assert signed.startswith(text + "\n\u2014 " + NAME + " ")
    assert note.open_note(signed, [verifier]) == text


def test_unknown_signatures_are_ignored_but_bad_known_ones_fail(signer: note.Signer) -> None:
    other = note.Signer.from_key(note.generate_signer("witness.test/w1")[0])
    signed = note.sign_note("text\n", signer, other)
    assert note.open_note(signed, [signer.verifier]) == "text\n"
    assert note.open_note(signed, [other.verifier]) == "text\n"
    with pytest.raises(ValueError, match="trusted"):
        note.open_note(note.sign_note("text\n", other), [signer.verifier])
    # Same name and key id as the trusted key, but a signature over other text.
    forged = signed.replace(signed.split("\n")[2], note.sign_note("other\n", signer).split("\n")[2])
    with pytest.raises(ValueError, match="does not verify"):
        note.open_note(forged, [signer.verifier, other.verifier])


@pytest.mark.parametrize(
    "bad",
    [
        "no blank line\n\u2014 a AAAA\n",
        "text\n\n",  # no signature lines
        "text\n\n\u2014 aidtrail.test/log AAAAAAA=\n",  # signature shorter than 5 bytes
        "text\n\n- aidtrail.test/log AAAAAAAA\n",  # hyphen, not em dash
        "text\n\n\u2014 aidtrail.test/log AAAAAAAA",  # no final newline
        "te\rxt\n\n\u2014 x AAAAAAAA\n",  # control character
        "text\n\n\u2014 bad+name AAAAAAAA\n",
        "text\n\n\u2014 aidtrail.test/log not*base64\n",
    ],
)
def test_malformed_notes_are_rejected(bad: str, signer: note.Signer) -> None:
    with pytest.raises(ValueError):
        note.open_note(bad, [signer.verifier])


def test_signing_rejects_bad_text_and_names(signer: note.Signer) -> None:
    for text in ("no newline", "bell\a\n"):
        with pytest.raises(ValueError):
            note.sign_note(text, signer)
    for name in ("", "has space", "has+plus", "tab\tname"):
        with pytest.raises(ValueError):
            note.generate_signer(name)


@pytest.mark.parametrize(
    "key",
    [
        "name+0000000+AQ==",
        "name+zzzzzzzz+AQ==",
        "name-only",
        "PRIVATE+KEY+name",
    ],
)
def test_malformed_keys_are_rejected(key: str) -> None:
    with pytest.raises(ValueError):
        note.Verifier.from_key(key)
    with pytest.raises(ValueError):
        note.Signer.from_key(key)


def test_key_with_wrong_id_is_rejected(signer: note.Signer) -> None:
    name, key_id, b64 = signer.verifier_key.split("+", 2)
    wrong = f"{int(key_id, 16) ^ 1:08x}"
    with pytest.raises(ValueError, match="key id"):
        note.Verifier.from_key(f"{name}+{wrong}+{b64}")
    with pytest.raises(ValueError, match="key id"):
        note.Signer.from_key(signer.key.replace(key_id, wrong))


def test_checkpoint_format_and_parse() -> None:
    root = hashlib.sha256(b"root").digest()
    text = note.format_checkpoint(NAME, 12345, root, ["ext one"])
    assert text == f"{NAME}\n12345\n{base64.b64encode(root).decode()}\next one\n"
    assert note.parse_checkpoint(text) == note.Checkpoint(NAME, 12345, root, ("ext one",))
    assert note.parse_checkpoint(note.format_checkpoint(NAME, 0, root)).size == 0


@pytest.mark.parametrize(
    "size_line", ["012", "+5", " 5", "5 ", "-1", "1_000", "\u0663", "", "0x10"]
)
def test_checkpoint_size_must_be_plain_decimal(size_line: str) -> None:
    root = base64.b64encode(bytes(32)).decode()
    with pytest.raises(ValueError):
        note.parse_checkpoint(f"{NAME}\n{size_line}\n{root}\n")


@pytest.mark.parametrize(
    "text",
    [
        f"{NAME}\n1\n{base64.b64encode(bytes(32)).decode()}",  # no final newline
        f"{NAME}\n1\n",
        f"\n1\n{base64.b64encode(bytes(32)).decode()}\n",
        f"{NAME}\n1\n{base64.b64encode(bytes(31)).decode()}\n",
        f"{NAME}\n1\n{base64.b64encode(bytes(32)).decode()}\n\n",  # empty extension line
        f"{NAME}\n1\nAAAA*AAA\n",
    ],
)
def test_malformed_checkpoints_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        note.parse_checkpoint(text)


def test_checkpoint_origin_must_be_the_signer(signer: note.Signer) -> None:
    root = bytes(32)
    assert note.open_checkpoint(note.sign_checkpoint(signer, 3, root), [signer.verifier]).size == 3
    foreign = note.sign_note(note.format_checkpoint("someone.else/log", 3, root), signer)
    with pytest.raises(ValueError, match="origin"):
        note.open_checkpoint(foreign, [signer.verifier])


def _log(signer: note.Signer, size: int) -> tuple[list[bytes], list[bytes], str]:
    entries = [f'{{"n":{i}}}'.encode() for i in range(size)]
    leaves = [merkle.leaf_hash(e) for e in entries]
    return entries, leaves, note.sign_checkpoint(signer, size, merkle.root_hash(leaves))


@pytest.mark.parametrize("extra", [None, b"", b"manifest 42"])
def test_tlog_proof_round_trip(signer: note.Signer, extra: bytes | None) -> None:
    entries, leaves, checkpoint = _log(signer, 11)
    for index in range(len(entries)):
        hashes = merkle.inclusion_proof(leaves, index)
        text = note.format_tlog_proof(index, hashes, checkpoint, extra)
        assert text.startswith("c2sp.org/tlog-proof@v1\n")
        parsed = note.parse_tlog_proof(text)
        assert parsed == note.TlogProof(index, tuple(hashes), checkpoint, extra)
        cp = note.verify_tlog_proof(text, entries[index], [signer.verifier])
        assert (cp.origin, cp.size) == (NAME, 11)


def test_tlog_proof_layout_matches_spec(signer: note.Signer) -> None:
    _, leaves, checkpoint = _log(signer, 3)
    proof = merkle.inclusion_proof(leaves, 2)
    text = note.format_tlog_proof(2, proof, checkpoint, b"x")
    expected_head = ["c2sp.org/tlog-proof@v1", "extra eA==", "index 2"]
    expected_head += [base64.b64encode(h).decode() for h in proof]
    assert text == "\n".join([*expected_head, ""]) + "\n" + checkpoint


def test_tlog_proof_tampering_is_rejected(signer: note.Signer) -> None:
    entries, leaves, checkpoint = _log(signer, 11)
    text = note.format_tlog_proof(5, merkle.inclusion_proof(leaves, 5), checkpoint)
    lines = text.split("\n")
    other = note.Signer.from_key(note.generate_signer(NAME)[0])
    cases = {
        "other entry": (text, entries[4]),
        "other index": (text.replace("index 5", "index 4"), entries[5]),
        "leading zero": (text.replace("index 5", "index 05"), entries[5]),
        "changed hash": (text.replace(lines[2], base64.b64encode(bytes(32)).decode()), entries[5]),
        "dropped hash": (text.replace(lines[2] + "\n", ""), entries[5]),
        "bad header": (text.replace("@v1", "@v2"), entries[5]),
        "no blank line": (text.replace("\n\n", "\n", 1), entries[5]),
        "resigned": (text.replace(checkpoint, note.sign_checkpoint(other, 11, bytes(32))), b""),
        "checkpoint edit": (text.replace("\n11\n", "\n12\n"), entries[5]),
    }
    accepted = []
    for label, (bad, entry) in cases.items():
        try:
            note.verify_tlog_proof(bad, entry, [signer.verifier])
        except ValueError:
            continue
        accepted.append(label)
    assert accepted == []
