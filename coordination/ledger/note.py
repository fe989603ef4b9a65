"""C2SP signed notes, tlog checkpoints, and tlog-proof@v1 (Ed25519 keys: notekeys.py).

Specs: c2sp.org/signed-note, c2sp.org/tlog-checkpoint, c2sp.org/tlog-proof. Everything
malformed, unknown or unverifiable raises ValueError. Imports only the standard library,
`cryptography` and sibling modules, because the offline verifier uses this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import merkle
from .notekeys import Signer, Verifier, b64, b64decode_strict, check_name, generate_signer

__all__ = [
    "Checkpoint",
    "Signer",
    "TlogProof",
    "Verifier",
    "format_checkpoint",
    "format_tlog_proof",
    "generate_signer",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_tlog_proof",
    "sign_checkpoint",
    "sign_note",
    "verify_tlog_proof",
]

SIG_PREFIX = "\u2014 "  # em dash, space
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
# The spec asks verifiers to cap signatures (and accept at least 16); 100 matches Go.
MAX_SIGNATURES = 100

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def _check_text(text: str, what: str) -> bytes:
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{what} is not valid UTF-8") from None
    if any(c < " " and c != "\n" for c in text):
        raise ValueError(f"{what} contains a control character other than newline")
    return raw


def sign_note(text: str, *signers: Signer) -> str:
    """`text` (ending in a newline) followed by a blank line and one line per signer."""
    if not signers:
        raise ValueError("a note needs at least one signer")
    if not text.endswith("\n"):
        raise ValueError("note text must end with a newline")
    message = _check_text(text, "note text")
    lines = []
    for s in signers:
        sig = s.key_id.to_bytes(4, "big") + s.sign(message)
        lines.append(f"{SIG_PREFIX}{s.name} {b64(sig)}\n")
    return text + "\n" + "".join(lines)


def _open(note_text: str | bytes, verifiers: Iterable[Verifier]) -> tuple[str, list[Verifier]]:
    if isinstance(note_text, bytes):
        try:
            note_text = note_text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("note is not valid UTF-8") from None
    if not isinstance(note_text, str):
        raise ValueError("note must be str or bytes")
    _check_text(note_text, "note")
    split = note_text.rfind("\n\n")  # the last blank line separates text from signatures
    if split < 0:
        raise ValueError("note has no blank line before its signatures")
    text, sig_block = note_text[: split + 1], note_text[split + 2 :]
    if not sig_block:
        raise ValueError("note has no signature lines")
    if not sig_block.endswith("\n"):
        raise ValueError("note signatures must end with a newline")
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    seen: set[tuple[str, int]] = set()
    verified: list[Verifier] = []
    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ValueError(f"note has more than {MAX_SIGNATURES} signatures")
    for line in lines:
        if not line.startswith(SIG_PREFIX):
            raise ValueError("signature line must start with an em dash and a space")
        name, _, encoded = line[len(SIG_PREFIX) :].partition(" ")
        check_name(name)
        sig = b64decode_strict(encoded, f"signature by {name}")
        if len(sig) < 5:
            raise ValueError(f"signature by {name} is too short")
        key_id = int.from_bytes(sig[:4], "big")
        verifier = known.get((name, key_id))
        # Unknown keys are ignored (witness cosignatures, rotated keys); repeats are skipped.
        if verifier is None or (name, key_id) in seen:
            continue
        seen.add((name, key_id))
        if not verifier.verify(message, sig[4:]):
            raise ValueError(f"signature by {name} ({key_id:08x}) does not verify")
        verified.append(verifier)
    if not verified:
        raise ValueError("note has no signature from a trusted key")
    return text, verified


def open_note(note_text: str | bytes, verifiers: Iterable[Verifier]) -> str:
    """The signed text of a note that a trusted key signed; ValueError otherwise."""
    return _open(note_text, verifiers)[0]


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    if not origin or "\n" in origin:
        raise ValueError("checkpoint origin must be one non-empty line")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("checkpoint size must be a non-negative int")
    if not isinstance(root, bytes) or len(root) != merkle.HASH_SIZE:
        raise ValueError("checkpoint root must be 32 bytes")
    if any(not line or "\n" in line for line in extensions):
        raise ValueError("checkpoint extension lines must be non-empty single lines")
    text = "".join(f"{line}\n" for line in (origin, str(size), b64(root), *extensions))
    _check_text(text, "checkpoint")
    return text


def parse_checkpoint(text: str) -> Checkpoint:
    if not isinstance(text, str) or not text.endswith("\n"):
        raise ValueError("checkpoint text must end with a newline")
    _check_text(text, "checkpoint")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise ValueError("checkpoint needs origin, size and root lines, none empty")
    origin, size, root, *extensions = lines
    if not _DECIMAL.fullmatch(size):
        raise ValueError(f"checkpoint size {size!r} is not a decimal without leading zeros")
    root_hash = b64decode_strict(root, "checkpoint root")
    if len(root_hash) != merkle.HASH_SIZE:
        raise ValueError("checkpoint root must be 32 bytes")
    return Checkpoint(origin, int(size), root_hash, tuple(extensions))


def open_checkpoint(note_text: str | bytes, verifiers: Iterable[Verifier]) -> Checkpoint:
    """Verify a signed checkpoint whose origin is the name of a key that signed it."""
    text, signers = _open(note_text, verifiers)
    checkpoint = parse_checkpoint(text)
    if checkpoint.origin not in {v.name for v in signers}:
        raise ValueError(f"checkpoint origin {checkpoint.origin!r} is not its signer's name")
    return checkpoint


def sign_checkpoint(signer: Signer, size: int, root: bytes) -> str:
    """A checkpoint whose origin is the signer's name, signed by it."""
    return sign_note(format_checkpoint(signer.name, size, root), signer)


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str  # the signed checkpoint note, verbatim
    extra: bytes | None = None


def format_tlog_proof(
    index: int, hashes: Sequence[bytes], checkpoint: str, extra: bytes | None = None
) -> str:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative int")
    if any(not isinstance(h, bytes) or len(h) != merkle.HASH_SIZE for h in hashes):
        raise ValueError("proof hashes must be 32 bytes each")
    if not checkpoint.endswith("\n"):
        raise ValueError("checkpoint must be a complete signed note")
    lines = [TLOG_PROOF_HEADER]
    if extra is not None:
        lines.append(f"extra {b64(extra)}")
    lines += [f"index {index}", *(b64(h) for h in hashes), ""]
    return "\n".join(lines) + "\n" + checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    if not isinstance(text, str):
        raise ValueError("tlog proof must be text")
    header, sep, rest = text.partition("\n")
    if header != TLOG_PROOF_HEADER or not sep:
        raise ValueError(f"tlog proof must start with {TLOG_PROOF_HEADER}")
    line, _, rest = rest.partition("\n")
    extra = None
    if line.startswith("extra "):
        extra = b64decode_strict(line[len("extra ") :], "tlog proof extra data")
        line, _, rest = rest.partition("\n")
    if not line.startswith("index ") or not _DECIMAL.fullmatch(line[len("index ") :]):
        raise ValueError("tlog proof needs an 'index N' line (decimal, no leading zeros)")
    index = int(line[len("index ") :])
    hashes = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise ValueError("tlog proof has no blank line before its checkpoint")
        if not line:
            break
        digest = b64decode_strict(line, "tlog proof hash")
        if len(digest) != merkle.HASH_SIZE:
            raise ValueError("tlog proof hashes must be 32 bytes")
        hashes.append(digest)
    if not rest:
        raise ValueError("tlog proof has no checkpoint")
    return TlogProof(index, tuple(hashes), rest, extra)


def verify_tlog_proof(
    proof_text: str, entry_bytes: bytes, verifiers: Iterable[Verifier]
) -> Checkpoint:
    """Check the checkpoint signature and that the entry is in its tree; return the checkpoint."""
    proof = parse_tlog_proof(proof_text)
    checkpoint = open_checkpoint(proof.checkpoint, verifiers)
    merkle.verify_inclusion(
        merkle.leaf_hash(entry_bytes), proof.index, checkpoint.size, proof.hashes, checkpoint.root
    )
    return checkpoint
