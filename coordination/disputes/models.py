"""Disputes: challenges to a claim, answered from the ledger, with a recorded outcome."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.deliveries.models import Delivery, Evidence, Handover
from coordination.parties.models import Party, new_public_id


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the challenge stands: the claim was wrong
    REJECTED = "rejected"  # the claim stands


class ClaimKind(enum.StrEnum):
    HANDOVER = "handover"  # a handover recorded in AidTrail
    EXTERNAL = "external"  # a report outside AidTrail (news, an official's report)


class Dispute(Base):
    __tablename__ = "dispute"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    # Random code for the shareable public page, set when it is made public.
    share_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    claim_kind: Mapped[ClaimKind] = mapped_column(str_enum(ClaimKind))
    # The group that challenges (None when an auditor opens it).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handover.id"), index=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"), index=True)
    claim_text: Mapped[str] = mapped_column(Text)
    claim_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[DisputeStatus] = mapped_column(
        str_enum(DisputeStatus), default=DisputeStatus.OPEN, index=True
    )
    outcome_note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every change; a form or API call sending an older one gets 409.
    version: Mapped[int] = mapped_column(default=1)

    group: Mapped[Party | None] = relationship()
    handover: Mapped[Handover | None] = relationship()
    delivery: Mapped[Delivery | None] = relationship()
    evidence: Mapped[list[DisputeEvidence]] = relationship(
        back_populates="dispute", cascade="all, delete-orphan", order_by="DisputeEvidence.id"
    )


class DisputeEvidence(Base):
    __tablename__ = "dispute_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("dispute.id", ondelete="CASCADE"), index=True
    )
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)

    dispute: Mapped[Dispute] = relationship(back_populates="evidence")
    evidence: Mapped[Evidence] = relationship()
