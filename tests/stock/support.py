"""A small world for origin and stock tests: a group with a workshop, a hub, an item."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import Location, LocationKind, Party, PartyKind
from coordination.production.services import BatchInput
from tests import factories as f


@dataclass
class World:
    group: Party
    workshop: Location
    hub: Location
    item: Item
    volunteer: User
    coordinator: User
    admin: User


def world(session: Session) -> World:
    region = f.region(session)
    group = f.party(session, PartyKind.GROUP, region_id=region.id, display_name="Kostroma circle")
    workshop = f.location(
        session, party_id=group.id, region_id=region.id, kind=LocationKind.WORKSHOP
    )
    hub = f.location(session, region_id=region.id)
    item = f.item(session, code="WOOL-SOCKS-T", sizes=["40-42", "42-44"])
    volunteer = f.user(session, Role.VOLUNTEER, party_id=group.id)
    coordinator = f.user(session, Role.COORDINATOR, region_id=region.id)
    admin = f.user(session, Role.ADMIN)
    return World(group, workshop, hub, item, volunteer, coordinator, admin)


def batch_input(w: World, quantity: int = 30, **kw: Any) -> BatchInput:
    return BatchInput(
        group_id=w.group.id,
        item_id=w.item.id,
        quantity=quantity,
        made_on=date(2026, 11, 1),
        size="42-44",
        **kw,
    )


def entries(session: Session, kind: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == kind).order_by(LedgerEntry.index)
    )
    return [json.loads(body) for body in rows]


def kit_item(session: Session, parts: list[tuple[Item, int]], code: str | None = None) -> Item:
    """A kit made of `parts` (component item, how many per kit)."""
    from coordination.catalog.models import KitComponent

    kit = f.item(session, **({"code": code} if code else {}))
    for part, per_kit in parts:
        session.add(KitComponent(kit_id=kit.id, component_id=part.id, quantity=per_kit))
    session.flush()
    session.refresh(kit)
    return kit


def lot_at(
    session: Session, location: Location, item: Item, quantity: int, reserved: int = 0
) -> Any:
    """A lot opened by a real origin: an in-kind donation (which leaves entry_index unset)."""
    from coordination.donations.services import (
        InKindInput,
        InKindLineInput,
        record_in_kind_donation,
    )
    from coordination.stock.models import Lot

    donation = record_in_kind_donation(
        session,
        None,
        InKindInput(
            location_id=location.id,
            received_on=date(2026, 11, 2),
            lines=[InKindLineInput(item.id, quantity)],
        ),
    )
    lot = session.scalars(
        select(Lot).where(Lot.origin_id == donation.id, Lot.item_id == item.id)
    ).one()
    lot.reserved = reserved
    session.flush()
    return lot
