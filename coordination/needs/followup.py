"""After a shortfall: the family or unit says what is still missing is no longer needed.

A receipt that falls short puts the missing quantity back into the need's open demand
(deliveries/receipts.py). The submitter then either waits for it or withdraws the rest of
the line; withdrawing takes it out of demand the way a coordinator's "unavailable" does, so
fulfilment is judged on what is still wanted.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.errors import Conflict, NotFound
from coordination.kernel.text import N_
from coordination.ledger.services import append
from coordination.needs.models import OPEN_DEMAND, Need, NeedEventKind, NeedLine, NeedStatus
from coordination.needs.services import _check_version, _event, _flush, _require_own, _sealed_for


def still_missing(line: NeedLine) -> int:
    """What the line still asks for that nothing is on its way for."""
    return 0 if line.unavailable else max(line.quantity - line.quantity_allocated, 0)


def withdraw_line(
    session: Session, actor: User, need: Need, version: int | None, line_id: int
) -> Need:
    _require_own(actor, need)
    _check_version(need, version)
    line = next((ln for ln in need.lines if ln.id == line_id), None)
    if line is None:
        raise NotFound(N_("Not found."))
    if need.status not in OPEN_DEMAND or not still_missing(line):
        raise Conflict(N_("Nothing is missing on this line."))
    line.unavailable = True
    wanted = [ln for ln in need.lines if not ln.unavailable]
    if all(ln.quantity_received >= ln.quantity for ln in wanted):
        # Everything still wanted has arrived; if nothing arrived at all, nothing was given.
        got = any(ln.quantity_received for ln in need.lines)
        need.status = NeedStatus.FULFILLED if got else NeedStatus.CANCELLED
    _event(need, actor, NeedEventKind.LINE_UNAVAILABLE)
    _flush(session)
    append(
        session,
        actor,
        "need.line_unavailable",
        # The line's item and size only as a commitment, as when a coordinator marks it
        # (needs/services.py): in plain text it would rebuild the board's suppressed cells.
        {
            "need": need.public_id,
            "line_commitment": _sealed_for(need, {"item": line.item.code, "size": line.size}),
        },
    )
    return need
