"""Password policy (NIST SP 800-63B style) and argon2id hashing."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 256

# RFC 9106 second recommended option (64 MiB, 3 passes): affordable on a laptop, costly to crack.
STRONG = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# For the test suite only, where thousands of hashes would otherwise take minutes.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

_hasher = STRONG
_dummy: dict[int, str] = {}


def configure(fast: bool) -> None:
    global _hasher
    _hasher = FAST if fast else STRONG


def _dummy_hash() -> str:
    # Verified against when the username is unknown, so both failures cost the same time.
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash("aidtrail-timing-equaliser")
    return _dummy[key]


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def policy_error(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None. No composition rules: length and commonness."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if "\x00" in password:
        return "The password contains a character that cannot be used."
    lowered = password.lower()
    if lowered in _common():
        return "This password is too common; choose another."
    if username and lowered == username.lower():
        return "The password must differ from the username."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
