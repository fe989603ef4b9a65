"""/api/v1/deliveries: handovers along the custody chain, and the recipient's receipt."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coordination.api import bp
from coordination.api.deliveries import TAG, _by_public_id, _done
from coordination.api.framework import api_user, endpoint
from coordination.db import db
from coordination.deliveries import handovers, receipts
from coordination.deliveries.access import (
    DELIVERY_STAFF,
    RECIPIENTS,
    managed_delivery,
    visible_delivery,
)
from coordination.deliveries.schemas import (
    DeliveryOut,
    HandoverIn,
    HandoverOut,
    ReceiptIn,
)
from coordination.kernel.errors import Invalid
from coordination.kernel.text import N_
from coordination.parties.models import Party, Region

# These endpoints were part of api/deliveries.py; their names (api.deliveries_*) stay as they were.
ENDPOINT_PREFIX = "deliveries"


@endpoint(
    bp,
    "/deliveries/{delivery_id}/handovers",
    "POST",
    "Record a custody step; a presenter is never a source",
    body=HandoverIn,
    response=HandoverOut,
    status=201,
    roles=DELIVERY_STAFF,
    tag=TAG,
)
def add_handover(delivery_id: int, body: HandoverIn) -> tuple[HandoverOut, int]:
    delivery = managed_delivery(db.session, api_user(), delivery_id)
    region = None
    if body.region is not None:
        region = db.session.scalar(select(Region.id).where(Region.code == body.region.upper()))
        if region is None:
            raise Invalid(N_("Choose a region."), "region")
    h = handovers.record_handover(
        db.session,
        api_user(),
        delivery,
        body.version,
        handovers.HandoverInput(
            from_party_id=_by_public_id(Party, body.from_party, "from_party"),
            from_role=body.from_role,
            to_party_id=_by_public_id(Party, body.to_party, "to_party"),
            to_role=body.to_role,
            place=body.place,
            region_id=region,
            at=body.at,
            note=body.note,
            lines=[(ln.line, ln.quantity) for ln in body.lines],
        ),
    )
    db.session.commit()
    return HandoverOut(
        id=h.id,
        public_id=h.public_id,
        from_party=h.from_party.public_id,
        from_role=h.from_role.value,
        to_party=h.to_party.public_id,
        to_role=h.to_role.value,
        place=h.place,
        at=h.at,
        lines={hl.delivery_line_id: hl.quantity for hl in h.lines},
    ), 201


@endpoint(
    bp,
    "/deliveries/{delivery_id}/receipt",
    "POST",
    "The recipient confirms line by line; a shortfall, damage or a challenged handover "
    "marks the delivery disputed",
    body=ReceiptIn,
    response=DeliveryOut,
    status=201,
    roles=(*RECIPIENTS, *DELIVERY_STAFF),
    tag=TAG,
)
def add_receipt(delivery_id: int, body: ReceiptIn) -> tuple[DeliveryOut, int]:
    delivery = visible_delivery(db.session, api_user(), delivery_id)
    lines: dict[Any, tuple[Any, Any]] = {}
    for ln in body.lines:
        if ln.line in lines:
            raise Invalid(N_("Say for every line how much arrived."), "lines")
        lines[ln.line] = (ln.received, ln.condition)
    receipts.record_receipt(
        db.session,
        api_user(),
        delivery,
        body.version,
        receipts.ReceiptInput(lines=lines, challenged=body.challenged, note=body.note),
    )
    return _done(delivery_id), 201
