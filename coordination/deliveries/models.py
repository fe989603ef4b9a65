"""Deliveries, their lines, the custody chain (handovers), evidence and receipts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.accounts.models import User
from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.needs.models import NeedLine
from coordination.parties.models import Location, Party, Region, new_public_id
from coordination.stock.models import Lot

MAX_QUANTITY = 100_000


class DeliveryStatus(enum.StrEnum):
    DRAFT = "draft"
    PACKED = "packed"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


class HandoverRole(enum.StrEnum):
    SOURCE = "source"
    COLLECTOR = "collector"
    CARRIER = "carrier"
    PRESENTER = "presenter"  # hands goods over in public; never a source
    RECIPIENT = "recipient"


class EvidenceKind(enum.StrEnum):
    PHOTO = "photo"
    RECEIPT_SCAN = "receipt_scan"  # a scan of a signed receipt or act
    REPORT = "report"  # a picture of an outside claim (a news report, an official's report)


class LineCondition(enum.StrEnum):
    OK = "ok"
    SHORT = "short"
    DAMAGED = "damaged"


class Delivery(Base):
    __tablename__ = "delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    # Random, public, given at dispatch: /verify/<code>. Carries no id and no personal data.
    code: Mapped[str | None] = mapped_column(String(24), unique=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus), default=DeliveryStatus.DRAFT, index=True
    )
    # The coordinator scope: the region the goods leave from.
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    # A unit, a household or a group receiving goods; None for a move to a hub.
    to_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    # Set for a delivery to a hub or warehouse: the goods become lots there on arrival.
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    expected_on: Mapped[date | None] = mapped_column(Date)
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    vehicle: Mapped[str | None] = mapped_column(String(60))
    driver: Mapped[str | None] = mapped_column(EncryptedText)  # a person's name
    comments: Mapped[str | None] = mapped_column(EncryptedText)
    packages: Mapped[int | None] = mapped_column()  # package count N for "n/N" labels
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    packed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # confirmed/disputed/cancelled
    # The ledger index of the delivery.dispatched entry: the manifest's QR proves this one.
    dispatch_entry: Mapped[int | None] = mapped_column(BigInteger)
    # Bumped by every change; a form or API call sending an older one gets 409.
    version: Mapped[int] = mapped_column(default=1)

    region: Mapped[Region] = relationship()
    from_location: Mapped[Location] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location | None] = relationship(foreign_keys=[to_location_id])
    to_party: Mapped[Party | None] = relationship(foreign_keys=[to_party_id])
    carrier: Mapped[Party | None] = relationship(foreign_keys=[carrier_id])
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[DeliveryLine]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="DeliveryLine.id"
    )
    handovers: Mapped[list[Handover]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="Handover.at"
    )
    receipts: Mapped[list[Receipt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="Receipt.id"
    )


class DeliveryLine(Base):
    """Goods from one lot, towards one need line (or none, for a move to a hub)."""

    __tablename__ = "delivery_line"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
        CheckConstraint("quantity_received >= 0", name="received_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), index=True
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    need_line_id: Mapped[int | None] = mapped_column(ForeignKey("need_line.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    quantity_received: Mapped[int | None] = mapped_column()
    box_number: Mapped[int | None] = mapped_column()
    weight_grams: Mapped[int | None] = mapped_column()

    delivery: Mapped[Delivery] = relationship(back_populates="lines")
    lot: Mapped[Lot] = relationship()
    need_line: Mapped[NeedLine | None] = relationship()


class Handover(Base):
    """One custody step: from a party in a role to a party in a role, at a town, at a time."""

    __tablename__ = "handover"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), index=True
    )
    from_party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    from_role: Mapped[HandoverRole] = mapped_column(str_enum(HandoverRole))
    to_party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    to_role: Mapped[HandoverRole] = mapped_column(str_enum(HandoverRole))
    place: Mapped[str] = mapped_column(String(120))  # town level, never a street
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    entry_index: Mapped[int | None] = mapped_column(BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="handovers")
    from_party: Mapped[Party] = relationship(foreign_keys=[from_party_id])
    to_party: Mapped[Party] = relationship(foreign_keys=[to_party_id])
    region: Mapped[Region | None] = relationship()
    lines: Mapped[list[HandoverLine]] = relationship(
        back_populates="handover", cascade="all, delete-orphan", order_by="HandoverLine.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="handover", order_by="Evidence.id"
    )


class HandoverLine(Base):
    __tablename__ = "handover_line"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(
        ForeignKey("handover.id", ondelete="CASCADE"), index=True
    )
    delivery_line_id: Mapped[int] = mapped_column(ForeignKey("delivery_line.id"), index=True)
    quantity: Mapped[int] = mapped_column()

    handover: Mapped[Handover] = relationship(back_populates="lines")
    delivery_line: Mapped[DeliveryLine] = relationship()


class Evidence(Base):
    """A re-encoded photo or scan. The file lives outside static/ under `stored_name`.

    Attached to a handover, or standing alone (a dispute links it from its own table).
    """

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    handover_id: Mapped[int | None] = mapped_column(
        ForeignKey("handover.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EvidenceKind] = mapped_column(str_enum(EvidenceKind))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random
    content_type: Mapped[str] = mapped_column(String(32))
    original_sha256: Mapped[str] = mapped_column(String(64))
    stored_sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    byte_size: Mapped[int] = mapped_column()
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_index: Mapped[int | None] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    handover: Mapped[Handover | None] = relationship(back_populates="evidence")


class Receipt(Base):
    """The recipient's word on what arrived, line by line."""

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    entry_index: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="receipts")
    lines: Mapped[list[ReceiptLine]] = relationship(
        back_populates="receipt", cascade="all, delete-orphan", order_by="ReceiptLine.id"
    )


class ReceiptLine(Base):
    __tablename__ = "receipt_line"
    __table_args__ = (CheckConstraint("quantity_received >= 0", name="received_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(
        ForeignKey("receipt.id", ondelete="CASCADE"), index=True
    )
    delivery_line_id: Mapped[int] = mapped_column(ForeignKey("delivery_line.id"), index=True)
    quantity_received: Mapped[int] = mapped_column()
    condition: Mapped[LineCondition] = mapped_column(
        str_enum(LineCondition), default=LineCondition.OK
    )

    receipt: Mapped[Receipt] = relationship(back_populates="lines")
    delivery_line: Mapped[DeliveryLine] = relationship()
