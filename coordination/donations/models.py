"""Donations in kind (goods) and in money, and purchases made with money donations."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.catalog.models import Item
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.parties.models import Location, Party, new_public_id
from coordination.production.models import ProductionBatch

MAX_QUANTITY = 100_000


def new_receipt_code() -> str:
    """A code the donor keeps to follow its gift later: 12 URL-safe characters, 72 bits."""
    return secrets.token_urlsafe(9)


class InKindDonation(Base):
    __tablename__ = "in_kind_donation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    # None: an anonymous donor.
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    # Handed to the donor so it can later see where its goods went (no login, no personal data).
    receipt_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donor: Mapped[Party | None] = relationship()
    location: Mapped[Location] = relationship()
    lines: Mapped[list[InKindLine]] = relationship(
        back_populates="donation", cascade="all, delete-orphan", order_by="InKindLine.id"
    )


class InKindLine(Base):
    __tablename__ = "in_kind_line"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(
        ForeignKey("in_kind_donation.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()

    donation: Mapped[InKindDonation] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class MoneyStatus(enum.StrEnum):
    PLEDGED = "pledged"
    RECEIVED = "received"


class MoneyDonation(Base):
    """Money new to the system. Amounts are integer minor units (kopecks) in `currency`."""

    __tablename__ = "money_donation"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    # A donor, a campaign or an event; None: anonymous.
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    # The campaign or event the money was raised for (a party of kind campaign), if any.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    # The volunteer group that holds and spends the money; None: the network's coordinators.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    # Money passed on from another donation (one group to another): not new to the system,
    # so it is never counted as raised a second time.
    passed_from_id: Mapped[int | None] = mapped_column(ForeignKey("money_donation.id"))
    receipt_code: Mapped[str | None] = mapped_column(String(24), unique=True)
    amount_minor: Mapped[int] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(40))
    earmark: Mapped[str | None] = mapped_column(String(120))
    # The ledger holds commit(earmark, salt), never the free text (see amounts.py).
    earmark_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    status: Mapped[MoneyStatus] = mapped_column(str_enum(MoneyStatus), default=MoneyStatus.PLEDGED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donor: Mapped[Party | None] = relationship(foreign_keys=[donor_id])
    campaign: Mapped[Party | None] = relationship(foreign_keys=[campaign_id])
    holder: Mapped[Party | None] = relationship(foreign_keys=[holder_id])
    passed_from: Mapped[MoneyDonation | None] = relationship(remote_side=[id])


class Purchase(Base):
    """Goods bought with money from one or more received donations."""

    __tablename__ = "purchase"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    bought_on: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    # What was paid in all; the funding rows sum to it.
    total_minor: Mapped[int] = mapped_column(default=0, server_default="0")
    # A shop or a company, never a person.
    supplier: Mapped[str | None] = mapped_column(String(120))
    # What the money was for: an earmarked donation funds only a purchase with the same
    # earmark; a donation without one funds anything.
    earmark: Mapped[str | None] = mapped_column(String(120))
    earmark_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    buyer: Mapped[Party | None] = relationship()
    location: Mapped[Location] = relationship()
    funding: Mapped[list[PurchaseFunding]] = relationship(
        back_populates="purchase", cascade="all, delete-orphan", order_by="PurchaseFunding.id"
    )
    lines: Mapped[list[PurchaseLine]] = relationship(
        back_populates="purchase", cascade="all, delete-orphan", order_by="PurchaseLine.id"
    )


class PurchaseLine(Base):
    """One item bought; it becomes one lot with origin = the purchase."""

    __tablename__ = "purchase_line"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(
        ForeignKey("purchase.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    # The line's total price in the purchase's currency, minor units.
    price_minor: Mapped[int] = mapped_column(default=0)

    purchase: Mapped[Purchase] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class PurchaseFunding(Base):
    __tablename__ = "purchase_funding"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(
        ForeignKey("purchase.id", ondelete="CASCADE"), index=True
    )
    donation_id: Mapped[int] = mapped_column(ForeignKey("money_donation.id"), index=True)
    amount_minor: Mapped[int] = mapped_column()

    purchase: Mapped[Purchase] = relationship(back_populates="funding")
    donation: Mapped[MoneyDonation] = relationship()


class BatchFunding(Base):
    """Money from a received donation that paid for a production batch's materials."""

    __tablename__ = "batch_funding"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("production_batch.id", ondelete="CASCADE"), index=True
    )
    donation_id: Mapped[int] = mapped_column(ForeignKey("money_donation.id"), index=True)
    amount_minor: Mapped[int] = mapped_column()
    # What the materials were for (same rule as a purchase's earmark).
    earmark: Mapped[str | None] = mapped_column(String(120))
    earmark_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    funded_on: Mapped[date | None] = mapped_column(Date)

    batch: Mapped[ProductionBatch] = relationship()
    donation: Mapped[MoneyDonation] = relationship()
