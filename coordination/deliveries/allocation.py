"""Allocating lots to a draft delivery: proposals, and lines added, changed or removed.

A line reserves its lot as soon as it is allocated (stock/reservations.py locks the lot row),
so two coordinators can never promise the same socks; removing a line or cancelling the
delivery releases it. Proposals take the nearest lots first (at the delivery's own location,
then in the need's region and town), then the oldest, and name each lot's source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery, DeliveryLine, DeliveryStatus
from coordination.deliveries.services import (
    _id_ok,
    base_view,
    bump,
    line_view,
    locked,
    progress,
    require_manager,
    require_status,
)
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.ledger.privacy import Sealed
from coordination.ledger.services import append
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.parties.models import Location
from coordination.stock.models import Lot
from coordination.stock.origins import origin_source
from coordination.stock.reservations import release_lot, reserve_lot

MAX_PROPOSALS = 50


@dataclass
class Proposal:
    lot: Lot
    available: int
    source_kind: str
    source_label: str | None  # a public label, or None for an anonymous source


def candidate_lots(
    session: Session,
    delivery: Delivery,
    need_line: NeedLine | None = None,
    limit: int = MAX_PROPOSALS,
) -> list[Proposal]:
    """Lots in the delivery's region with something still available, nearest then oldest."""
    stmt = (
        select(Lot)
        .join(Location, Location.id == Lot.location_id)
        .where(
            Location.region_id == delivery.region_id, Location.active, Lot.quantity > Lot.reserved
        )
    )
    order: list[Any] = [case((Lot.location_id == delivery.from_location_id, 0), else_=1)]
    if need_line is not None:
        need = need_line.need
        stmt = stmt.where(Lot.item_id == need_line.item_id)
        if need_line.size:
            stmt = stmt.where(Lot.size == need_line.size)
        order.append(case((Location.region_id == need.region_id, 0), else_=1))
        if need.town:
            order.append(case((Location.town == need.town, 0), else_=1))
    stmt = stmt.order_by(*order, Lot.created_at, Lot.id).limit(limit)
    proposals = []
    for lot in session.scalars(stmt):
        kind, label, _origin = origin_source(session, lot)
        proposals.append(Proposal(lot, lot.quantity - lot.reserved, kind, label))
    return proposals


def allocate_proposals(
    session: Session, actor: User | None, delivery: Delivery, need_lines: list[NeedLine]
) -> None:
    """Reserve the proposed lots for what each need line still waits for (as far as stock goes)."""
    for need_line in need_lines:
        wanted = need_line.remaining
        for proposal in candidate_lots(session, delivery, need_line):
            if wanted < 1:
                break
            take = min(wanted, proposal.available)
            _add(session, actor, delivery, proposal.lot, take, need_line)
            wanted -= take


def _lot(session: Session, delivery: Delivery, lot_id: Any) -> Lot:
    lot = session.get(Lot, lot_id) if _id_ok(lot_id) else None
    if lot is None or lot.location.region_id != delivery.region_id:
        raise Invalid(N_("Choose a lot from the stock of this delivery's region."), "lot_id")
    return lot


def _need_line(session: Session, delivery: Delivery, need_line_id: Any) -> NeedLine | None:
    if need_line_id is None:
        return None
    line = session.get(NeedLine, need_line_id) if _id_ok(need_line_id) else None
    if delivery.to_party_id is None or line is None or line.need.party_id != delivery.to_party_id:
        raise Invalid(N_("Choose a need line of this delivery's recipient."), "need_line_id")
    return line


def _add(
    session: Session,
    actor: User | None,
    delivery: Delivery,
    lot: Lot,
    quantity: Any,
    need_line: NeedLine | None,
) -> DeliveryLine:
    if need_line is not None:
        # Lock the need first: two deliveries for one need line never promise past its quantity.
        need = session.execute(
            select(Need)
            .where(Need.id == need_line.need_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        session.refresh(need_line)
        if need.status not in OPEN_DEMAND or need_line.unavailable:
            raise Invalid(N_("That need line no longer waits for goods."), "need_line_id")
        if lot.item_id != need_line.item_id or (need_line.size and lot.size != need_line.size):
            raise Invalid(N_("The lot holds another item or size than the need line."), "lot_id")
        if (
            isinstance(quantity, int)
            and not isinstance(quantity, bool)
            and (quantity > need_line.remaining)
        ):
            raise Invalid(
                N_("The need line waits for %(n)s more at most."), "quantity", n=need_line.remaining
            )
    lot = reserve_lot(session, actor, lot, quantity)
    line = DeliveryLine(
        delivery_id=delivery.id,
        lot_id=lot.id,
        lot=lot,
        quantity=quantity,
        need_line_id=need_line.id if need_line else None,
        need_line=need_line,
    )
    delivery.lines.append(line)
    session.flush()
    if need_line is not None:
        progress(session, need_line, allocated=quantity)
    append(
        session,
        actor,
        "delivery.allocated",
        {
            **base_view(delivery),
            **line_view(session, line),
            "need_commitment": _need_ref(need_line),
        },
    )
    return line


def _need_ref(line: NeedLine | None) -> Sealed | None:
    """The need a line serves, as a commitment its household may open (see services.py)."""
    if line is None:
        return None
    need = line.need
    return Sealed(f"need:{need.public_id}", f"party:{need.party.public_id}")


def add_line(
    session: Session,
    actor: User | None,
    delivery: Delivery,
    version: Any,
    lot_id: Any,
    quantity: Any,
    need_line_id: Any = None,
) -> DeliveryLine:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT)
    line = _add(
        session,
        actor,
        delivery,
        _lot(session, delivery, lot_id),
        quantity,
        _need_line(session, delivery, need_line_id),
    )
    bump(session, delivery)
    return line


def _own_line(delivery: Delivery, line_id: Any) -> DeliveryLine:
    line = next((ln for ln in delivery.lines if _id_ok(line_id) and ln.id == line_id), None)
    if line is None:
        raise Invalid(N_("That line is not part of this delivery."), "line_id")
    return line


def release_line(
    session: Session,
    actor: User | None,
    delivery: Delivery,
    line: DeliveryLine,
    record: bool = True,
) -> None:
    """Give the line's reservation back (the line itself stays: cancel keeps it as history)."""
    release_lot(session, actor, line.lot, line.quantity)
    if line.need_line is not None:
        progress(session, line.need_line, allocated=-line.quantity)
    if record:
        append(
            session,
            actor,
            "delivery.released",
            {
                **base_view(delivery),
                **line_view(session, line),
            },
        )


def remove_line(
    session: Session, actor: User | None, delivery: Delivery, version: Any, line_id: Any
) -> Delivery:
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT)
    line = _own_line(delivery, line_id)
    release_line(session, actor, delivery, line)
    delivery.lines.remove(line)
    bump(session, delivery)
    return delivery


def change_line(
    session: Session,
    actor: User | None,
    delivery: Delivery,
    version: Any,
    line_id: Any,
    lot_id: Any,
    quantity: Any,
) -> DeliveryLine:
    """Another lot or quantity for a line: its reservation moves, all or nothing."""
    require_manager(actor, delivery)
    delivery = locked(session, delivery, version)
    require_status(delivery, DeliveryStatus.DRAFT)
    line = _own_line(delivery, line_id)
    lot = _lot(session, delivery, lot_id)
    need_line = line.need_line
    release_line(session, actor, delivery, line)
    delivery.lines.remove(line)
    session.flush()
    new = _add(session, actor, delivery, lot, quantity, need_line)
    bump(session, delivery)
    return new
