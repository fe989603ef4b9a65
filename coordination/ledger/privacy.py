"""What may go into a ledger entry, and salted commitments for what may not.

The contract (DESIGN §3, §4): entry data holds pseudonymous ids (Party.public_id,
User.public_id, Item.code), quantities, dates, public names of groups, campaigns and donors
who agreed to be named, and commitments. A personal value (a household's name, phone or
address; an individual volunteer's name) enters the ledger only as `commit(value, salt)`
under a key ending in `_commitment`; the salt stays in the database beside the encrypted
value, so its holder can later prove what was committed without publishing it.

`check_public` is a guard against mistakes, not a proof of anonymity. It refuses:
- keys named like a personal column (every EncryptedText column in the models, plus a few
  words such as "phone", "email", "address"), unless they hold a commitment;
- `*_commitment` keys whose value is not a commitment, None (nothing committed) or, for the
  parallel arrays of an import chunk, a list of those;
- strings shaped like a phone number (10..15 digits with only phone punctuation): ids are
  16 hex characters and quantities are ints, so legitimate data does not look like that.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

COMMITMENT = re.compile(r"sha256:[0-9a-f]{64}")
COMMITMENT_SUFFIX = "_commitment"
SALT_BYTES = 16
_PHONE_CHARS = re.compile(r"\+?[0-9 ()\-.]+")
# Substrings that mark a key as personal whatever table it came from.
_PERSONAL_WORDS = (
    "phone",
    "address",
    "email",
    "passport",
    "birth",
    "surname",
    "patronymic",
    "first_name",
    "last_name",
    "full_name",
    "private_name",
    "username",
    "password",
    # Free text staff type that may name a person: in the ledger only as a commitment.
    "earmark",
)
# One regex instead of a substring test per word: the check runs on every key of every append.
_PERSONAL_RE = re.compile("|".join(re.escape(w) for w in _PERSONAL_WORDS))


@dataclass(frozen=True)
class Sealed:
    """A value an entry may hold only as commit(value, fresh salt): append() seals it.

    `value` is what the commitment opens to ("party:<public id>", "user:<public id>", or the
    canonical JSON of a need's lines); `subject` is who may open it for themselves (the
    household or unit, "party:<public id>"), kept beside the salt, never in the entry.
    A fresh salt per entry means the same household gives a different commitment in every
    entry, so the public record never carries a stable pseudonym of it (DESIGN §3).
    """

    value: str
    subject: str | None = None


def sealed_party(public_id: str) -> Sealed:
    return Sealed(f"party:{public_id}", f"party:{public_id}")


def sealed_user(public_id: str) -> Sealed:
    return Sealed(f"user:{public_id}", f"user:{public_id}")


class PersonalDataError(ValueError):
    """A ledger entry would have published personal data; the append is refused."""


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def commit(value: str, salt: bytes) -> str:
    """SHA-256(salt ‖ UTF-8 value) as "sha256:<hex>". Normalise `value` first (trim, case)."""
    if len(salt) < SALT_BYTES:
        raise ValueError(f"a commitment salt needs at least {SALT_BYTES} random bytes")
    return "sha256:" + hashlib.sha256(bytes(salt) + value.encode("utf-8")).hexdigest()


def opens(commitment: str, value: str, salt: bytes) -> bool:
    """True if `value` and `salt` are what `commitment` committed to."""
    return hmac.compare_digest(commitment, commit(value, salt))


def check_public(data: dict[str, Any]) -> None:
    """Raise PersonalDataError naming the first key path that breaks the contract above."""
    personal = _personal_column_names()
    for path, key, value in _walk(data, "data"):
        lowered = key.lower()
        if lowered.endswith(COMMITMENT_SUFFIX):
            # None: nothing to commit (no earmark); a list: one per row of an import chunk.
            values = value if isinstance(value, list) else [value]
            if not all(
                v is None or (isinstance(v, str) and COMMITMENT.fullmatch(v)) for v in values
            ):
                raise PersonalDataError(f"{path} must be a commitment (sha256:<64 hex>)")
            continue
        if lowered in personal or _PERSONAL_RE.search(lowered):
            raise PersonalDataError(
                f"{path} names personal data; publish commit(value, salt) as "
                f"{key}{COMMITMENT_SUFFIX} instead"
            )
        if isinstance(value, str) and _looks_like_phone(value):
            raise PersonalDataError(f"{path} looks like a phone number; commit it instead")


def _looks_like_phone(text: str) -> bool:
    if not _PHONE_CHARS.fullmatch(text):
        return False
    digits = sum(c.isdigit() for c in text)
    return 10 <= digits <= 15


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a non-string key {key!r}")
            child = f"{path}.{key}"
            yield child, key, item
            yield from _walk(item, child)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            child = f"{path}[{i}]"
            if isinstance(item, str) and _looks_like_phone(item):
                raise PersonalDataError(f"{child} looks like a phone number; commit it instead")
            yield from _walk(item, child)


_cache: tuple[int, frozenset[str]] = (-1, frozenset())


def _personal_column_names() -> frozenset[str]:
    """Names of every EncryptedText column: a key with such a name is personal by definition."""
    global _cache
    from coordination.crypto import EncryptedText
    from coordination.db import Base

    tables = Base.metadata.tables
    if _cache[0] != len(tables):  # recompute when another domain's models were imported
        names = {
            column.name.lower()
            for table in tables.values()
            for column in table.columns
            if isinstance(column.type, EncryptedText)
        }
        _cache = (len(tables), frozenset(names))
    return _cache[1]
