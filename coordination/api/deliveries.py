"""/api/v1 deliveries: the same services and access rules as the delivery pages."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.db import db
from coordination.deliveries import allocation, services, status
from coordination.deliveries.access import (
    DELIVERY_READERS,
    DELIVERY_STAFF,
    managed_delivery,
    visible_delivery,
)
from coordination.deliveries.models import Delivery
from coordination.deliveries.queries import deliveries_for, line_sources
from coordination.deliveries.schemas import (
    DeliveryIn,
    DeliveryLineOut,
    DeliveryOut,
    DeliveryQuery,
    DeliveryVersionIn,
    HandoverOut,
    LineIn,
    ProposalOut,
    ProposalsOut,
    ReceiptOut,
)
from coordination.kernel.errors import Invalid
from coordination.kernel.schemas import Page, PageQuery
from coordination.kernel.text import N_, clean_search
from coordination.needs.models import NeedLine
from coordination.parties.models import Location, Party
from coordination.stock.models import Lot

TAG = "deliveries"


def delivery_out(delivery: Delivery) -> DeliveryOut:
    sources = line_sources(db.session, delivery)
    return DeliveryOut(
        id=delivery.id,
        public_id=delivery.public_id,
        status=delivery.status.value,
        code=delivery.code,
        region=delivery.region.code,
        from_location=delivery.from_location.public_id,
        to_party=delivery.to_party.public_id if delivery.to_party else None,
        to_kind=delivery.to_party.kind.value if delivery.to_party else None,
        to_location=delivery.to_location.public_id if delivery.to_location else None,
        expected_on=delivery.expected_on,
        dispatch_entry=delivery.dispatch_entry,
        version=delivery.version,
        lines=[
            DeliveryLineOut(
                id=ln.id,
                lot=ln.lot.public_id,
                item=ln.lot.item.code,
                size=ln.lot.size,
                quantity=ln.quantity,
                quantity_received=ln.quantity_received,
                need_line=ln.need_line_id,
                source_kind=sources[ln.id][0],
                source=sources[ln.id][1],
            )
            for ln in delivery.lines
        ],
        handovers=[
            HandoverOut(
                id=h.id,
                public_id=h.public_id,
                from_party=h.from_party.public_id,
                from_role=h.from_role.value,
                to_party=h.to_party.public_id,
                to_role=h.to_role.value,
                place=h.place,
                at=h.at,
                lines={hl.delivery_line_id: hl.quantity for hl in h.lines},
            )
            for h in delivery.handovers
        ],
        receipts=[
            ReceiptOut(
                public_id=r.public_id,
                disputed=r.disputed,
                at=r.at,
                lines={
                    rl.delivery_line_id: (rl.quantity_received, rl.condition.value)
                    for rl in r.lines
                },
            )
            for r in delivery.receipts
        ],
    )


def _by_public_id(model: Any, public_id: str | None, field: str) -> Any:
    if public_id is None:
        return None
    row = db.session.scalar(select(model).where(model.public_id == public_id))
    if row is None:
        raise Invalid(N_("Unknown id."), field)
    return row.id


def _done(delivery_id: int) -> DeliveryOut:
    db.session.commit()
    return delivery_out(visible_delivery(db.session, api_user(), delivery_id))


@endpoint(
    bp,
    "/deliveries",
    "GET",
    "Deliveries you may see: your region's (coordinators), coming to you (families, "
    "units), carrying your group's goods (volunteers)",
    query=DeliveryQuery,
    response=Page[DeliveryOut],
    roles=DELIVERY_READERS,
    tag=TAG,
)
def list_deliveries(query: DeliveryQuery) -> Page[DeliveryOut]:
    stmt = deliveries_for(api_user(), clean_search(query.q), query.status)
    return paginate(db.session, stmt, query, delivery_out)


@endpoint(
    bp,
    "/deliveries/{delivery_id}",
    "GET",
    "One delivery (404 if not yours to see)",
    response=DeliveryOut,
    roles=DELIVERY_READERS,
    tag=TAG,
)
def get_delivery(delivery_id: int) -> DeliveryOut:
    return delivery_out(visible_delivery(db.session, api_user(), delivery_id))


@endpoint(
    bp,
    "/deliveries",
    "POST",
    "Start a draft: towards approved need lines of one recipient (lots proposed and "
    "reserved), to a party, or a move to a hub",
    body=DeliveryIn,
    response=DeliveryOut,
    status=201,
    roles=DELIVERY_STAFF,
    tag=TAG,
)
def create_delivery(body: DeliveryIn) -> tuple[DeliveryOut, int]:
    data = services.DraftInput(
        from_location_id=_by_public_id(Location, body.from_location, "from_location"),
        need_line_ids=list(body.need_lines),
        to_party_id=_by_public_id(Party, body.to_party, "to_party"),
        to_location_id=_by_public_id(Location, body.to_location, "to_location"),
        expected_on=body.expected_on,
        allocate=body.allocate,
    )
    delivery = services.create_draft(db.session, api_user(), data)
    return _done(delivery.id), 201


class ProposalQuery(PageQuery):
    need_line: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Only lots that fit this need line"
    )


@endpoint(
    bp,
    "/deliveries/{delivery_id}/proposals",
    "GET",
    "Lots to allocate, nearest first, then oldest, each with its source",
    query=ProposalQuery,
    response=ProposalsOut,
    roles=DELIVERY_STAFF,
    tag=TAG,
)
def proposals(delivery_id: int, query: ProposalQuery) -> ProposalsOut:
    delivery = managed_delivery(db.session, api_user(), delivery_id)
    need_line = db.session.get(NeedLine, query.need_line) if query.need_line else None
    if query.need_line and (need_line is None or need_line.need.party_id != delivery.to_party_id):
        raise Invalid(N_("Choose a need line of this delivery's recipient."), "need_line")
    return ProposalsOut(
        items=[
            ProposalOut(
                lot=p.lot.public_id,
                item=p.lot.item.code,
                size=p.lot.size,
                location=p.lot.location.public_id,
                available=p.available,
                source_kind=p.source_kind,
                source=p.source_label,
            )
            for p in allocation.candidate_lots(db.session, delivery, need_line)
        ]
    )


@endpoint(
    bp,
    "/deliveries/{delivery_id}/lines",
    "POST",
    "Allocate a lot to a draft (reserves it; 400 if fewer are available)",
    body=LineIn,
    response=DeliveryOut,
    status=201,
    roles=DELIVERY_STAFF,
    tag=TAG,
)
def add_line(delivery_id: int, body: LineIn) -> tuple[DeliveryOut, int]:
    delivery = managed_delivery(db.session, api_user(), delivery_id)
    lot = _by_public_id(Lot, body.lot, "lot")
    allocation.add_line(
        db.session, api_user(), delivery, body.version, lot, body.quantity, body.need_line
    )
    return _done(delivery_id), 201


@endpoint(
    bp,
    "/deliveries/{delivery_id}/lines/{line_id}/remove",
    "POST",
    "Remove a line from a draft (releases its reservation)",
    body=DeliveryVersionIn,
    response=DeliveryOut,
    roles=DELIVERY_STAFF,
    tag=TAG,
)
def remove_line(delivery_id: int, line_id: int, body: DeliveryVersionIn) -> DeliveryOut:
    delivery = managed_delivery(db.session, api_user(), delivery_id)
    allocation.remove_line(db.session, api_user(), delivery, body.version, line_id)
    return _done(delivery_id)


def _step(name: str, summary: str, action: Any) -> None:
    def view(delivery_id: int, body: DeliveryVersionIn) -> DeliveryOut:
        delivery = managed_delivery(db.session, api_user(), delivery_id)
        action(db.session, api_user(), delivery, body.version)
        return _done(delivery_id)

    view.__name__ = f"{name}_delivery"
    endpoint(
        bp,
        f"/deliveries/{{delivery_id}}/{name}",
        "POST",
        summary,
        body=DeliveryVersionIn,
        response=DeliveryOut,
        roles=DELIVERY_STAFF,
        tag=TAG,
    )(view)


_step("pack", "Pack a draft: its lines are frozen", status.pack)
_step("unpack", "Back to draft to change the lines", status.unpack)
_step("dispatch", "Dispatch: reserved stock is taken, the verification code given", status.dispatch)
_step("deliver", "Mark a dispatched delivery as arrived", status.mark_delivered)
_step("cancel", "Cancel before dispatch: every reservation is released", services.cancel)
