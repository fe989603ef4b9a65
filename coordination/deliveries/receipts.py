"""Receipt: the recipient's word on what arrived, line by line.

Only the recipient confirms: the family or unit the delivery goes to (its own users), or, for
a move to a hub, the coordinators of the hub's region. A shortfall, damage or a challenged
handover marks the delivery disputed; otherwise it is confirmed. Goods received in good
condition count towards the needs' fulfilment; at a hub they become new lots there that keep
their origin (stock/reservations.receive_at).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.access import can_manage_region, is_recipient
from coordination.deliveries.models import (
    Delivery,
    DeliveryStatus,
    LineCondition,
    Receipt,
    ReceiptLine,
)
from coordination.deliveries.services import (
    _id_ok,
    base_view,
    bump,
    locked,
    progress,
    require_status,
)
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.kernel.text import N_, has_nul
from coordination.ledger.services import append
from coordination.stock.models import Lot
from coordination.stock.reservations import receive_at

MAX_NOTE = 2000


@dataclass
class ReceiptInput:
    # delivery line id -> (quantity received, condition); every line must be answered
    lines: dict[Any, tuple[Any, Any]] = field(default_factory=dict)
    challenged: bool = False  # the recipient says a recorded handover did not happen so
    note: str | None = None


def may_confirm(actor: User | None, delivery: Delivery) -> bool:
    if delivery.to_location is not None:
        return (
            actor is not None
            and actor.role.value in ("coordinator", "admin")
            and (can_manage_region(actor, delivery.to_location.region_id))
        )
    return actor is None or is_recipient(actor, delivery)


def _condition(value: Any) -> LineCondition:
    try:
        return LineCondition(value)
    except ValueError:
        raise Invalid(N_("Choose the condition of each line."), "lines") from None


def record_receipt(
    session: Session, actor: User | None, delivery: Delivery, version: Any, data: ReceiptInput
) -> Receipt:
    if not may_confirm(actor, delivery):
        if actor is not None and actor.role.value in ("family", "unit_rep"):
            raise NotFound(N_("Not found."))
        raise Forbidden(N_("Only the recipient confirms receipt."))
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DISPATCHED, DeliveryStatus.DELIVERED)
    answers = {k: v for k, v in data.lines.items() if _id_ok(k)}
    if len(answers) != len(data.lines) or set(answers) != {ln.id for ln in delivery.lines}:
        raise Invalid(N_("Say for every line how much arrived."), "lines")
    note = (data.note or "").strip() or None
    if note is not None and (len(note) > MAX_NOTE or has_nul(note)):
        raise Invalid(N_("At most %(n)s characters."), "note", n=MAX_NOTE)
    receipt = Receipt(
        delivery_id=delivery.id,
        party_id=delivery.to_party_id,
        user_id=actor.id if actor else None,
        note=note,
    )
    disputed = bool(data.challenged)
    ledger_lines: list[dict[str, Any]] = []
    new_lots: list[Lot] = []
    for line in delivery.lines:
        got, condition = answers[line.id]
        if isinstance(got, bool) or not isinstance(got, int) or not 0 <= got <= line.quantity:
            raise Invalid(N_("Enter a quantity from 0 to %(n)s."), "lines", n=line.quantity)
        condition = _condition(condition)
        if got < line.quantity and condition == LineCondition.OK:
            condition = LineCondition.SHORT
        disputed = disputed or condition != LineCondition.OK
        line.quantity_received = got
        receipt.lines.append(
            ReceiptLine(delivery_line_id=line.id, quantity_received=got, condition=condition)
        )
        usable = got if condition != LineCondition.DAMAGED else 0
        item = {
            "lot": line.lot.public_id,
            "item": line.lot.item.code,
            "quantity": line.quantity,
            "received": got,
            "condition": condition.value,
        }
        if delivery.to_location is not None and usable:
            new = receive_at(session, actor, line.lot, delivery.to_location, usable)
            item["new_lot"] = new.public_id
            new_lots.append(new)
        if line.need_line is not None:
            # What did not arrive usable goes back into open demand at once: the line is
            # asked for again (or the family says it is no longer needed), never lost.
            missing = line.quantity - usable
            progress(
                session, line.need_line, allocated=-missing, dispatched=-missing, received=usable
            )
        ledger_lines.append(item)
    delivery.receipts.append(receipt)
    delivery.status = DeliveryStatus.DISPUTED if disputed else DeliveryStatus.CONFIRMED
    delivery.closed_at = utcnow()
    session.flush()
    entry = append(
        session,
        actor,
        "delivery.receipt",
        {
            **base_view(delivery),
            "receipt": receipt.public_id,
            "disputed": disputed,
            "challenged": bool(data.challenged),
            "lines": ledger_lines,
            "outcome": delivery.status.value,
        },
    )
    receipt.entry_index, receipt.disputed = entry.index, disputed
    for lot in new_lots:
        lot.entry_index = entry.index  # the entry that created the lot, as stock does
    bump(session, delivery)
    return receipt
