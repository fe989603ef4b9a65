"""Which money paid for an origin, read from the funding rows (amounts in minor units)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from coordination.donations.models import BatchFunding, MoneyDonation, Purchase, PurchaseLine
from coordination.money.shares import purchase_shares
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot


def _session(obj: object) -> Session:
    session = object_session(obj)
    if session is None:
        raise RuntimeError("funding is read from rows attached to a session")
    return session


def batch_funding(batch: ProductionBatch) -> list[tuple[MoneyDonation, int]]:
    """(donation, amount) that paid for a batch's materials, in recorded order."""
    stmt = select(BatchFunding).where(BatchFunding.batch_id == batch.id).order_by(BatchFunding.id)
    return [(row.donation, row.amount_minor) for row in _session(batch).scalars(stmt)]


def purchase_funding(purchase: Purchase) -> list[tuple[MoneyDonation, int]]:
    """(donation, amount) that paid for a purchase; a donation named twice is added up."""
    return purchase_shares(_session(purchase), purchase)


def line_price(purchase: Purchase, lot: Lot) -> tuple[int, int]:
    """(price in minor units, quantity) of the purchase lines that made `lot`.

    A purchase line becomes one lot with the line's item and size; lines of the same item
    and size cannot be told apart and are taken together. If none matches (an edited
    record), the whole purchase stands in, so its money is still spread over its goods.
    """
    stmt = select(PurchaseLine).where(PurchaseLine.purchase_id == purchase.id)
    lines = list(_session(purchase).scalars(stmt))
    same = [ln for ln in lines if ln.item_id == lot.item_id and ln.size == lot.size]
    chosen = same or lines
    return sum(ln.price_minor for ln in chosen), sum(ln.quantity for ln in chosen)
