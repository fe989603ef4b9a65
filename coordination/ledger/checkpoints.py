"""Signed checkpoints: C2SP tlog-checkpoint notes over the tree as it stands, all kept.

Checkpoints are signed on demand, when somebody asks for the latest one and the tree has
grown since the last (the public endpoint, the /ledger page, export, manifests), and by
`flask ledger checkpoint` for a cron job. Appends stay one signature cheaper; any entry
is covered by a signature the first time anybody looks.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from coordination.ledger import note
from coordination.ledger.models import LedgerCheckpoint
from coordination.ledger.policy import Policy
from coordination.ledger.proofs import inclusion_proof, root_at
from coordination.ledger.witnesses.quorum import cosigned_note, newest_witnessed


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    return session.scalars(
        select(LedgerCheckpoint).order_by(LedgerCheckpoint.size.desc()).limit(1)
    ).first()


def lock_head(session: Session) -> int:
    """Lock the head row without changing it and return the tree size.

    Call this first in a transaction: on SQLite a no-op UPDATE takes the write lock and,
    as the transaction's first statement, waits for it properly (a read transaction that
    later tries to write fails at once when another writer committed in between).
    """
    if session.get_bind().dialect.name == "postgresql":
        stmt = text("SELECT size FROM ledger_head WHERE id = 1 FOR UPDATE")
    else:
        stmt = text("UPDATE ledger_head SET size = size WHERE id = 1 RETURNING size")
    return int(session.execute(stmt).scalar_one())


def sign_checkpoint(session: Session, signer: note.Signer) -> LedgerCheckpoint:
    """Return a checkpoint of the whole tree, signing and storing one if the tree grew.

    The head lock serialises signers with each other and with appends, so one size never
    gets two checkpoints and no checkpoint covers an entry that is not committed with it.
    """
    size = lock_head(session)
    latest = latest_checkpoint(session)
    if latest is not None and latest.size >= size:
        return latest
    root = root_at(session, size)
    signed = note.sign_checkpoint(signer, size, root)
    checkpoint = LedgerCheckpoint(size=size, root=root, note=signed)
    session.add(checkpoint)
    session.flush()
    return checkpoint


def tlog_proof(
    session: Session, signer: note.Signer, index: int, policy: Policy | None = None
) -> str:
    """A C2SP tlog-proof@v1 for entry `index` (for manifests' QR codes): the audit path to
    a checkpoint that covers it, and that checkpoint's signed note with the witnesses'
    cosignatures appended, checkable offline.

    With a witness policy, the newest checkpoint the quorum cosigned is used when it covers
    the entry; otherwise the latest (carrying whatever cosignatures it has). Signs a
    checkpoint if the tree grew, so call it in a writing transaction.
    """
    witnessed = newest_witnessed(session, policy, min_size=index + 1) if policy else None
    if witnessed is not None:
        checkpoint, signed = witnessed.checkpoint, witnessed.note
    else:
        checkpoint = sign_checkpoint(session, signer)
        signed = cosigned_note(session, checkpoint)
    if not 0 <= index < checkpoint.size:
        raise ValueError(f"entry {index} is not in the log")
    path = inclusion_proof(session, index, checkpoint.size)
    return note.format_tlog_proof(index, path, signed)
