"""Who sees and who manages a delivery. Views, the API, documents and evidence ask here.

A coordinator manages the deliveries leaving its region (delivery.region_id); an admin all.
The recipient party's own users (family, unit_rep) see the deliveries coming to them, and
volunteers see the deliveries that carry their group's goods (read-only: where their goods
went). Anyone else gets 404, so a delivery's existence is not revealed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.deliveries.models import Delivery, DeliveryLine
from coordination.kernel.actors import Role
from coordination.kernel.errors import Forbidden, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.parties.models import Location
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind

DELIVERY_STAFF = (Role.COORDINATOR, Role.ADMIN)
RECIPIENTS = (Role.FAMILY, Role.UNIT_REP)
# Every role that may open the deliveries pages at all (which deliveries: delivery_clause).
DELIVERY_READERS = (*DELIVERY_STAFF, *RECIPIENTS, Role.VOLUNTEER)


def can_manage(actor: User | None, delivery: Delivery) -> bool:
    """Build, pack, dispatch, record handovers, cancel: staff of the region it leaves from."""
    if actor is None or actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.COORDINATOR
        and actor.region_id is not None
        and delivery.region_id == actor.region_id
    )


def can_manage_region(actor: User | None, region_id: int | None) -> bool:
    if actor is None or actor.role == Role.ADMIN:
        return True
    return (
        actor.role == Role.COORDINATOR
        and actor.region_id is not None
        and (actor.region_id == region_id)
    )


def is_recipient(actor: User | None, delivery: Delivery) -> bool:
    """The family or unit the goods go to: the one who confirms receipt."""
    return (
        actor is not None
        and actor.role in RECIPIENTS
        and actor.party_id is not None
        and delivery.to_party_id == actor.party_id
    )


def _group_goods(party_id: int) -> ColumnElement[bool]:
    """A delivery line whose lot the group made (its batch) or keeps (at its location)."""
    made = select(ProductionBatch.id).where(ProductionBatch.group_id == party_id)
    kept = select(Location.id).where(Location.party_id == party_id)
    return exists(
        select(DeliveryLine.id)
        .join(Lot, Lot.id == DeliveryLine.lot_id)
        .where(
            DeliveryLine.delivery_id == Delivery.id,
            or_(
                and_(Lot.origin_kind == OriginKind.BATCH, Lot.origin_id.in_(made)),
                Lot.location_id.in_(kept),
            ),
        )
    )


def delivery_clause(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause on Delivery selecting what `actor` may see."""
    if actor is None or actor.role == Role.ADMIN:
        return true()
    if actor.role == Role.COORDINATOR:
        return Delivery.region_id == actor.region_id if actor.region_id is not None else false()
    if actor.party_id is None:
        return false()
    if actor.role in RECIPIENTS:
        return Delivery.to_party_id == actor.party_id
    if actor.role == Role.VOLUNTEER:
        return _group_goods(actor.party_id)
    return false()


def can_see(session: Session, actor: User | None, delivery: Delivery) -> bool:
    if can_manage(actor, delivery) or is_recipient(actor, delivery):
        return True
    if actor is None or actor.role != Role.VOLUNTEER or actor.party_id is None:
        return False
    stmt = select(Delivery.id).where(Delivery.id == delivery.id, _group_goods(actor.party_id))
    return session.scalar(stmt) is not None


def visible_delivery(session: Session, actor: User | None, delivery_id: int | None) -> Delivery:
    delivery = get_or_404(session, Delivery, delivery_id)
    if not can_see(session, actor, delivery):
        raise NotFound(N_("Not found."))
    return delivery


def managed_delivery(session: Session, actor: User | None, delivery_id: int | None) -> Delivery:
    """A delivery the actor may change: unseen answers 404, seen but read-only 403."""
    delivery = visible_delivery(session, actor, delivery_id)
    if not can_manage(actor, delivery):
        raise Forbidden(N_("Only the coordinators of its region change a delivery."))
    return delivery
