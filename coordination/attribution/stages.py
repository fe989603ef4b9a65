"""The stage each delivered unit reached, so every figure counts a unit once, where it is.

A delivery line's pieces are, at any moment, at exactly one stage:

- in transit: dispatched (or marked arrived) with no receipt yet, to a recipient or a hub;
- received: a recipient (a unit, a household or a group) said they arrived in usable shape;
- damaged: they arrived, but the receiver (a recipient or a hub) recorded them as damaged;
- missing: the receipt says fewer arrived than left (a shortfall);
- moved: they arrived at a hub, where they became a new lot of the same origin. From then on
  they are stock again and are counted only when that lot is delivered on.

"Where our goods went" and a donation's follow-up count what was *received* (and say what is
still on the way); a move to a hub is never a delivery to anyone, or the same pairs would be
counted twice: once when they reached the hub, once when they reached a family.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.attribution.walker import chunks
from coordination.deliveries.models import (
    DeliveryLine,
    DeliveryStatus,
    LineCondition,
    Receipt,
    ReceiptLine,
)


class Stage(enum.StrEnum):
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    DAMAGED = "damaged"
    MISSING = "missing"
    MOVED = "moved"


# Statuses in which goods have left their lot: in transit, or answered by a receipt.
LEFT = (
    DeliveryStatus.DISPATCHED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.DISPUTED,
)


def damaged_lines(session: Session, lines: Iterable[DeliveryLine]) -> set[int]:
    """Ids of the lines whose receipt recorded them as damaged (one query per 900 lines)."""
    found: set[int] = set()
    for ids in chunks(line.id for line in lines if line.quantity_received is not None):
        stmt = (
            select(ReceiptLine.delivery_line_id)
            .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
            .where(
                ReceiptLine.delivery_line_id.in_(ids),
                ReceiptLine.condition == LineCondition.DAMAGED,
            )
        )
        found.update(session.scalars(stmt))
    return found


def line_stages(line: DeliveryLine, damaged: bool) -> dict[Stage, int]:
    """How many of the line's pieces are at each stage (zero counts left out); sums to the
    line's quantity once its goods left, and is empty before that."""
    delivery = line.delivery
    if delivery.status not in LEFT:
        return {}
    if line.quantity_received is None:
        return {Stage.IN_TRANSIT: line.quantity}
    got = line.quantity_received
    if damaged:
        arrived = Stage.DAMAGED
    elif delivery.to_location_id is not None:
        arrived = Stage.MOVED
    else:
        arrived = Stage.RECEIVED
    out = {arrived: got, Stage.MISSING: line.quantity - got}
    return {stage: n for stage, n in out.items() if n}


def stages_of(session: Session, lines: Sequence[DeliveryLine]) -> list[dict[Stage, int]]:
    """line_stages() for many lines, reading the damaged receipt lines in bulk."""
    damaged = damaged_lines(session, lines)
    return [line_stages(line, line.id in damaged) for line in lines]


def line_stage(session: Session, line: DeliveryLine) -> Stage | None:
    """The stage a line's goods reached, for a page that names one: the stage holding most
    of them (received before the others when equal), or None before dispatch."""
    stages = stages_of(session, [line])[0]
    if not stages:
        return None
    return max(stages, key=lambda s: (stages[s], s == Stage.RECEIVED))
