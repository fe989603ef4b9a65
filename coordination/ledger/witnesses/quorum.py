"""Reading cosignatures back: a checkpoint with its verified cosignatures, and the newest
checkpoint that meets the policy's quorum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.ledger.cosignature import CosignatureVerifier, append_signatures, split_note
from coordination.ledger.models import LedgerCheckpoint
from coordination.ledger.policy import Policy
from coordination.ledger.witnesses.models import WitnessContact, WitnessCosignature

SCAN = 50  # cosigned checkpoints looked at, newest first, when looking for a quorum


@dataclass(frozen=True)
class Witnessed:
    checkpoint: LedgerCheckpoint
    note: str  # the log's note with the cosignature lines appended
    cosigners: list[str]  # policy names of the witnesses that cosigned it


def valid_cosignature(text: str, row: WitnessCosignature) -> bool:
    try:
        verifier = CosignatureVerifier.from_key(row.witness_key)
        (line,) = split_note(text + "\n" + row.line)[1]
        verifier.verify(text, line.signature)
    except ValueError:
        return False
    return True


def cosigned_note(session: Session, checkpoint: LedgerCheckpoint) -> str:
    """The checkpoint's note plus every stored cosignature that verifies against it.

    A row that does not verify (left from a tree the log no longer has) is left out.
    """
    rows = session.scalars(
        select(WitnessCosignature)
        .where(WitnessCosignature.size == checkpoint.size)
        .order_by(WitnessCosignature.witness_key)
    ).all()
    text = split_note(checkpoint.note)[0]
    return append_signatures(checkpoint.note, [r.line for r in rows if valid_cosignature(text, r)])


def cosigned_notes(session: Session, upto: int) -> list[tuple[int, str]]:
    """(size, note with its valid cosignatures) of every checkpoint up to `upto`, in order."""
    rows: dict[int, list[WitnessCosignature]] = {}
    for row in session.scalars(
        select(WitnessCosignature)
        .where(WitnessCosignature.size <= upto)
        .order_by(WitnessCosignature.size, WitnessCosignature.witness_key)
    ):
        rows.setdefault(row.size, []).append(row)
    notes = session.execute(
        select(LedgerCheckpoint.size, LedgerCheckpoint.note)
        .where(LedgerCheckpoint.size <= upto)
        .order_by(LedgerCheckpoint.size)
    )
    result = []
    for size, signed in notes:
        text = split_note(signed)[0]
        lines = [r.line for r in rows.get(size, []) if valid_cosignature(text, r)]
        result.append((int(size), append_signatures(signed, lines)))
    return result


def newest_witnessed(session: Session, policy: Policy, min_size: int = 0) -> Witnessed | None:
    """The newest checkpoint of at least `min_size` entries whose cosignatures meet the quorum."""
    if policy.quorum == "none":
        checkpoint = session.scalars(
            select(LedgerCheckpoint)
            .where(LedgerCheckpoint.size >= min_size)
            .order_by(LedgerCheckpoint.size.desc())
            .limit(1)
        ).first()
        return None if checkpoint is None else Witnessed(checkpoint, checkpoint.note, [])
    sizes = session.scalars(
        select(WitnessCosignature.size)
        .where(WitnessCosignature.size >= min_size)
        .group_by(WitnessCosignature.size)
        .order_by(WitnessCosignature.size.desc())
        .limit(SCAN)
    ).all()
    for size in sizes:
        checkpoint = session.get(LedgerCheckpoint, size)
        if checkpoint is None:
            continue
        note = cosigned_note(session, checkpoint)
        names = policy.cosigners(note)
        if policy.satisfied(names):
            return Witnessed(checkpoint, note, names)
    return None


def overview(session: Session, policy: Policy) -> list[dict[str, Any]]:
    """Each witness of the policy: its key and URL, its last cosigned size and time."""
    keys = [w.verifier.key for w in policy.witnesses.values()]
    last = dict(
        session.execute(
            select(WitnessCosignature.witness_key, func.max(WitnessCosignature.size))
            .where(WitnessCosignature.witness_key.in_(keys))
            .group_by(WitnessCosignature.witness_key)
        ).all()
    )
    contacts = {
        c.witness_key: c
        for c in session.scalars(select(WitnessContact).where(WitnessContact.witness_key.in_(keys)))
    }
    rows = []
    for witness in policy.witnesses.values():
        key = witness.verifier.key
        size = last.get(key)
        row = (
            session.scalars(
                select(WitnessCosignature).where(
                    WitnessCosignature.witness_key == key, WitnessCosignature.size == size
                )
            ).first()
            if size is not None
            else None
        )
        contact = contacts.get(key)
        rows.append(
            {
                "name": witness.name,
                "key": key,
                "url": witness.url,
                "last_cosigned_size": size,
                "last_cosigned_at": _iso(row.timestamp) if row is not None else None,
                "last_attempt_at": _iso_dt(contact.last_attempt_at if contact else None),
                "last_error": contact.last_error if contact else None,
            }
        )
    return rows


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


def _iso_dt(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")
