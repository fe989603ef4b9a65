"""C2SP tlog-cosignature (cosignature/v1, Ed25519): what witnesses add to a checkpoint.

    key id     SHA-256(name || "\\n" || 0x04 || 32-byte public key)[:4]
    signature  key id || u64 timestamp (big-endian) || Ed25519 signature over
               "cosignature/v1\\n" "time <timestamp>\\n" <checkpoint note text>
    vkey       name+keyid+base64(0x04 || public key)

The witness (coordination/witness) signs with Cosigner; AidTrail, the offline verifier and
the tlog-policy checks verify with CosignatureVerifier. Standard library and `cryptography`
only, like the rest of what the offline verifier imports.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .notekeys import b64, b64decode_strict, check_name

ALG_COSIGNATURE_V1 = 0x04
HEADER = "cosignature/v1"
SIG_PREFIX = "\u2014 "  # em dash, space: a signed-note signature line
MAX_TIMESTAMP = 2**63 - 1
SIGNATURE_SIZE = 4 + 8 + 64

_HEX8 = re.compile(r"[0-9a-f]{8}")


def key_id(name: str, public_key: bytes) -> int:
    data = name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big")


def signed_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a cosignature/v1 signs: header, time line, then the checkpoint body."""
    if not checkpoint_text.endswith("\n"):
        raise ValueError("checkpoint text must end with a newline")
    if isinstance(timestamp, bool) or not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp must be within 0..2^63-1")
    return f"{HEADER}\ntime {timestamp}\n{checkpoint_text}".encode()


def _parse_key(fields: list[str], what: str) -> tuple[str, int, bytes]:
    name, hex_id, encoded = fields
    check_name(name)
    if not _HEX8.fullmatch(hex_id):
        raise ValueError(f"{what}: key id must be 8 lowercase hex digits")
    raw = b64decode_strict(encoded, what)
    if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
        raise ValueError(f"{what}: a cosignature/v1 key is 0x04 followed by 32 bytes")
    if key_id(name, raw[1:]) != int(hex_id, 16):
        raise ValueError(f"{what}: key id does not match its name and public key")
    return name, int(hex_id, 16), raw[1:]


class CosignatureVerifier:
    """A witness's public key, as a tlog-policy or a verifier knows it."""

    def __init__(self, name: str, public_key: bytes) -> None:
        self.name = check_name(name)
        self.public_key = bytes(public_key)
        self.key_id = key_id(name, self.public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    @classmethod
    def from_key(cls, vkey: str) -> CosignatureVerifier:
        fields = vkey.strip().split("+", 2)
        if len(fields) != 3:
            raise ValueError("witness key must look like name+keyid+base64")
        name, _, public_key = _parse_key(fields, "witness key")
        return cls(name, public_key)

    @property
    def key(self) -> str:
        raw = bytes([ALG_COSIGNATURE_V1]) + self.public_key
        return f"{self.name}+{self.key_id:08x}+{b64(raw)}"

    def verify(self, checkpoint_text: str, signature: bytes) -> int:
        """The timestamp of a valid cosignature (key id included); ValueError otherwise."""
        if len(signature) != SIGNATURE_SIZE:
            raise ValueError(f"cosignature by {self.name} is not {SIGNATURE_SIZE} bytes")
        if int.from_bytes(signature[:4], "big") != self.key_id:
            raise ValueError(f"cosignature by {self.name} has another key id")
        timestamp = int.from_bytes(signature[4:12], "big")
        try:
            self._key.verify(signature[12:], signed_message(checkpoint_text, timestamp))
        except InvalidSignature:
            raise ValueError(f"cosignature by {self.name} does not verify") from None
        return timestamp


class Cosigner:
    """A witness's private key (keep it in a 0600 file, never in a database)."""

    def __init__(self, name: str, seed: bytes) -> None:
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        self.verifier = CosignatureVerifier(name, self._private.public_key().public_bytes_raw())
        self.name, self.key_id = self.verifier.name, self.verifier.key_id

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        return cls(check_name(name), Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def from_key(cls, skey: str) -> Cosigner:
        fields = skey.strip().split("+", 4)
        if len(fields) != 5 or fields[:2] != ["PRIVATE", "KEY"]:
            raise ValueError("witness private key must look like PRIVATE+KEY+name+keyid+base64")
        raw_name, hex_id, encoded = fields[2:]
        raw = b64decode_strict(encoded, "witness private key")
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise ValueError("witness private key: expected 0x04 followed by a 32-byte seed")
        cosigner = cls(raw_name, raw[1:])
        if f"{cosigner.key_id:08x}" != hex_id:
            raise ValueError("witness private key id does not match its name and key")
        return cosigner

    @property
    def key(self) -> str:
        raw = bytes([ALG_COSIGNATURE_V1]) + self._private.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{b64(raw)}"

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        """One note signature line (with its newline) cosigning the checkpoint body."""
        signature = self._private.sign(signed_message(checkpoint_text, timestamp))
        raw = self.key_id.to_bytes(4, "big") + timestamp.to_bytes(8, "big") + signature
        return f"{SIG_PREFIX}{self.name} {b64(raw)}\n"


@dataclass(frozen=True)
class SignatureLine:
    name: str
    signature: bytes  # key id first, as on the line

    @property
    def key_id(self) -> int:
        return int.from_bytes(self.signature[:4], "big")


def parse_signature_lines(block: str) -> list[SignatureLine]:
    """Signature lines ("— name base64\\n" each); ValueError if any is malformed."""
    if not block.endswith("\n"):
        raise ValueError("signature lines must end with a newline")
    lines = []
    for line in block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise ValueError("signature line must start with an em dash and a space")
        name, _, encoded = line[len(SIG_PREFIX) :].partition(" ")
        check_name(name)
        raw = b64decode_strict(encoded, f"signature by {name}")
        if len(raw) < 5:
            raise ValueError(f"signature by {name} is too short")
        lines.append(SignatureLine(name, raw))
    return lines


def split_note(note_text: str) -> tuple[str, list[SignatureLine]]:
    """(signed text, signature lines) of a signed note; checks form, not signatures."""
    split = note_text.rfind("\n\n")
    if split < 0 or split + 2 >= len(note_text):
        raise ValueError("note has no signature lines after a blank line")
    return note_text[: split + 1], parse_signature_lines(note_text[split + 2 :])


def verify_cosignatures(note_text: str, verifiers: Iterable[CosignatureVerifier]) -> dict[str, int]:
    """{witness vkey: timestamp} for each known witness whose cosignature is on the note.

    Lines from unknown keys are ignored (the log's own, other witnesses'); a line from a
    known key that does not verify is an error, as signed-note asks.
    """
    text, lines = split_note(note_text)
    known = {(v.name, v.key_id): v for v in verifiers}
    found: dict[str, int] = {}
    for line in lines:
        verifier = known.get((line.name, line.key_id))
        if verifier is None or verifier.key in found:
            continue
        found[verifier.key] = verifier.verify(text, line.signature)
    return found


def append_signatures(note_text: str, lines: Iterable[str]) -> str:
    """The note with extra signature lines after its own, skipping any already there."""
    present = set(note_text[note_text.rfind("\n\n") + 2 :].splitlines(keepends=True))
    extra = [line for line in lines if line not in present]
    return note_text + "".join(dict.fromkeys(extra))
