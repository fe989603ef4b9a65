"""The ledger proof a paper document carries: its entry, a tlog-proof for the proof code,
and the address for the other code."""

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

    The proof has no "extra" line: nothing in it would be signed, and a verifier takes the
    page to open from the checkpoint's origin (ledger/paper.py), so it would only be
    bytes a forger could change. The address is printed as a code of its own.
    """
    entry = session.get(LedgerEntry, index)
    if entry is None:
        raise ValueError(f"ledger entry {index} does not exist")
    text = tlog_proof(session, signer, index, policy)
    return Proof(index=index, entry_body=entry.body, tlog_proof=text, verify_url=verify_url)
