"""A small world for money tests: a region with a hub, two groups, a coordinator, an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.donations.models import MoneyDonation, Purchase
from coordination.kernel.actors import Role
from coordination.money.purchases import (
    FundingInput,
    PurchaseInput,
    PurchaseLineInput,
    record_purchase,
)
from coordination.money.services import MoneyInput, record_money_donation
from coordination.parties.models import Location, Party, PartyKind
from tests import factories as f

DAY = date(2026, 11, 3)


@dataclass
class World:
    group: Party
    other_group: Party
    hub: Location
    item: Item
    volunteer: User
    coordinator: User
    admin: User
    campaign: Party


def world(session: Session) -> World:
    region = f.region(session)
    group = f.party(session, PartyKind.GROUP, region_id=region.id, display_name="Knitting circle")
    other = f.party(session, PartyKind.GROUP, region_id=region.id, display_name="Vest makers")
    hub = f.location(session, region_id=region.id)
    item = f.item(session, code="MED-KIT-T")
    w = World(
        group,
        other,
        hub,
        item,
        f.user(session, Role.VOLUNTEER, party_id=group.id),
        f.user(session, Role.COORDINATOR, region_id=region.id),
        f.user(session, Role.ADMIN),
        f.party(session, PartyKind.CAMPAIGN, region_id=region.id, display_name="School fair"),
    )
    session.commit()
    return w


def give(session: Session, actor: User | None, amount: int, **kw: Any) -> MoneyDonation:
    """A received donation (unless received=False is given)."""
    kw.setdefault("received", True)
    return record_money_donation(session, actor, MoneyInput(amount, DAY, **kw))


def buy(
    session: Session,
    actor: User | None,
    w: World,
    price: int,
    funding: list[tuple[MoneyDonation, int]],
    **kw: Any,
) -> Purchase:
    return record_purchase(
        session,
        actor,
        PurchaseInput(
            location_id=w.hub.id,
            bought_on=DAY,
            lines=[PurchaseLineInput(w.item.id, 2, price)],
            funding=[FundingInput(d.id, a) for d, a in funding],
            **kw,
        ),
    )
