"""Reserving stock for deliveries: the interface deliveries use to hold, release and take lots.

A reservation does not move goods: `reserved` grows while `quantity` stays, so the lot's
available amount (quantity - reserved) is what another delivery can still promise. Each
function locks the lot row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are
serialised by BEGIN IMMEDIATE), so concurrent allocations never promise more than exists;
the CHECK reserved <= quantity backs that up. The deliveries capability appends the ledger
entries (allocation, dispatch, arrival), so these functions write none themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.parties.models import Location
from coordination.stock.models import Lot, MovementKind, StockMovement
from coordination.stock.services import _locked, check_quantity


def _move(
    session: Session,
    actor: User | None,
    lot: Lot,
    kind: MovementKind,
    delta: int,
    other: Lot | None = None,
) -> None:
    session.add(
        StockMovement(
            lot_id=lot.id,
            kind=kind,
            delta=delta,
            other_lot_id=other.id if other else None,
            user_id=actor.id if actor else None,
        )
    )


def reserve_lot(
    session: Session, actor: User | None, lot: Lot, quantity: Any, field: str = "quantity"
) -> Lot:
    """Hold `quantity` of the lot for a delivery; refused if fewer are available."""
    quantity = check_quantity(quantity, field)
    lot = _locked(session, lot)
    if quantity > lot.quantity - lot.reserved:
        raise Invalid(N_("Only %(n)s available in this lot."), field, n=lot.quantity - lot.reserved)
    lot.reserved += quantity
    _move(session, actor, lot, MovementKind.RESERVE, 0)
    session.flush()
    return lot


def release_lot(session: Session, actor: User | None, lot: Lot, quantity: int) -> Lot:
    """Give back a reservation (a line removed, a delivery cancelled)."""
    lot = _locked(session, lot)
    if not 0 < quantity <= lot.reserved:
        raise ValueError(f"lot {lot.public_id} holds {lot.reserved} reserved, not {quantity}")
    lot.reserved -= quantity
    _move(session, actor, lot, MovementKind.RELEASE, 0)
    session.flush()
    return lot


def take_reserved(session: Session, actor: User | None, lot: Lot, quantity: int) -> Lot:
    """Goods leave with a dispatched delivery: the reservation becomes a take."""
    lot = _locked(session, lot)
    if not 0 < quantity <= lot.reserved:
        raise ValueError(f"lot {lot.public_id} holds {lot.reserved} reserved, not {quantity}")
    lot.reserved -= quantity
    lot.quantity -= quantity
    _move(session, actor, lot, MovementKind.TAKE, -quantity)
    session.flush()
    return lot


def receive_at(
    session: Session, actor: User | None, source: Lot, location: Location, quantity: int
) -> Lot:
    """Goods taken from `source` arrive at a hub: a new lot there, same origin, parent named."""
    lot = Lot(
        item_id=source.item_id,
        size=source.size,
        quantity=check_quantity(quantity),
        location_id=location.id,
        origin_kind=source.origin_kind,
        origin_id=source.origin_id,
        parent_lot_id=source.id,
    )
    session.add(lot)
    session.flush()
    _move(session, actor, lot, MovementKind.TRANSFER_IN, quantity, source)
    session.flush()
    return lot
