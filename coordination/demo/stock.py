"""Demo origins and stock: what the makers made, what donors brought, what reached the hub.

Dates are relative to today, so the demo never logs a batch "in the future".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.donations.services import InKindInput, InKindLineInput, record_in_kind_donation
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock.adjust import adjust_lot
from coordination.stock.kits import assemble_kits, propose_components
from coordination.stock.models import Lot, OriginKind
from coordination.stock.services import transfer_lot

if TYPE_CHECKING:
    from coordination.demo import World

BATCHES = [  # group, item, size, quantity, days ago
    ("knitting", "WOOL-SOCKS", "42-44", 60, 30),
    ("knitting", "WOOL-SOCKS", "45-47", 40, 20),
    ("sewing", "BALACLAVA", None, 150, 25),
    ("sewing", "INSUL-GLOVES", "L", 50, 18),
    ("vests", "KNIT-VEST", "XL", 20, 15),
]
# (from group's batch index, quantity) moved to the Vladimir hub
TO_HUB = [(0, 50), (2, 100), (3, 30), (4, 20)]
# Medical kits put together at the Chechen workshop from donated components (kept out of
# the Vladimir region, where the demo deliveries draw their stock).
KITS_AT_WORKSHOP = 5


def add_origins(session: Session, world: World) -> None:
    today = utcnow().date()
    items = {i.code: i for i in session.scalars(select(Item))}
    lots: list[Lot] = []
    for group, code, size, quantity, days in BATCHES:
        batch = log_production_batch(
            session,
            None,
            BatchInput(
                group_id=world.parties[group].id,
                item_id=items[code].id,
                quantity=quantity,
                made_on=today - timedelta(days=days),
                size=size,
            ),
        )
        lots.append(
            session.scalars(
                select(Lot).where(Lot.origin_kind == OriginKind.BATCH, Lot.origin_id == batch.id)
            ).one()
        )
    hub = world.locations["hub-vla"]
    for index, quantity in TO_HUB:
        transfer_lot(session, None, lots[index], hub.id, quantity)
    record_in_kind_donation(
        session,
        None,
        InKindInput(
            location_id=hub.id,
            received_on=today - timedelta(days=10),
            donor_id=world.parties["yarn-shop"].id,
            lines=[InKindLineInput(items["WOOL-SOCKS"].id, 30, "42-44")],
        ),
    )
    record_in_kind_donation(
        session,
        None,
        InKindInput(
            location_id=hub.id,
            received_on=today - timedelta(days=7),
            donor_id=world.parties["anonymous"].id,
            lines=[
                InKindLineInput(items["TRENCH-CANDLE"].id, 40),
                InKindLineInput(items["THERMAL-UW"].id, 12, "L"),
            ],
        ),
    )
    _kits_and_corrections(session, world, lots[2])


def _kits_and_corrections(session: Session, world: World, balaclavas: Lot) -> None:
    """Five medical kits from donated components at the Chechen workshop; two balaclavas
    found damaged there (a correction of their batch's entry)."""
    today = utcnow().date()
    kit = session.scalars(select(Item).where(Item.code == "MED-KIT")).one()
    room = world.locations["sewing-room"]
    record_in_kind_donation(
        session,
        None,
        InKindInput(
            location_id=room.id,
            received_on=today - timedelta(days=9),
            donor_id=world.parties["anonymous"].id,
            lines=[
                InKindLineInput(c.component_id, c.quantity * KITS_AT_WORKSHOP)
                for c in kit.components
            ],
        ),
    )
    picks, _short = propose_components(session, kit, KITS_AT_WORKSHOP, room)
    assemble_kits(session, None, kit, KITS_AT_WORKSHOP, room, picks)
    adjust_lot(session, None, balaclavas, "damaged", 2)
