"""The status steps: pack (lines frozen), dispatch (stock taken, code given), delivered.

Dispatch takes the reserved stock, gives the delivery its random public verification code
(/verify/<code>: no id, no personal data) and remembers the index of its ledger entry, which
the manifest's QR code proves.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.db import utcnow
from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.deliveries.services import (
    base_view,
    bump,
    line_view,
    locked,
    progress,
    require_manager,
    require_status,
)
from coordination.kernel.errors import Conflict
from coordination.kernel.text import N_
from coordination.ledger.services import append
from coordination.stock.reservations import take_reserved

CODE_BYTES = 8  # token_urlsafe(8): 11 characters, 64 random bits


def new_code(session: Session) -> str:
    while True:
        code = secrets.token_urlsafe(CODE_BYTES)
        if session.scalar(select(Delivery.id).where(Delivery.code == code)) is None:
            return code


def pack(session: Session, actor: User | None, delivery: Delivery, version: Any) -> Delivery:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT)
    if not delivery.lines:
        raise Conflict(N_("Add at least one line before packing."))
    delivery.status, delivery.packed_at = DeliveryStatus.PACKED, utcnow()
    append(
        session,
        actor,
        "delivery.packed",
        {
            **base_view(delivery),
            "lines": [line_view(session, ln) for ln in delivery.lines],
            "packages": delivery.packages,
        },
    )
    bump(session, delivery)
    return delivery


def unpack(session: Session, actor: User | None, delivery: Delivery, version: Any) -> Delivery:
    """Back to draft to change the lines; reservations stay as they are."""
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.PACKED)
    delivery.status, delivery.packed_at = DeliveryStatus.DRAFT, None
    bump(session, delivery)
    return delivery


def dispatch(session: Session, actor: User | None, delivery: Delivery, version: Any) -> Delivery:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.PACKED)
    for line in delivery.lines:
        take_reserved(session, actor, line.lot, line.quantity)
        if line.need_line is not None:
            progress(session, line.need_line, dispatched=line.quantity)
    delivery.code = new_code(session)
    delivery.status, delivery.dispatched_at = DeliveryStatus.DISPATCHED, utcnow()
    entry = append(
        session,
        actor,
        "delivery.dispatched",
        {
            **base_view(delivery),
            "code": delivery.code,
            "from": delivery.from_location.public_id,
            "to_location": delivery.to_location.public_id if delivery.to_location else None,
            "carrier": delivery.carrier.public_id if delivery.carrier else None,
            "lines": [line_view(session, ln) for ln in delivery.lines],
            "packages": delivery.packages,
        },
    )
    delivery.dispatch_entry = entry.index
    bump(session, delivery)
    return delivery


def mark_delivered(
    session: Session, actor: User | None, delivery: Delivery, version: Any
) -> Delivery:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DISPATCHED)
    delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, utcnow()
    append(session, actor, "delivery.delivered", base_view(delivery))
    bump(session, delivery)
    return delivery
