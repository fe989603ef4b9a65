"""A small world for delivery tests: a group's socks at a hub, a unit with an approved need."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from coordination.needs import services as needs
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import Need
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import transfer_lot
from tests import factories as f


@dataclass
class World:
    region: Region
    group: Party
    workshop: Location
    hub: Location
    hub2: Location
    item: Item
    lot: Lot  # 30 pairs of the group's socks at the hub
    unit: Party
    unit_rep: User
    family: User
    volunteer: User
    coordinator: User
    other_coordinator: User
    admin: User
    auditor: User
    courier: Party
    official: Party
    need: Need  # the unit's approved need: 10 pairs


def world(session: Session, stock: int = 30, wanted: int = 10) -> World:
    region, elsewhere = f.region(session), f.region(session)
    group = f.party(session, PartyKind.GROUP, region_id=region.id, display_name="Knitting circle")
    workshop = f.location(
        session, party_id=group.id, region_id=region.id, town="Kostroma", kind=LocationKind.WORKSHOP
    )
    hub = f.location(session, region_id=region.id, town="Vladimir")
    hub2 = f.location(session, region_id=region.id, town="Suzdal")
    item = f.item(session, code=f"SOCKS-{secrets.token_hex(3)}", sizes=["42-44"])
    batch = log_production_batch(
        session,
        None,
        BatchInput(
            group_id=group.id,
            item_id=item.id,
            quantity=stock,
            made_on=date(2026, 11, 1),
            size="42-44",
        ),
    )
    made = session.scalars(
        select(Lot).where(Lot.origin_kind == OriginKind.BATCH, Lot.origin_id == batch.id)
    ).one()
    lot = transfer_lot(session, None, made, hub.id, stock)
    unit_rep = f.user(session, Role.UNIT_REP)
    assert unit_rep.party is not None
    unit = unit_rep.party
    admin = f.user(session, Role.ADMIN)
    data = NeedInput(
        region_id=region.id, lines=[LineInput(item_id=item.id, quantity=wanted, size="42-44")]
    )
    need, _ = needs.submit_need(session, unit_rep, data, secrets.token_urlsafe(24))
    needs.approve_need(session, admin, need, need.version)
    w = World(
        region,
        group,
        workshop,
        hub,
        hub2,
        item,
        lot,
        unit,
        unit_rep,
        f.user(session, Role.FAMILY),
        f.user(session, Role.VOLUNTEER, party_id=group.id),
        f.user(session, Role.COORDINATOR, region_id=region.id),
        f.user(session, Role.COORDINATOR, region_id=elsewhere.id),
        admin,
        f.user(session, Role.AUDITOR),
        f.party(session, PartyKind.COURIER, region_id=region.id),
        f.party(session, PartyKind.OFFICIAL, region_id=region.id),
        need,
    )
    session.commit()
    return w


def bearer(session: Session, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {f.token(session, user)}"}


def entries(session: Session, kind: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == kind).order_by(LedgerEntry.index)
    )
    return [json.loads(body) for body in rows]
