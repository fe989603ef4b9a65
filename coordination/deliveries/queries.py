"""Lists of deliveries for pages and the API: what the viewer may see, searched and filtered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from coordination.accounts.models import User
from coordination.deliveries.access import delivery_clause
from coordination.deliveries.models import Delivery, DeliveryLine, DeliveryStatus
from coordination.kernel.paging import search_clause
from coordination.parties.models import Location, Party
from coordination.stock.models import Lot
from coordination.stock.origins import origin_source

STATUSES = tuple(s.value for s in DeliveryStatus)


def deliveries_for(actor: User | None, q: str = "", status: str = "") -> Select[Any]:
    """Newest first. `q` matches the public id, the code and public names of the ends."""
    to_party, to_location = aliased(Party), aliased(Location)
    stmt = (
        select(Delivery)
        .outerjoin(to_party, to_party.id == Delivery.to_party_id)
        .outerjoin(to_location, to_location.id == Delivery.to_location_id)
        .where(delivery_clause(actor))
    )
    if status in STATUSES:
        stmt = stmt.where(Delivery.status == DeliveryStatus(status))
    if q:
        stmt = stmt.where(
            search_clause(
                q, Delivery.public_id, Delivery.code, to_party.display_name, to_location.name
            )
        )
    return stmt.order_by(Delivery.created_at.desc(), Delivery.id.desc())


def line_sources(session: Session, delivery: Delivery) -> dict[int, tuple[str, str | None]]:
    """Each line's source: origin kind and public label (None: anonymous)."""
    out = {}
    for line in delivery.lines:
        kind, label, _origin = origin_source(session, line.lot)
        out[line.id] = (kind, label)
    return out


def list_loading() -> tuple[Any, ...]:
    """Loader options for a page of deliveries: the ends, lines, lots and items of every row
    in a fixed number of queries, where lazy loads cost a query per row (and per line)."""
    return (
        joinedload(Delivery.from_location),
        joinedload(Delivery.to_location),
        joinedload(Delivery.to_party),
        selectinload(Delivery.lines).joinedload(DeliveryLine.lot).joinedload(Lot.item),
    )
