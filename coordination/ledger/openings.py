"""Sealing values into commitments at append time, and opening them again later.

A service puts `Sealed(value)` into an entry's data (and append() seals the actor); here each
becomes commit(value, fresh salt) and the value and salt are kept, encrypted, in
`ledger_opening` under the entry's index and the commitment's path. Opening an entry gives
back every (path, commitment, value, salt) and checks that they still match the entry as
stored, so what an auditor is shown is what the public entry committed to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.ledger.models import LedgerEntry, LedgerOpening
from coordination.ledger.privacy import COMMITMENT_SUFFIX, Sealed, commit, new_salt, opens


@dataclass
class Pending:
    """A commitment made for an entry whose index is not known yet."""

    path: str
    value: str
    salt: bytes
    subject: str | None


@dataclass
class Opening:
    index: int
    path: str
    commitment: str
    value: str
    salt: str  # hex
    ok: bool  # the value and salt open the commitment in the stored entry

    def public(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "path": self.path,
            "commitment": self.commitment,
            "value": self.value,
            "salt": self.salt,
            "ok": self.ok,
        }


def seal(value: Sealed, path: str, pending: list[Pending]) -> str:
    salt = new_salt()
    pending.append(Pending(path, value.value, salt, value.subject))
    return commit(value.value, salt)


def seal_data(data: Any, path: str, pending: list[Pending]) -> Any:
    """A copy of `data` with every Sealed value replaced by its commitment.

    Only keys ending in `_commitment` may hold a Sealed value (or a list of them), so the
    public shape says which fields are commitments and privacy.check_public verifies them.
    """
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, item in data.items():
            child = f"{path}.{key}"
            if isinstance(item, Sealed):
                if not str(key).endswith(COMMITMENT_SUFFIX):
                    raise ValueError(f"{child}: a sealed value goes under a *_commitment key")
                out[key] = seal(item, child, pending)
            else:
                out[key] = seal_data(item, child, pending)
        return out
    if isinstance(data, list | tuple):
        if any(isinstance(v, Sealed) for v in data) and not path.endswith(COMMITMENT_SUFFIX):
            raise ValueError(f"{path}: a sealed value goes under a *_commitment key")
        return [
            seal(v, f"{path}[{i}]", pending)
            if isinstance(v, Sealed)
            else seal_data(v, f"{path}[{i}]", pending)
            for i, v in enumerate(data)
        ]
    return data


def keep(session: Session, index: int, pending: list[Pending]) -> None:
    for p in pending:
        session.add(
            LedgerOpening(
                index=index,
                path=p.path,
                subject=p.subject,
                commit_value=p.value,
                commit_salt=p.salt.hex(),
            )
        )


def open_entry(session: Session, index: int) -> list[Opening]:
    """Every commitment of entry `index` opened, each checked against the stored entry."""
    entry = session.get(LedgerEntry, index)
    if entry is None:
        raise LookupError(f"entry {index} is not in the ledger")
    rows = session.scalars(
        select(LedgerOpening).where(LedgerOpening.index == index).order_by(LedgerOpening.path)
    ).all()
    body = json.loads(entry.body)
    return [_opening(body, row) for row in rows]


def openings_of(session: Session, subject: str) -> list[Opening]:
    """Every commitment that opens to `subject` ("party:<id>", "user:<id>"), in log order:
    what a household (or an account holder) may open for itself."""
    rows = session.scalars(
        select(LedgerOpening)
        .where(LedgerOpening.subject == subject)
        .order_by(LedgerOpening.index, LedgerOpening.path)
    ).all()
    found: list[Opening] = []
    bodies: dict[int, Any] = {}
    for row in rows:
        if row.index not in bodies:
            entry = session.get(LedgerEntry, row.index)
            bodies[row.index] = json.loads(entry.body) if entry is not None else {}
        found.append(_opening(bodies[row.index], row))
    return found


def _opening(body: Any, row: LedgerOpening) -> Opening:
    commitment = _at(body, row.path)
    salt = bytes.fromhex(row.commit_salt)
    ok = isinstance(commitment, str) and opens(commitment, row.commit_value, salt)
    return Opening(row.index, row.path, str(commitment), row.commit_value, row.commit_salt, ok)


def _at(body: Any, path: str) -> Any:
    """The value at "actor" or "data.key[.key][i]" in a parsed entry (None if absent)."""
    node = body
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            i = int(part[1:-1])
            node = node[i] if isinstance(node, list) and i < len(node) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return node
