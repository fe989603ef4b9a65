"""What the public verification page may say about a delivery: nothing personal.

Sources are named by their public labels (groups, donors who agreed, "anonymous donor").
The recipient is "a unit" or "a household" with its region and the month; the custody chain
shows each party's public label and role with the region and the day, never a town, a unit
number, a person's name, a note or a vehicle. Only photos marked public are listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.attribution.services import (
    PartyRole,
    approx,
    delivery_attribution,
    fraction_text,
    recipient_region,
)
from coordination.deliveries.chain import Gap, gaps
from coordination.deliveries.models import Delivery, DeliveryStatus, EvidenceKind, Handover
from coordination.kernel.ids import CODE
from coordination.parties.models import PartyKind, Region

# A delivery has a code from dispatch on; a draft or packed one is nobody's business yet.
SHOWN = (
    DeliveryStatus.DISPATCHED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.DISPUTED,
    DeliveryStatus.CANCELLED,
)


def delivery_by_code(session: Session, code: str) -> Delivery | None:
    if not CODE.fullmatch(code or ""):
        return None
    delivery = session.scalar(select(Delivery).where(Delivery.code == code))
    if delivery is None or delivery.status not in SHOWN or delivery.dispatch_entry is None:
        return None
    return delivery


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _region(region: Region | None, locale: str) -> dict[str, str] | None:
    return {"code": region.code, "name": region.name(locale)} if region else None


def recipient(delivery: Delivery, locale: str) -> dict[str, Any]:
    """'a unit' / 'a household' / a group's name / 'a hub', with region and month only."""
    party = delivery.to_party
    if party is None:
        kind, label = "hub", None
    elif party.kind in (PartyKind.UNIT, PartyKind.HOUSEHOLD):
        kind, label = party.kind.value, None
    else:
        kind, label = party.kind.value, party.public_label
    when = delivery.delivered_at or delivery.dispatched_at
    return {
        "kind": kind,
        "label": label,
        "region": _region(recipient_region(delivery), locale),
        "month": when.strftime("%Y-%m") if when else None,
    }


def _party(role: PartyRole | None, fallback_kind: str) -> dict[str, Any]:
    if role is None:
        return {"party": None, "label": fallback_kind, "kind": fallback_kind, "credit": "0"}
    return {
        "party": role.party,
        "label": role.label,
        "kind": role.kind,
        "credit": fraction_text(role.credit),
    }


def custody(
    chain: list[tuple[Handover, list[Gap]]], roles: list[PartyRole], locale: str
) -> list[dict[str, Any]]:
    """The handovers in order, each with the gaps its record shows (deliveries/chain.py):
    records from before the chain was checked may start from someone who did not hold the
    goods, skip a step, or name a source that is no origin."""
    by_ref = {r.ref: r for r in roles}
    steps = []
    for h, found in chain:
        steps.append(
            {
                "handover": h.public_id,
                "day": h.at.date().isoformat(),
                "region": _region(h.region, locale),
                "from": {
                    **_party(by_ref.get(h.from_party_id), h.from_party.kind.value),
                    "role": h.from_role.value,
                },
                "to": {
                    **_party(by_ref.get(h.to_party_id), h.to_party.kind.value),
                    "role": h.to_role.value,
                },
                "entry": h.entry_index,
                "gaps": [g.value for g in found],
            }
        )
    return steps


def photos(delivery: Delivery) -> list[str]:
    """Public ids of the photos marked public on the delivery's handovers."""
    return [
        e.public_id
        for h in delivery.handovers
        for e in h.evidence
        if e.public and e.kind == EvidenceKind.PHOTO
    ]


def verification(session: Session, delivery: Delivery, locale: str) -> dict[str, Any]:
    """The public account of a delivery (JSON-ready); proofs are added by the caller."""
    report = delivery_attribution(session, delivery)
    lines = []
    for line in report.lines:
        item = line.line.lot.item
        lines.append(
            {
                "item": item.code,
                "name": item.name(locale),
                "size": line.line.lot.size,
                "unit": item.unit.value,
                "quantity": line.line.quantity,
                "received": line.line.quantity_received,
                # Where these pieces are: received, moved (to a hub), in transit, damaged,
                # missing; a move to a hub is not a delivery to anyone.
                "stages": {s.value: n for s, n in line.stages.items()},
                "sources": [c.public() for c in line.credits],
            }
        )
    return {
        "code": delivery.code,
        "delivery": delivery.public_id,
        "status": delivery.status.value,
        "dispatched": _day(delivery.dispatched_at),
        "delivered": _day(delivery.delivered_at),
        "recipient": recipient(delivery, locale),
        "lines": lines,
        "stages": {s.value: n for s, n in report.stages.items()},
        "sources": [c.public() for c in report.credits],
        "parties": [
            {
                "party": r.party,
                "label": r.label,
                "kind": r.kind,
                "roles": r.roles,
                "credit": fraction_text(r.credit),
                "credit_approx": approx(r.credit),
            }
            for r in report.custody
        ],
        "custody": custody(gaps(session, delivery), report.custody, locale),
        "photos": photos(delivery),
    }
