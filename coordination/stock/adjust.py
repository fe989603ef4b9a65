"""Stock adjustments: goods lost or damaged, or a recount that finds a different number.

An adjustment is a correction of what the ledger said the lot held, so it is appended as an
entry that supersedes the entry which created the lot (its origin, transfer or kit assembly).
A free-text note could name people, so none is kept in the ledger; the reason is one of
lost, damaged or recount. Never below zero, and never below what deliveries have reserved.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append, append_correction
from coordination.stock.access import can_stock_at
from coordination.stock.models import AdjustReason, Lot, MovementKind, StockMovement
from coordination.stock.services import (
    MAX_QUANTITY,
    _locked,
    _movement,
    check_available,
    check_quantity,
    lot_view,
    require_stock_user,
)

KIND = "stock.adjusted"
register(KIND, _l("Lot %(lot)s of %(item)s was corrected (%(reason)s): %(was)s → %(quantity)s."))


def check_reason(reason: Any) -> AdjustReason:
    try:
        return AdjustReason(reason)
    except ValueError:
        raise Invalid(N_("Choose a reason: lost, damaged or recount."), "reason") from None


def check_count(counted: Any) -> int:
    if isinstance(counted, bool) or not isinstance(counted, int):
        raise Invalid(N_("Enter a whole number."), "quantity")
    if not 0 <= counted <= MAX_QUANTITY:
        raise Invalid(N_("Enter a count from 0 to %(max)s."), "quantity", max=MAX_QUANTITY)
    return counted


def adjust_lot(
    session: Session, actor: User | None, lot: Lot, reason: Any, quantity: Any
) -> StockMovement:
    """Correct a lot. Lost or damaged: `quantity` is how many are gone. Recount: `quantity`
    is the number counted, above or below the recorded one."""
    require_stock_user(actor)
    if not can_stock_at(actor, lot.location):
        raise NotFound(N_("Not found."))
    why = check_reason(reason)
    amount = check_count(quantity) if why == AdjustReason.RECOUNT else check_quantity(quantity)
    lot = _locked(session, lot)
    was = lot.quantity
    if why == AdjustReason.RECOUNT:
        if amount < lot.reserved:
            raise Invalid(
                N_(
                    "%(r)s of this lot are reserved for deliveries: a count below that "
                    "needs those deliveries changed first."
                ),
                "quantity",
                r=lot.reserved,
            )
        if amount == was:
            raise Invalid(N_("The count matches the lot: there is nothing to correct."), "quantity")
        lot.quantity = amount
    else:
        check_available(lot, amount)
        lot.quantity -= amount
    data = {
        **lot_view(session, lot),
        "reason": why.value,
        "was": was,
        "quantity": lot.quantity,
        "delta": lot.quantity - was,
    }
    if lot.entry_index is not None:
        entry = append_correction(session, actor, lot.entry_index, KIND, data)
    else:  # a lot whose creating entry was not remembered: the correction stands alone
        entry = append(session, actor, KIND, data)
    move = _movement(
        session,
        actor,
        lot,
        MovementKind.ADJUST,
        lot.quantity - was,
        reason=why.value,
        entry=entry.index,
    )
    session.flush()
    return move
