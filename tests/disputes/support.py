"""A dispatched delivery built row by row: socks a group made, presented by an official at a
ceremony, received by a unit. Rows are written directly (plus the real ledger append of the
dispatch) so dispute tests depend on the delivery tables, not on the delivery workflow."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from coordination.db import utcnow
from coordination.deliveries.models import (
    Delivery,
    DeliveryLine,
    DeliveryStatus,
    Handover,
    HandoverRole,
)
from coordination.ledger.services import append
from coordination.parties.models import Location, Party, PartyKind
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind
from tests import factories as f


@dataclass
class Case:
    delivery: Delivery
    group: Party
    official: Party
    unit: Party
    ceremony: Handover


def dispatched_case(session: Session, group: Party, location: Location) -> Case:
    item = f.item(session)
    official = f.party(
        session,
        PartyKind.OFFICIAL,
        region_id=location.region_id,
        display_name="Regional governor's office",
    )
    unit = f.party(session, PartyKind.UNIT, region_id=location.region_id, private_name="в/ч 99137")
    batch = ProductionBatch(
        group_id=group.id, item_id=item.id, quantity=20, made_on=date(2026, 11, 1)
    )
    session.add(batch)
    session.flush()
    lot = Lot(
        item_id=item.id,
        quantity=20,
        location_id=location.id,
        origin_kind=OriginKind.BATCH,
        origin_id=batch.id,
    )
    session.add(lot)
    session.flush()
    delivery = Delivery(
        code=secrets.token_urlsafe(9),
        status=DeliveryStatus.DISPATCHED,
        region_id=location.region_id,
        from_location_id=location.id,
        to_party_id=unit.id,
        dispatched_at=utcnow(),
    )
    delivery.lines.append(DeliveryLine(lot_id=lot.id, quantity=12))
    session.add(delivery)
    session.flush()
    entry = append(session, None, "delivery.dispatched", {"delivery": delivery.public_id})
    delivery.dispatch_entry = entry.index
    ceremony = Handover(
        delivery_id=delivery.id,
        from_party_id=official.id,
        from_role=HandoverRole.PRESENTER,
        to_party_id=unit.id,
        to_role=HandoverRole.RECIPIENT,
        place="Vladimir",
        region_id=location.region_id,
        at=utcnow(),
    )
    session.add(ceremony)
    session.commit()
    return Case(delivery, group, official, unit, ceremony)
