"""The attribution report of a dispute: the goods in question, their true sources, the custody
chain with roles, and the ledger entries of the dispute proven against the latest signed
checkpoint. Only public ids and public labels: it backs the public page too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.disputes.models import Dispute
from coordination.disputes.services import handover_roles
from coordination.ledger import merkle
from coordination.ledger.models import LedgerCheckpoint, LedgerEntry
from coordination.ledger.proofs import inclusion_proof

DISPUTE_KINDS = ("dispute.opened", "dispute.evidence_added", "dispute.resolved", "dispute.shared")


@dataclass
class ProvenEntry:
    index: int
    kind: str
    day: str
    proven: bool | None  # None: not yet covered by a signed checkpoint


@dataclass
class Report:
    lines: list[dict[str, Any]] = field(default_factory=list)
    chain: list[dict[str, Any]] = field(default_factory=list)
    entries: list[ProvenEntry] = field(default_factory=list)
    checkpoint: LedgerCheckpoint | None = None


def report_for(
    session: Session, dispute: Dispute, checkpoint: LedgerCheckpoint | None = None
) -> Report:
    report = Report(checkpoint=checkpoint)
    delivery = dispute.delivery
    if delivery is not None:
        report.lines = [_line(session, line) for line in delivery.lines]
        report.chain = [
            {**handover_roles(h), "challenged": h.id == dispute.handover_id}
            for h in delivery.handovers
        ]
    marker = f'"dispute":"{dispute.public_id}"'
    rows = session.execute(
        select(LedgerEntry.index, LedgerEntry.kind, LedgerEntry.created_at, LedgerEntry.leaf_hash)
        .where(LedgerEntry.kind.in_(DISPUTE_KINDS), LedgerEntry.body.contains(marker))
        .order_by(LedgerEntry.index)
    ).all()
    for index, kind, at, leaf in rows:
        report.entries.append(
            ProvenEntry(
                index, kind, at.date().isoformat(), _proven(session, checkpoint, index, leaf)
            )
        )
    return report


def latest_entry(session: Session, dispute: Dispute) -> int | None:
    """The index of the dispute's newest ledger entry: the one a printed report proves."""
    marker = f'"dispute":"{dispute.public_id}"'
    return session.scalar(
        select(LedgerEntry.index)
        .where(LedgerEntry.kind.in_(DISPUTE_KINDS), LedgerEntry.body.contains(marker))
        .order_by(LedgerEntry.index.desc())
        .limit(1)
    )


def _line(session: Session, line: Any) -> dict[str, Any]:
    from coordination.disputes.sources import sources_of_line

    return {
        "item": line.lot.item.code,
        "size": line.lot.size,
        "quantity": line.quantity,
        "received": line.quantity_received,
        "sources": sources_of_line(session, line),
    }


def _proven(
    session: Session, checkpoint: LedgerCheckpoint | None, index: int, leaf: bytes
) -> bool | None:
    if checkpoint is None or index >= checkpoint.size:
        return None
    try:
        merkle.verify_inclusion(
            leaf,
            index,
            checkpoint.size,
            inclusion_proof(session, index, checkpoint.size),
            checkpoint.root,
        )
    except ValueError:
        return False
    return True
