"""/api/v1 attribution: who a delivery's goods are credited to, and where a party's went.

Exact shares are given as fractions in text ("7/3") beside a rounded figure. Only public ids
and public labels: an anonymous donor has no id here, a unit or household is named by kind.
Deliveries: whoever may see the delivery, and auditors (attribution holds nothing personal).
Parties: staff and auditors for any group, donor or campaign; a volunteer for its own group.
"""

from __future__ import annotations

from pydantic import BaseModel

from coordination.api import bp
from coordination.api.framework import api_user, endpoint
from coordination.attribution.followup import SOURCE_READERS, readable_source
from coordination.attribution.services import (
    Credit,
    approx,
    delivery_attribution,
    fraction_text,
    party_attribution,
)
from coordination.db import db
from coordination.deliveries.access import DELIVERY_READERS
from coordination.kernel.actors import Role
from coordination.reports.provenance import readable_delivery

TAG = "attribution"


class CreditOut(BaseModel):
    party: str | None
    label: str
    kind: str
    origin_kind: str | None
    origin: str | None
    quantity: str
    quantity_approx: str
    money_minor: str | None = None
    currency: str | None = None
    donation: str | None = None
    campaign: str | None = None


class AttributedLineOut(BaseModel):
    item: str
    size: str | None
    quantity: int
    sources: list[CreditOut]


class PartyRoleOut(BaseModel):
    party: str | None
    label: str
    kind: str
    roles: list[str]
    credit: str


class DeliveryAttributionOut(BaseModel):
    delivery: str
    code: str | None
    status: str
    quantity: int
    lines: list[AttributedLineOut]
    sources: list[CreditOut]
    parties: list[PartyRoleOut]


class PlacementOut(BaseModel):
    region: str | None
    month: str | None
    item: str
    quantity: str
    quantity_approx: str
    money_minor: str
    currency: str | None


class PartyAttributionOut(BaseModel):
    party: str
    label: str
    delivered: list[PlacementOut]


def credit_out(c: Credit) -> CreditOut:
    funder = c.kind.value == "funder"
    return CreditOut(
        party=c.party,
        label=c.label,
        kind=c.kind.value,
        origin_kind=c.origin_kind or None,
        origin=c.origin,
        quantity=fraction_text(c.quantity),
        quantity_approx=approx(c.quantity),
        money_minor=fraction_text(c.money_minor) if funder else None,
        currency=c.currency if funder else None,
        donation=c.donation,
        campaign=c.campaign,
    )


@endpoint(
    bp,
    "/attribution/deliveries/{delivery_id}",
    "GET",
    "Who a delivery's goods are credited to (makers, donors, funders), line by line, and "
    "each custody party's origin credit (zero for carriers and presenters)",
    response=DeliveryAttributionOut,
    roles=(*DELIVERY_READERS, Role.AUDITOR),
    tag=TAG,
)
def delivery(delivery_id: int) -> DeliveryAttributionOut:
    found = readable_delivery(db.session, api_user(), delivery_id)
    report = delivery_attribution(db.session, found)
    return DeliveryAttributionOut(
        delivery=found.public_id,
        code=found.code,
        status=found.status.value,
        quantity=report.quantity,
        lines=[
            AttributedLineOut(
                item=ln.item,
                size=ln.line.lot.size,
                quantity=ln.quantity,
                sources=[credit_out(c) for c in ln.credits],
            )
            for ln in report.lines
        ],
        sources=[credit_out(c) for c in report.credits],
        parties=[
            PartyRoleOut(
                party=r.party,
                label=r.label,
                kind=r.kind,
                roles=r.roles,
                credit=fraction_text(r.credit),
            )
            for r in report.custody
        ],
    )


@endpoint(
    bp,
    "/attribution/parties/{party_id}",
    "GET",
    "What a group made, or a donor or campaign gave or paid for, that was delivered: "
    "by recipient region, month and item",
    response=PartyAttributionOut,
    roles=SOURCE_READERS,
    tag=TAG,
)
def party(party_id: int) -> PartyAttributionOut:
    found = readable_source(db.session, api_user(), party_id)
    rows = party_attribution(db.session, found)
    return PartyAttributionOut(
        party=found.public_id,
        label=found.public_label,
        delivered=[
            PlacementOut(
                region=p.region,
                month=p.month,
                item=p.item,
                quantity=fraction_text(p.quantity),
                quantity_approx=approx(p.quantity),
                money_minor=fraction_text(p.money_minor),
                currency=p.currency,
            )
            for p in rows
        ],
    )
