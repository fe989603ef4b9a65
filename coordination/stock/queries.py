"""Reading stock: the lot list (pages and API share it), a lot's history and its splits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.kernel.paging import search_clause
from coordination.parties.models import Location
from coordination.stock.access import location_clause
from coordination.stock.models import Lot, StockMovement


@dataclass
class LotFilter:
    q: str = ""
    location_id: int | None = None
    item_id: int | None = None
    include_empty: bool = False


def lots_stmt(actor: User | None, flt: LotFilter) -> Select[Any]:
    """Lots the actor may see, by location then item, filtered as asked."""
    stmt = (
        select(Lot)
        .join(Location, Lot.location_id == Location.id)
        .join(Item, Lot.item_id == Item.id)
        .where(location_clause(actor))
        .order_by(Location.name, Item.code, Lot.id)
    )
    if not flt.include_empty:
        stmt = stmt.where(Lot.quantity > 0)
    if flt.location_id is not None:
        stmt = stmt.where(Lot.location_id == flt.location_id)
    if flt.item_id is not None:
        stmt = stmt.where(Lot.item_id == flt.item_id)
    if flt.q:
        stmt = stmt.where(
            search_clause(
                flt.q, Item.code, Item.name_ru, Item.name_en, Location.name, Lot.public_id
            )
        )
    return stmt


def history(session: Session, lot: Lot, limit: int = 200) -> list[StockMovement]:
    """The lot's movements, newest first (bounded: a page is not an export)."""
    stmt = (
        select(StockMovement)
        .where(StockMovement.lot_id == lot.id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def children(session: Session, lot: Lot) -> list[Lot]:
    """Lots split off this one by transfers (they keep its origin)."""
    return list(session.scalars(select(Lot).where(Lot.parent_lot_id == lot.id).order_by(Lot.id)))


def lot_by_public_id(session: Session, public_id: str | None) -> Lot | None:
    if not public_id:
        return None
    return session.scalar(select(Lot).where(Lot.public_id == public_id))


def stocked_items(session: Session, actor: User | None) -> list[Item]:
    """Items the actor holds stock of: the item filter offers only these, so a volunteer's
    page does not reveal what other groups keep."""
    stmt = (
        select(Item)
        .where(
            Item.id.in_(
                select(Lot.item_id)
                .join(Location, Lot.location_id == Location.id)
                .where(location_clause(actor), Lot.quantity > 0)
            )
        )
        .order_by(Item.code)
    )
    return list(session.scalars(stmt))
