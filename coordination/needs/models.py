"""Needs (supply requests), their lines and their decision history."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.parties.models import Location, Party, Region, new_public_id

MAX_QUANTITY = 10_000


class NeedStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


# Demand that still waits for goods: what the board and the volunteers' demand list show.
OPEN_DEMAND = (NeedStatus.APPROVED, NeedStatus.PARTIALLY_FULFILLED)


class DeliveryKind(enum.StrEnum):
    REGION = "region"
    TOWN = "town"
    HUB = "hub"
    PRIVATE_ADDRESS = "private_address"


class Priority(enum.StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class NeedEventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    EDITED = "edited"
    APPROVED = "approved"
    REJECTED = "rejected"
    LINE_UNAVAILABLE = "line_unavailable"
    MERGED = "merged"
    CANCELLED = "cancelled"
    COMMENT = "comment"


class Need(Base):
    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    delivery_kind: Mapped[DeliveryKind] = mapped_column(str_enum(DeliveryKind, 24))
    # Town level only: a street address goes into the encrypted field below.
    town: Mapped[str | None] = mapped_column(String(120))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    address: Mapped[str | None] = mapped_column(EncryptedText)
    serviceman_name: Mapped[str | None] = mapped_column(EncryptedText)
    serviceman_unit: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[NeedStatus] = mapped_column(str_enum(NeedStatus, 24), index=True)
    decision_reason: Mapped[str | None] = mapped_column(EncryptedText)
    # Exactly once: the form's hidden token (or the API's Idempotency-Key) can create one need.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("need.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    party: Mapped[Party] = relationship()
    created_by: Mapped[User | None] = relationship()
    region: Mapped[Region] = relationship()
    location: Mapped[Location | None] = relationship()
    merged_into: Mapped[Need | None] = relationship(remote_side=[id])
    lines: Mapped[list[NeedLine]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedLine.id"
    )
    events: Mapped[list[NeedEvent]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once

    @property
    def is_open(self) -> bool:
        return self.status in (NeedStatus.SUBMITTED, *OPEN_DEMAND)


class NeedLine(Base):
    __tablename__ = "need_line"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
        CheckConstraint(
            "quantity_allocated >= 0 AND quantity_dispatched >= 0 AND quantity_received >= 0",
            name="progress_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, 24), default=Priority.NORMAL)
    needed_by: Mapped[date | None] = mapped_column(Date)
    # Free text from a family may name people: encrypted like every personal field.
    note: Mapped[str | None] = mapped_column(EncryptedText)
    unavailable: Mapped[bool] = mapped_column(Boolean, default=False)
    # Projections kept up to date by stock and deliveries as they are built.
    quantity_allocated: Mapped[int] = mapped_column(default=0)
    quantity_dispatched: Mapped[int] = mapped_column(default=0)
    quantity_received: Mapped[int] = mapped_column(default=0)

    need: Mapped[Need] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()

    @property
    def remaining(self) -> int:
        done = max(self.quantity_allocated, self.quantity_dispatched, self.quantity_received)
        return max(self.quantity - done, 0)


class NeedEvent(Base):
    """One decision or comment on a need: who, what, why, when."""

    __tablename__ = "need_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[NeedEventKind] = mapped_column(str_enum(NeedEventKind, 24))
    text: Mapped[str | None] = mapped_column(EncryptedText)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    need: Mapped[Need] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
