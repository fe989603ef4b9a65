"""Who sees which production batches: whoever sees the lot the batch opened at its group's
place (a volunteer its own group's, a coordinator its region's, an admin all), so a batch and
its stock are visible to the same people; anything else answers 404."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.parties.models import Location
from coordination.production.models import ProductionBatch
from coordination.stock.access import can_stock_at, location_clause
from coordination.stock.models import Lot, OriginKind


def _first_lots() -> ColumnElement[bool]:
    return (Lot.origin_kind == OriginKind.BATCH) & Lot.parent_lot_id.is_(None)


def batch_clause(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause on ProductionBatch."""
    seen = (
        select(Lot.origin_id)
        .join(Location, Lot.location_id == Location.id)
        .where(_first_lots(), location_clause(actor))
    )
    return ProductionBatch.id.in_(seen)


def batch_lot(session: Session, batch: ProductionBatch) -> Lot | None:
    """The lot the batch opened (later transfers split off children of it)."""
    return session.scalar(select(Lot).where(_first_lots(), Lot.origin_id == batch.id))


def visible_batch(session: Session, actor: User | None, batch_id: int | None) -> ProductionBatch:
    batch = get_or_404(session, ProductionBatch, batch_id)
    lot = batch_lot(session, batch)
    if lot is None or not can_stock_at(actor, lot.location):
        raise NotFound(N_("Not found."))
    return batch
