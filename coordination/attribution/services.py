"""Attribution of deliveries, handovers, parties, donations and campaigns to their true sources.

The walk from goods to origins and its rules live in credit.py (read its docstring); this
module applies it to what left. One delivery's account credits each line for what it carried:
the quantity that arrived once there is a receipt, else the quantity dispatched, and says
which stage those goods reached (stages.py). Totals over many deliveries (where a party's or
a donation's goods went) count each piece once, at the stage it reached: received by a
recipient, or still on the way. A move to a hub is not a delivery: its pieces are counted
when the hub's lot reaches someone.

Where goods went (placements.py) is told by the recipient's region and
the month of dispatch, by item: never which unit or household received them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy.orm import Session

from coordination.attribution.credit import (
    ANONYMOUS,
    UNKNOWN,
    Credit,
    CreditKind,
    apportion,
    approx,
    fraction_text,
    merge,
    party_label,
)

# Where a party's or a donation's goods went (follow-ups) lives in placements.py.
from coordination.attribution.placements import (
    Placement,
    campaign_attribution,
    donation_attribution,
    party_attribution,
    recipient_region,
)
from coordination.attribution.stages import LEFT, Stage, stages_of
from coordination.attribution.walker import Walker
from coordination.deliveries.models import Delivery, DeliveryLine, Handover
from coordination.parties.models import KIND_ONLY_KINDS, Party, PartyKind
from coordination.stock.models import Lot

__all__ = [
    "ANONYMOUS",
    "LEFT",
    "UNKNOWN",
    "Credit",
    "CreditKind",
    "DeliveryAttribution",
    "HandoverAttribution",
    "LineAttribution",
    "PartyRole",
    "Placement",
    "Stage",
    "apportion",
    "approx",
    "campaign_attribution",
    "delivered_quantity",
    "delivery_attribution",
    "donation_attribution",
    "fraction_text",
    "handover_attribution",
    "line_credits",
    "lot_credits",
    "merge",
    "party_attribution",
    "party_label",
    "recipient_region",
]


@dataclass
class LineAttribution:
    line: DeliveryLine
    item: str  # item code
    quantity: int  # what the credits add up to
    credits: list[Credit]
    stages: dict[Stage, int] = field(default_factory=dict)  # pieces per stage reached


@dataclass
class PartyRole:
    """A party in the custody chain, its roles, and its origin credit (zero unless an origin
    names it: a presenter or a carrier is never a source)."""

    party: str | None
    label: str
    kind: str
    roles: list[str] = field(default_factory=list)
    credit: Fraction = Fraction(0)
    ref: int | None = None  # the party's row id, for lookups; never exported


@dataclass
class DeliveryAttribution:
    delivery: Delivery
    lines: list[LineAttribution]
    credits: list[Credit]  # all lines together
    custody: list[PartyRole]

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def stages(self) -> dict[Stage, int]:
        out: dict[Stage, int] = defaultdict(int)
        for line in self.lines:
            for stage, n in line.stages.items():
                out[stage] += n
        return dict(out)


@dataclass
class HandoverAttribution:
    handover: Handover
    credits: list[Credit]
    parties: list[PartyRole]


def lot_credits(session: Session, lot: Lot, quantity: Fraction | int) -> list[Credit]:
    """Who `quantity` pieces of `lot` are credited to (merged; sums to `quantity`)."""
    return merge(Walker(session).lot(lot, quantity))


def delivered_quantity(line: DeliveryLine) -> int:
    return line.quantity if line.quantity_received is None else line.quantity_received


def line_credits(
    session: Session, line: DeliveryLine, walker: Walker | None = None
) -> list[Credit]:
    return merge((walker or Walker(session)).lot(line.lot, delivered_quantity(line)))


def _role_party(party: Party) -> tuple[str | None, str]:
    # A courier is often one person (the demo's are drivers by first name): named by kind only.
    if party.kind in KIND_ONLY_KINDS:
        return None, party.kind.value
    if party.kind == PartyKind.DONOR and not party.name_public:
        return None, ANONYMOUS
    return party.public_id, party.public_label


def _credit_of(party: Party, credits: Iterable[Credit]) -> Fraction:
    return sum((c.quantity for c in credits if c.party_ref == party.id), Fraction(0))


def _roles(handovers: Iterable[Handover], credits: list[Credit]) -> list[PartyRole]:
    found: dict[int, PartyRole] = {}
    for h in handovers:
        for party, role in ((h.from_party, h.from_role), (h.to_party, h.to_role)):
            entry = found.get(party.id)
            if entry is None:
                public, label = _role_party(party)
                entry = found[party.id] = PartyRole(
                    public, label, party.kind.value, credit=_credit_of(party, credits), ref=party.id
                )
            if role.value not in entry.roles:
                entry.roles.append(role.value)
    return list(found.values())


def delivery_attribution(session: Session, delivery: Delivery) -> DeliveryAttribution:
    walker = Walker(session)
    lines = [
        LineAttribution(
            line,
            line.lot.item.code,
            delivered_quantity(line),
            line_credits(session, line, walker),
            stages,
        )
        for line, stages in zip(delivery.lines, stages_of(session, delivery.lines), strict=True)
    ]
    credits = merge(c for line in lines for c in line.credits)
    return DeliveryAttribution(delivery, lines, credits, _roles(delivery.handovers, credits))


def handover_attribution(session: Session, handover: Handover) -> HandoverAttribution:
    """Credits for the goods of one handover (its lines; all the delivery's if it lists none)."""
    walker = Walker(session)
    if handover.lines:
        parts = [walker.lot(hl.delivery_line.lot, hl.quantity) for hl in handover.lines]
    else:
        parts = [walker.lot(line.lot, delivered_quantity(line)) for line in handover.delivery.lines]
    credits = merge(c for part in parts for c in part)
    return HandoverAttribution(handover, credits, _roles([handover], credits))
