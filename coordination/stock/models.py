"""Lots (a quantity of one item at one location with exactly one origin) and movements."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.catalog.models import Item
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.parties.models import Location, new_public_id


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
    KIT_USE = "kit_use"  # components consumed by a kit assembly
    RESERVE = "reserve"  # allocated to a delivery (quantity unchanged, reserved grows)
    RELEASE = "release"  # a reservation given back


class AdjustReason(enum.StrEnum):
    LOST = "lost"
    DAMAGED = "damaged"
    RECOUNT = "recount"


class Lot(Base):
    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("reserved >= 0 AND reserved <= quantity", name="reserved_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    # Allocated to deliveries not yet dispatched; available = quantity - reserved.
    reserved: Mapped[int] = mapped_column(default=0, server_default="0")
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    # The ORIGINAL origin: a lot split off by a transfer keeps it and names its parent.
    # origin_id points into the table origin_kind names (production_batch, in_kind_donation,
    # purchase, kit_assembly), so it carries no foreign key.
    origin_kind: Mapped[OriginKind] = mapped_column(str_enum(OriginKind), index=True)
    origin_id: Mapped[int] = mapped_column(index=True)
    parent_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    # Index of the ledger entry that created the lot (origin, transfer or kit assembly), so a
    # correction can name the entry it supersedes.
    entry_index: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    item: Mapped[Item] = relationship()
    location: Mapped[Location] = relationship()
    parent: Mapped[Lot | None] = relationship(remote_side=[id])


class StockMovement(Base):
    """Audit of every quantity change; the ledger is the record, this is its projection."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    kind: Mapped[MovementKind] = mapped_column(str_enum(MovementKind))
    delta: Mapped[int] = mapped_column()
    other_lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # For adjustments: lost, damaged or recount (AdjustReason), and the ledger entry written.
    reason: Mapped[str | None] = mapped_column(String(16))
    entry_index: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KitAssembly(Base):
    """Kits put together from component lots; the kit lot's origin is this assembly."""

    __tablename__ = "kit_assembly"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    assembled_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()
    location: Mapped[Location] = relationship()
    components: Mapped[list[KitComponentUse]] = relationship(
        back_populates="assembly", cascade="all, delete-orphan", order_by="KitComponentUse.id"
    )


class KitComponentUse(Base):
    """How much of which component lot went into an assembly: the kit's sources."""

    __tablename__ = "kit_component_use"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(
        ForeignKey("kit_assembly.id", ondelete="CASCADE"), index=True
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    quantity: Mapped[int] = mapped_column()

    assembly: Mapped[KitAssembly] = relationship(back_populates="components")
    lot: Mapped[Lot] = relationship()
