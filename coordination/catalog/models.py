"""Catalog items, their categories and kit compositions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.db import Base, UTCDateTime, str_enum, utcnow


class UnitOfMeasure(enum.StrEnum):
    PAIR = "pair"
    PIECE = "piece"
    KIT = "kit"
    SET = "set"
    BOX = "box"


class Category(Base):
    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_en


class Item(Base):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[UnitOfMeasure] = mapped_column(str_enum(UnitOfMeasure))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    sizes: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_kit: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[Category | None] = relationship()
    components: Mapped[list[KitComponent]] = relationship(
        foreign_keys="KitComponent.kit_id", cascade="all, delete-orphan", back_populates="kit"
    )

    def name(self, locale: str) -> str:
        return self.name_ru if locale == "ru" else self.name_en


class KitComponent(Base):
    __tablename__ = "kit_component"
    __table_args__ = (
        UniqueConstraint("kit_id", "component_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("kit_id <> component_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kit_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[int] = mapped_column()

    kit: Mapped[Item] = relationship(foreign_keys=[kit_id], back_populates="components")
    component: Mapped[Item] = relationship(foreign_keys=[component_id])
