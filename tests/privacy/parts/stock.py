"""Canary coverage of stock corrections, kit assembly and the batch/lot readers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coordination.production import access as production_access
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock import adjust, kits, queries
from coordination.stock import services as stock
from coordination.stock.models import Lot
from tests import factories as f
from tests.stock.support import kit_item, lot_at

CLASSIFIED: dict[Any, tuple[set[str], set[str]]] = {
    stock: ({"mark_created"}, {"check_available"}),
    adjust: ({"adjust_lot"}, {"check_reason", "check_count"}),
    kits: (
        {"assemble_kits"},
        {
            "bill_of_materials",
            "check_kit",
            "check_place",
            "propose_components",
            "candidate_lots",
            "assembly_of",
        },
    ),
    queries: (set(), {"lots_stmt", "history", "children", "lot_by_public_id", "stocked_items"}),
    production_access: (set(), {"batch_clause", "batch_lot", "visible_batch"}),
}


def exercise(session: Any, admin: Any, made: dict[str, Any]) -> None:
    group = made["group"]
    workshop = f.location(
        session, party_id=group.id, region_id=group.region_id, name="Мастерская Канарейкиной"
    )
    cloth = f.item(session, code="CANARY-CLOTH")
    pad = f.item(session, code="CANARY-PAD")
    kit = kit_item(session, [(cloth, 2), (pad, 1)], code="CANARY-KIT")
    # A batch names its members (canary); mark_created stamps its lot with the origin entry,
    # so the damage below is a correction of that entry.
    batch = log_production_batch(
        session,
        admin,
        BatchInput(
            group_id=group.id,
            item_id=cloth.id,
            quantity=10,
            made_on=date(2026, 11, 1),
            members="Канарейкина Аглая Петровна, +7 901 555-73-19",
            members_public=False,
        ),
    )
    cloth_lot = session.scalars(
        select(Lot).where(Lot.origin_id == batch.id, Lot.item_id == cloth.id)
    ).one()
    adjust.adjust_lot(session, admin, cloth_lot, "damaged", 1)
    cloth_lot = lot_at(session, workshop, cloth, 8)
    pad_lot = lot_at(session, workshop, pad, 5)
    adjust.adjust_lot(session, admin, pad_lot, "recount", 4)
    kits.assemble_kits(session, admin, kit, 2, workshop, [(cloth_lot, 4), (pad_lot, 2)])
    picks, _short = kits.propose_components(session, kit, 1, workshop)
    kits.assemble_kits(session, admin, kit, 1, workshop, picks)
