"""Attribution of deliveries, handovers, parties, donations and campaigns to their true sources.

The walk from goods to origins and its rules live in credit.py (read its docstring); this
module applies it to what was delivered. A delivery line is credited for what was delivered:
the quantity the recipient confirmed once there is a receipt, else the quantity dispatched.
Deliveries count once goods left (dispatched, delivered, confirmed or disputed).

Where a party's, donation's or campaign's goods went is told by the recipient's region and
the month of dispatch, by item: never which unit or household received them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, contains_eager

from coordination.attribution.candidates import money_descendants, origin_clause, party_clause
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
from coordination.attribution.walker import Walker
from coordination.deliveries.models import Delivery, DeliveryLine, DeliveryStatus, Handover
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.parties.models import Party, PartyKind, Region
from coordination.stock.models import Lot, OriginKind

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

# Statuses in which goods have left: they count as delivered for follow-up.
LEFT = (
    DeliveryStatus.DISPATCHED,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.DISPUTED,
)


@dataclass
class LineAttribution:
    line: DeliveryLine
    item: str  # item code
    quantity: int  # what the credits add up to
    credits: list[Credit]


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


@dataclass
class HandoverAttribution:
    handover: Handover
    credits: list[Credit]
    parties: list[PartyRole]


@dataclass(frozen=True)
class Placement:
    """Where goods went, coarsely: the recipient's region and the month they left."""

    region: str | None  # region code
    month: str | None  # YYYY-MM
    item: str
    quantity: Fraction
    money_minor: Fraction = Fraction(0)
    currency: str | None = None


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
    if party.kind in (PartyKind.HOUSEHOLD, PartyKind.UNIT, PartyKind.COURIER):
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
            line, line.lot.item.code, delivered_quantity(line), line_credits(session, line, walker)
        )
        for line in delivery.lines
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


def recipient_region(delivery: Delivery) -> Region | None:
    if delivery.to_party is not None and delivery.to_party.region is not None:
        return delivery.to_party.region
    if delivery.to_location is not None:
        return delivery.to_location.region
    return delivery.region


def _month(delivery: Delivery) -> str | None:
    when = delivery.dispatched_at or delivery.delivered_at
    return when.strftime("%Y-%m") if when else None


def left_lines(session: Session, lots: ColumnElement[bool] | None = None) -> list[DeliveryLine]:
    """Lines of deliveries whose goods left, with their lot and delivery loaded; `lots`
    narrows them to lots matching a clause (candidates.py)."""
    # The lot and delivery joined for the filters are the ones loaded (one join each).
    stmt = (
        select(DeliveryLine)
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(Lot, Lot.id == DeliveryLine.lot_id)
        .where(Delivery.status.in_(LEFT))
        .order_by(DeliveryLine.id)
        .options(contains_eager(DeliveryLine.lot), contains_eager(DeliveryLine.delivery))
    )
    if lots is not None:
        stmt = stmt.where(lots)
    return list(session.scalars(stmt))


def _placements(
    session: Session, wanted: Callable[[Credit], bool], lots: ColumnElement[bool] | None
) -> list[Placement]:
    """Credits `wanted` over the delivered lines whose lots match `lots` (None: every line,
    the reference the narrowed walks are tested against)."""
    walker = Walker(session)
    lines = left_lines(session, lots)
    walker.prefetch([line.lot for line in lines])
    totals: dict[tuple[str | None, str | None, str, str | None], list[Fraction]] = defaultdict(
        lambda: [Fraction(0), Fraction(0)]
    )
    for line in lines:
        mine = [c for c in merge(walker.lot(line.lot, delivered_quantity(line))) if wanted(c)]
        if not mine:
            continue
        region = recipient_region(line.delivery)
        currency = next((c.currency for c in mine if c.currency), None)
        key = (region.code if region else None, _month(line.delivery), line.lot.item.code, currency)
        totals[key][0] += sum((c.quantity for c in mine), Fraction(0))
        totals[key][1] += sum((c.money_minor for c in mine), Fraction(0))
    return [
        Placement(r, m, i, q, money, cur)
        for (r, m, i, cur), (q, money) in sorted(
            totals.items(),
            key=lambda kv: (kv[0][1] or "", kv[0][0] or "", kv[0][2], kv[0][3] or ""),
        )
    ]


def party_attribution(session: Session, party: Party) -> list[Placement]:
    """What a group made, or a donor or campaign gave or paid for, that was delivered."""
    return _placements(
        session,
        lambda c: c.party_ref == party.id or c.campaign_ref == party.id,
        party_clause(session, party.id),
    )


def donation_attribution(
    session: Session, donation: InKindDonation | MoneyDonation
) -> list[Placement]:
    """Where one donation went: what it paid for itself and what money passed on from it paid
    for. Money passed on to it from another is followed from its own receipt too."""
    if isinstance(donation, InKindDonation):
        return _placements(
            session,
            lambda c: c.origin_kind == OriginKind.IN_KIND.value and c.origin_ref == donation.id,
            origin_clause(session, gifts=[donation.id]),
        )
    paid = money_descendants(session, [donation.id])
    return _placements(
        session,
        lambda c: c.kind == CreditKind.FUNDER and donation.id in c.via_refs,
        origin_clause(session, money=paid),
    )


def campaign_attribution(session: Session, campaign: Party) -> list[Placement]:
    """Where the money raised by a campaign or event (and goods it gave) went: the same rule
    as any party's (a campaign is credited as a party or as the campaign of a donation)."""
    return party_attribution(session, campaign)
