"""Which delivered lines could credit a party or a donation, found in SQL before any walk.

Walking every delivered line of the network to keep the few that credit one group made a
group's page cost seconds at a few thousand lines. A line can only credit a party through
the origin of its lot (a lot split off by a transfer keeps its origin, stock/services.py),
so the lines worth walking are those whose lot's origin is:
- a batch the group made, or an in-kind gift the donor gave;
- a batch or a purchase paid with money that came in from the party (as donor or campaign),
  or with money passed on from such money, at any remove;
- a kit (its components may be anything: kits are always walked).
This is a superset: the walk still applies the exact rule to each candidate's credits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from coordination.attribution.walker import chunks
from coordination.donations.models import (
    BatchFunding,
    InKindDonation,
    MoneyDonation,
    PurchaseFunding,
)
from coordination.production.models import ProductionBatch
from coordination.stock.models import Lot, OriginKind


def money_descendants(session: Session, donation_ids: Iterable[int]) -> set[int]:
    """The donations and every donation passed on from them, at any remove."""
    found = set(donation_ids)
    frontier = set(found)
    while frontier:
        step: set[int] = set()
        for ids in chunks(frontier):
            step.update(
                session.scalars(
                    select(MoneyDonation.id).where(MoneyDonation.passed_from_id.in_(ids))
                )
            )
        frontier = step - found
        found |= frontier
    return found


def _funded(
    session: Session,
    column: InstrumentedAttribute[int],
    by: InstrumentedAttribute[int],
    donations: set[int],
) -> set[int]:
    out: set[int] = set()
    for ids in chunks(donations):
        out.update(session.scalars(select(column).where(by.in_(ids)).distinct()))
    return out


def origin_clause(
    session: Session,
    *,
    batches: Iterable[int] = (),
    gifts: Iterable[int] = (),
    money: Iterable[int] = (),
) -> ColumnElement[bool]:
    """Lots whose origin is one of `batches`, `gifts` (in kind), a batch or purchase paid by
    one of `money` (donation ids, passed-on money included by the caller), or a kit."""
    paid = set(money)
    made = set(batches) | _funded(session, BatchFunding.batch_id, BatchFunding.donation_id, paid)
    purchases = _funded(session, PurchaseFunding.purchase_id, PurchaseFunding.donation_id, paid)
    parts: list[ColumnElement[bool]] = [Lot.origin_kind == OriginKind.KIT]
    for kind, ids in (
        (OriginKind.BATCH, made),
        (OriginKind.IN_KIND, set(gifts)),
        (OriginKind.PURCHASE, purchases),
    ):
        for chunk in chunks(ids):
            parts.append(and_(Lot.origin_kind == kind, Lot.origin_id.in_(chunk)))
    return or_(false(), *parts)


def party_clause(session: Session, party_id: int) -> ColumnElement[bool]:
    """Lots that could credit a group (its batches), a donor (its gifts) or either, or a
    campaign, through money it gave or raised."""
    made = set(
        session.scalars(select(ProductionBatch.id).where(ProductionBatch.group_id == party_id))
    )
    gave = set(
        session.scalars(select(InKindDonation.id).where(InKindDonation.donor_id == party_id))
    )
    raised = session.scalars(
        select(MoneyDonation.id).where(
            or_(MoneyDonation.donor_id == party_id, MoneyDonation.campaign_id == party_id)
        )
    )
    return origin_clause(
        session, batches=made, gifts=gave, money=money_descendants(session, raised)
    )
