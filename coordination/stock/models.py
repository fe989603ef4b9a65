"""Lots (a quantity of one item at one location with exactly one origin) and movements."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.catalog.models import Item
from coordination.db import Base, UTCDateTime, utcnow
from coordination.parties.models import Location, new_public_id


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class OriginKind(enum.StrEnum):
    BATCH = "batch"
    IN_KIND = "in_kind"
    PURCHASE = "purchase"
    KIT = "kit"


class MovementKind(enum.StrEnum):
    IN = "in"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    TAKE = "take"
    ADJUST = "adjust"


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    # The ORIGINAL origin: a lot split off by a transfer keeps it and names its parent.
    # origin_id points into the table origin_kind names (production_batch, in_kind_donation,
    # purchase, lot for a kit), so it carries no foreign key.
    origin_kind: Mapped[OriginKind] = mapped_column(_enum(OriginKind), index=True)
    origin_id: Mapped[int] = mapped_column(index=True)
    parent_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    location: Mapped[Location] = relationship()
    parent: Mapped[Lot | None] = relationship(remote_side=[id])


class StockMovement(Base):
    """Audit of every quantity change; the ledger is the record, this is its projection."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(_enum(MovementKind))
    delta: Mapped[int] = mapped_column()
    other_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
