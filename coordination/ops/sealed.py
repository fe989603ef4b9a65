"""The encrypted backup container: a plaintext header, then AES-256-GCM chunks.

Layout: MAGIC, a 4-byte length and the header JSON (backend, revision, salt, key check
values); then records of [type 1 byte][length 4 bytes][ciphertext]. Each record is sealed
with a per-file key derived (HKDF) from the backup key and the header's random salt; its
nonce is the record counter and its associated data the header's SHA-256 plus the record
type, so a reordered, dropped, truncated or edited record, or an edited header, fails to
open. The last record (type END) carries the manifest (table digests) and must be last.

Format 2 (header "format": 2) adds FILES records after the database's DATA records: the
evidence files, back to back, in the order and with the sizes and SHA-256 the manifest
lists. A format-1 backup simply has none, so it still opens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coordination.keys import keys_dir, load_or_create

MAGIC = b"AIDTRAIL-BACKUP/1\n"
KEY_FILE = "backup.key"
CHUNK = 1 << 20
DATA, FILES, END = b"D", b"F", b"E"
FORMAT = 2
_CHECK_LABEL = b"aidtrail backup key check"


class BackupError(Exception):
    """The backup cannot be made or opened; the message says why, with no secrets."""


def backup_key(directory: str) -> bytes:
    path = keys_dir(directory) / KEY_FILE
    text = load_or_create(path, lambda: base64.b64encode(os.urandom(32)).decode())
    key = base64.b64decode(text)
    if len(key) != 32:
        raise BackupError(f"{path} does not hold a 32-byte key")
    return key


def key_check(key: bytes) -> str:
    """A value that names the key without revealing it, so a wrong key is refused plainly."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:16]


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()[:16]


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"aidtrail backup v1")
    return AESGCM(hkdf.derive(key))


def _nonce(counter: int) -> bytes:
    return counter.to_bytes(12, "big")


class SealedWriter:
    def __init__(self, out: IO[bytes], key: bytes, header: dict[str, Any]) -> None:
        salt = os.urandom(16)
        header = {**header, "format": FORMAT, "salt": salt.hex(), "key_check": key_check(key)}
        raw = json.dumps(header, sort_keys=True).encode()
        out.write(MAGIC + struct.pack(">I", len(raw)) + raw)
        self._out, self._aead, self._counter = out, _file_key(key, salt), 0
        self._ad = hashlib.sha256(raw).digest()
        self._buf, self._kind = bytearray(), DATA

    def write(self, data: bytes, kind: bytes = DATA) -> None:
        if kind != self._kind:
            self._flush()  # a record never mixes the database with the files
            self._kind = kind
        self._buf += data
        while len(self._buf) >= CHUNK:
            self._record(self._kind, bytes(self._buf[:CHUNK]))
            del self._buf[:CHUNK]

    def _flush(self) -> None:
        if self._buf:
            self._record(self._kind, bytes(self._buf))
            self._buf.clear()

    def close(self, manifest: dict[str, Any]) -> None:
        self._flush()
        self._record(END, json.dumps(manifest, sort_keys=True).encode())
        self._out.flush()
        os.fsync(self._out.fileno())

    def _record(self, kind: bytes, plain: bytes) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter), plain, self._ad + kind)
        self._counter += 1
        self._out.write(kind + struct.pack(">I", len(sealed)) + sealed)


def read_header(fh: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    if fh.read(len(MAGIC)) != MAGIC:
        raise BackupError("not an AidTrail backup (or made by an unknown version)")
    (size,) = struct.unpack(">I", _exact(fh, 4))
    if size > 1 << 20:
        raise BackupError("backup header is damaged")
    raw = _exact(fh, size)
    try:
        header: dict[str, Any] = json.loads(raw)
    except ValueError:
        raise BackupError("backup header is damaged") from None
    return header, raw


class SealedReader:
    """Opens records one by one; `records()` yields (kind, data), then `manifest` holds END."""

    def __init__(self, fh: IO[bytes], key: bytes) -> None:
        self.header, raw = read_header(fh)
        if self.header.get("key_check") != key_check(key):
            raise BackupError(
                "this backup was sealed with a different backup key "
                f"(backup key check {self.header.get('key_check')}, "
                f"this instance {key_check(key)}); use the keys directory saved with it"
            )
        self._fh, self._ad, self._counter = fh, hashlib.sha256(raw).digest(), 0
        self._aead = _file_key(key, bytes.fromhex(self.header["salt"]))
        self.manifest: dict[str, Any] | None = None

    def records(self) -> Iterator[tuple[bytes, bytes]]:
        while True:
            kind = self._fh.read(1)
            if not kind:
                raise BackupError("backup is truncated: its final record is missing")
            if kind not in (DATA, FILES, END):
                raise BackupError("backup is damaged: unknown record")
            (size,) = struct.unpack(">I", _exact(self._fh, 4))
            if size > CHUNK + 64 and kind != END:
                raise BackupError("backup is damaged: oversized record")
            try:
                plain = self._aead.decrypt(
                    _nonce(self._counter), _exact(self._fh, size), self._ad + kind
                )
            except InvalidTag:
                raise BackupError(
                    f"backup is damaged or was altered (record {self._counter} fails "
                    "its authentication check); nothing was restored from it"
                ) from None
            self._counter += 1
            if kind == END:
                if self._fh.read(1):
                    raise BackupError("backup is damaged: data after its final record")
                self.manifest = json.loads(plain)
                return
            yield kind, plain


def _exact(fh: IO[bytes], n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise BackupError("backup is truncated")
    return data


def data_key_fingerprints(directory: str) -> list[str]:
    path = Path(directory) / "data.keys"
    if not path.exists():
        return []
    return [fingerprint(line) for line in path.read_text().splitlines() if line.strip()]
