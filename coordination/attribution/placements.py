"""Where a party's, a donation's or a campaign's goods went: placements by the recipient's
region, the month the goods left and the item, at the stage they reached (stages.py).

Each piece is counted once, where it is: a follow-up lists what recipients received (and,
when asked, what is still on the way); a move to a hub is counted when the hub's lot reaches
someone. Never which unit or household received them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, contains_eager

from coordination.attribution.candidates import money_descendants, origin_clause, party_clause
from coordination.attribution.credit import Credit, CreditKind, merge
from coordination.attribution.stages import LEFT, Stage, stages_of
from coordination.attribution.walker import Walker
from coordination.deliveries.models import Delivery, DeliveryLine
from coordination.donations.models import InKindDonation, MoneyDonation
from coordination.parties.models import Party, Region
from coordination.stock.models import Lot, OriginKind


@dataclass(frozen=True)
class Placement:
    """Where goods went, coarsely: the recipient's region and the month they left."""

    region: str | None  # region code
    month: str | None  # YYYY-MM
    item: str
    quantity: Fraction
    money_minor: Fraction = Fraction(0)
    currency: str | None = None
    stage: Stage = Stage.RECEIVED


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
    session: Session,
    wanted: Callable[[Credit], bool],
    lots: ColumnElement[bool] | None,
    stages: tuple[Stage, ...] = (Stage.RECEIVED,),
) -> list[Placement]:
    """Credits `wanted` over the pieces at `stages` of the lines whose lots match `lots`
    (None: every line, the reference the narrowed walks are tested against)."""
    walker = Walker(session)
    lines = left_lines(session, lots)
    walker.prefetch([line.lot for line in lines])
    totals: dict[tuple[Stage, str | None, str | None, str, str | None], list[Fraction]] = (
        defaultdict(lambda: [Fraction(0), Fraction(0)])
    )
    for line, reached in zip(lines, stages_of(session, lines), strict=True):
        for stage in stages:
            if not reached.get(stage):
                continue
            mine = [c for c in merge(walker.lot(line.lot, reached[stage])) if wanted(c)]
            if not mine:
                continue
            region = recipient_region(line.delivery)
            currency = next((c.currency for c in mine if c.currency), None)
            key = (
                stage,
                region.code if region else None,
                _month(line.delivery),
                line.lot.item.code,
                currency,
            )
            totals[key][0] += sum((c.quantity for c in mine), Fraction(0))
            totals[key][1] += sum((c.money_minor for c in mine), Fraction(0))
    return [
        Placement(r, m, i, q, money, cur, stage)
        for (stage, r, m, i, cur), (q, money) in sorted(
            totals.items(),
            key=lambda kv: (
                stages.index(kv[0][0]),
                kv[0][2] or "",
                kv[0][1] or "",
                kv[0][3],
                kv[0][4] or "",
            ),
        )
    ]


def party_attribution(
    session: Session, party: Party, stages: tuple[Stage, ...] = (Stage.RECEIVED,)
) -> list[Placement]:
    """What a group made, or a donor or campaign gave or paid for, that recipients received
    (or that reached the other `stages`)."""
    return _placements(
        session,
        lambda c: c.party_ref == party.id or c.campaign_ref == party.id,
        party_clause(session, party.id),
        stages,
    )


def donation_attribution(
    session: Session,
    donation: InKindDonation | MoneyDonation,
    stages: tuple[Stage, ...] = (Stage.RECEIVED,),
) -> list[Placement]:
    """Where one donation went (to recipients, or to the other `stages`): what it paid for
    itself and what money passed on from it paid for. Money passed on to it from another is
    followed from its own receipt too."""
    if isinstance(donation, InKindDonation):
        return _placements(
            session,
            lambda c: c.origin_kind == OriginKind.IN_KIND.value and c.origin_ref == donation.id,
            origin_clause(session, gifts=[donation.id]),
            stages,
        )
    paid = money_descendants(session, [donation.id])
    return _placements(
        session,
        lambda c: c.kind == CreditKind.FUNDER and donation.id in c.via_refs,
        origin_clause(session, money=paid),
        stages,
    )


def campaign_attribution(
    session: Session, campaign: Party, stages: tuple[Stage, ...] = (Stage.RECEIVED,)
) -> list[Placement]:
    """Where the money raised by a campaign or event (and goods it gave) went: the same rule
    as any party's (a campaign is credited as a party or as the campaign of a donation)."""
    return party_attribution(session, campaign, stages)
