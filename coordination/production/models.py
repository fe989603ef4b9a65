"""Production batches: what a group made, an origin of goods."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.catalog.models import Item
from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, utcnow
from coordination.parties.models import Party, new_public_id

MAX_QUANTITY = 100_000


class ProductionBatch(Base):
    __tablename__ = "production_batch"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    group_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    size: Mapped[str | None] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column()
    made_on: Mapped[date] = mapped_column(Date)
    # Named members are individuals: encrypted, and public only if they opted in.
    members: Mapped[str | None] = mapped_column(EncryptedText)
    made_by_members_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Party] = relationship()
    item: Mapped[Item] = relationship()
