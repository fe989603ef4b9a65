"""The ledger proof a paper document carries: its entry, and a tlog-proof for the QR code."""

from __future__ import annotations

from sqlalchemy.orm import Session

from coordination.documents.data import Proof
from coordination.ledger import note
from coordination.ledger.checkpoints import tlog_proof
from coordination.ledger.models import LedgerEntry
from coordination.ledger.policy import Policy


def entry_proof(
    session: Session,
    signer: note.Signer,
    index: int,
    verify_url: str,
    policy: Policy | None = None,
) -> Proof:
    """Signs a checkpoint if the log grew (call it in a transaction that may write).

    With a witness policy the proof rests on the newest checkpoint its quorum cosigned,
    when that covers the entry, and carries the cosignatures either way.

    The verify address rides in the proof's extra data, so the QR code is one standard
    tlog-proof and a reader finds both the proof and where to look the delivery up.
    """
    entry = session.get(LedgerEntry, index)
    if entry is None:
        raise ValueError(f"ledger entry {index} does not exist")
    parsed = note.parse_tlog_proof(tlog_proof(session, signer, index, policy))
    text = note.format_tlog_proof(
        parsed.index, parsed.hashes, parsed.checkpoint, extra=verify_url.encode("utf-8")
    )
    return Proof(index=index, entry_body=entry.body, tlog_proof=text, verify_url=verify_url)
