"""Ed25519 keys for C2SP signed notes, in golang.org/x/mod/sumdb/note key-string format.

    verifier key:  <name>+<key id, 8 hex>+base64(0x01 || 32-byte Ed25519 public key)
    signer key:    PRIVATE+KEY+<name>+<key id>+base64(0x01 || 32-byte Ed25519 seed)
    key id:        first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || public key)

Matching Go's format lets Go tooling (sumdb/note, transparency-dev) read our keys. Imports
only the standard library and `cryptography`, because the offline verifier uses it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01

_HEX8 = re.compile(r"[0-9a-f]{8}")


def b64decode_strict(text: str, what: str) -> bytes:
    # Strict: only the standard alphabet with correct padding, and only the canonical
    # encoding, so no two strings decode to the same bytes (otherwise a flipped padding
    # bit would leave a signature "valid" though its text changed).
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise ValueError(f"{what} is not valid base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise ValueError(f"{what} is not canonical base64")
    return data


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError("key name must be a non-empty string")
    if "+" in name or any(c.isspace() or c < " " for c in name):
        raise ValueError(f"key name {name!r} must not contain spaces, '+' or control characters")
    return name


def _key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def _split_key(fields: list[str], what: str) -> tuple[str, int, bytes]:
    name, hex_id, encoded = fields
    check_name(name)
    if not _HEX8.fullmatch(hex_id):
        raise ValueError(f"{what}: key id must be 8 lowercase hex digits")
    raw = b64decode_strict(encoded, what)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise ValueError(f"{what}: only Ed25519 keys (0x01 + 32 bytes) are supported")
    return name, int(hex_id, 16), raw[1:]


class Verifier:
    """An Ed25519 note verifier: the public half of a Signer."""

    def __init__(self, name: str, public_key: bytes) -> None:
        self.name = check_name(name)
        self.public_key = bytes(public_key)
        self.key_id = _key_id(name, self.public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    @classmethod
    def from_key(cls, vkey: str) -> Verifier:
        fields = vkey.split("+", 2)  # base64 may contain '+', names and ids may not
        if len(fields) != 3:
            raise ValueError("verifier key must look like name+keyid+base64")
        name, key_id, public_key = _split_key(fields, "verifier key")
        verifier = cls(name, public_key)
        if verifier.key_id != key_id:
            raise ValueError("verifier key id does not match its name and public key")
        return verifier

    @property
    def key(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{b64(bytes([ALG_ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """An Ed25519 note signer (holds the private seed; keep it out of the database)."""

    def __init__(self, name: str, seed: bytes) -> None:
        self._private = Ed25519PrivateKey.from_private_bytes(bytes(seed))
        self.verifier = Verifier(name, self._private.public_key().public_bytes_raw())
        self.name, self.key_id = self.verifier.name, self.verifier.key_id

    @classmethod
    def from_key(cls, skey: str) -> Signer:
        fields = skey.split("+", 4)
        if len(fields) != 5 or fields[:2] != ["PRIVATE", "KEY"]:
            raise ValueError("signer key must look like PRIVATE+KEY+name+keyid+base64")
        name, key_id, seed = _split_key(fields[2:], "signer key")
        signer = cls(name, seed)
        if signer.key_id != key_id:
            raise ValueError("signer key id does not match its name and public key")
        return signer

    @property
    def key(self) -> str:
        seed = self._private.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{b64(bytes([ALG_ED25519]) + seed)}"

    @property
    def verifier_key(self) -> str:
        return self.verifier.key

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)


def generate_signer(name: str) -> tuple[str, str]:
    """A fresh key pair as (signer key string, verifier key string)."""
    check_name(name)
    signer = Signer(name, Ed25519PrivateKey.generate().private_bytes_raw())
    return signer.key, signer.verifier_key
