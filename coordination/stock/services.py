"""Stock services: the only writers of lots. They check, write, append to the ledger, flush.

A lot keeps its origin forever: a transfer splits it into a new lot at the destination that
carries the same origin fields and names its parent. Quantities never go negative: the lot
row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised by
BEGIN IMMEDIATE) before it is checked, and a CHECK constraint backs that up.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.models import LedgerEntry
from coordination.ledger.services import append
from coordination.parties.models import Location
from coordination.stock.access import STOCK_USERS, can_move_to, can_stock_at
from coordination.stock.models import Lot, MovementKind, OriginKind, StockMovement
from coordination.stock.origins import origin_public_id

MAX_QUANTITY = 100_000

register(
    "stock.transfer",
    _l(
        "%(quantity)s of %(item)s moved from lot %(lot)s to a new lot "
        "%(new_lot)s, keeping its origin."
    ),
)
register("stock.take", _l("%(quantity)s of %(item)s taken from lot %(lot)s."))


def require_stock_user(actor: User | None) -> None:
    if actor is not None and actor.role not in STOCK_USERS:
        raise Forbidden(N_("Only volunteers, coordinators and admins handle stock."))


def check_quantity(quantity: Any, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise Invalid(N_("Enter a whole number."), field)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(N_("Enter a quantity from 1 to %(max)s."), field, max=MAX_QUANTITY)
    return quantity


def open_lot(
    session: Session,
    actor: User | None,
    *,
    item: Item,
    size: str | None,
    quantity: int,
    location: Location,
    origin_kind: OriginKind,
    origin_id: int,
) -> Lot:
    """A new lot for goods entering the system; the caller's origin entry records it."""
    lot = Lot(
        item_id=item.id,
        item=item,
        size=size,
        quantity=check_quantity(quantity),
        location_id=location.id,
        location=location,
        origin_kind=origin_kind,
        origin_id=origin_id,
    )
    session.add(lot)
    session.flush()
    _movement(session, actor, lot, MovementKind.IN, quantity)
    return lot


def lot_view(session: Session, lot: Lot) -> dict[str, Any]:
    return {
        "lot": lot.public_id,
        "item": lot.item.code,
        "size": lot.size,
        "location": lot.location.public_id,
        "origin": {"kind": lot.origin_kind.value, "id": origin_public_id(session, lot)},
    }


def _locked(session: Session, lot: Lot) -> Lot:
    stmt = select(Lot).where(Lot.id == lot.id).with_for_update()
    locked = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    return locked


def _movement(
    session: Session,
    actor: User | None,
    lot: Lot,
    kind: MovementKind,
    delta: int,
    other: Lot | None = None,
    *,
    reason: str | None = None,
    entry: int | None = None,
) -> StockMovement:
    move = StockMovement(
        lot_id=lot.id,
        kind=kind,
        delta=delta,
        other_lot_id=other.id if other else None,
        user_id=actor.id if actor else None,
        reason=reason,
        entry_index=entry,
    )
    session.add(move)
    return move


def check_available(lot: Lot, quantity: int, field: str = "quantity") -> None:
    """Refuse taking more than the lot holds beyond what deliveries have reserved."""
    if quantity > lot.quantity - lot.reserved:
        if lot.reserved:
            raise Invalid(
                N_("Only %(n)s available in this lot (%(r)s reserved for deliveries)."),
                field,
                n=lot.quantity - lot.reserved,
                r=lot.reserved,
            )
        raise Invalid(N_("Only %(n)s left in this lot."), field, n=lot.quantity)


def mark_created(lots: list[Lot], entry: LedgerEntry) -> None:
    """Remember the ledger entry that brought these lots into being (origins call this)."""
    for lot in lots:
        lot.entry_index = entry.index


def transfer_lot(
    session: Session, actor: User | None, lot: Lot, to_location_id: int | None, quantity: Any
) -> Lot:
    """Move `quantity` of `lot` to another location as a new lot with the same origin."""
    require_stock_user(actor)
    if not can_stock_at(actor, lot.location):
        raise NotFound(N_("Not found."))
    try:
        dest = get_or_404(session, Location, to_location_id)
    except NotFound:
        raise Invalid(N_("Choose a location."), "to_location_id") from None
    if not dest.active:
        raise Invalid(N_("That location is not active."), "to_location_id")
    if not can_move_to(actor, dest):
        raise Invalid(N_("Choose one of your group's locations."), "to_location_id")
    if dest.id == lot.location_id:
        raise Invalid(N_("The lot is already at that location."), "to_location_id")
    quantity = check_quantity(quantity)
    lot = _locked(session, lot)
    check_available(lot, quantity)
    lot.quantity -= quantity
    new = Lot(
        item_id=lot.item_id,
        size=lot.size,
        quantity=quantity,
        location_id=dest.id,
        origin_kind=lot.origin_kind,
        origin_id=lot.origin_id,
        parent_lot_id=lot.id,
    )
    session.add(new)
    session.flush()
    entry = append(
        session,
        actor,
        "stock.transfer",
        {
            **lot_view(session, lot),
            "new_lot": new.public_id,
            "to": dest.public_id,
            "quantity": quantity,
        },
    )
    new.entry_index = entry.index
    _movement(session, actor, lot, MovementKind.TRANSFER_OUT, -quantity, new, entry=entry.index)
    _movement(session, actor, new, MovementKind.TRANSFER_IN, quantity, lot, entry=entry.index)
    session.flush()
    return new


def take_from_lot(session: Session, actor: User | None, lot: Lot, quantity: Any) -> Lot:
    """Take goods out of a lot (for a delivery); refused if the lot holds fewer."""
    require_stock_user(actor)
    if not can_stock_at(actor, lot.location):
        raise NotFound(N_("Not found."))
    quantity = check_quantity(quantity)
    lot = _locked(session, lot)
    check_available(lot, quantity)
    lot.quantity -= quantity
    entry = append(session, actor, "stock.take", {**lot_view(session, lot), "quantity": quantity})
    _movement(session, actor, lot, MovementKind.TAKE, -quantity, entry=entry.index)
    session.flush()
    return lot
