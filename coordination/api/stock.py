"""/api/v1 stock and production: the same services and access rules as the stock pages
(volunteer: its own group's places; coordinator: its region; admin: all; others 403/404)."""

from __future__ import annotations

from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.catalog.models import Item
from coordination.db import db
from coordination.kernel.errors import Invalid
from coordination.kernel.paging import search_clause
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_, clean_search
from coordination.parties.models import Location, Party
from coordination.production.access import batch_clause, batch_lot, visible_batch
from coordination.production.models import ProductionBatch
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock import kits
from coordination.stock.access import STOCK_USERS, visible_lot
from coordination.stock.adjust import adjust_lot
from coordination.stock.models import Lot
from coordination.stock.queries import LotFilter, lot_by_public_id, lots_stmt
from coordination.stock.schemas import (
    AdjustIn,
    BatchIn,
    BatchOut,
    BatchQuery,
    KitIn,
    LotOut,
    LotQuery,
    TakeIn,
    TransferIn,
    batch_out,
    lot_out,
)
from coordination.stock.services import take_from_lot, transfer_lot

TAG = "stock"


def _location(public_id: str | None, field: str) -> Location:
    place = db.session.scalar(select(Location).where(Location.public_id == public_id))
    if place is None:
        raise Invalid(N_("Choose a location."), field)
    return place


def _item(code: str | None, field: str) -> Item:
    item = db.session.scalar(select(Item).where(Item.code == code))
    if item is None:
        raise Invalid(N_("Choose an item from the catalog."), field)
    return item


def _lot(lot_id: int) -> LotOut:
    return lot_out(db.session, visible_lot(db.session, api_user(), lot_id))


@endpoint(
    bp,
    "/stock/lots",
    "GET",
    "Lots you may see, with their origin; filter by location public id, item code or a search term",
    query=LotQuery,
    response=Page[LotOut],
    roles=STOCK_USERS,
    tag=TAG,
)
def list_lots(query: LotQuery) -> Page[LotOut]:
    flt = LotFilter(q=clean_search(query.q), include_empty=query.include_empty)
    if query.location is not None:
        flt.location_id = _location(query.location, "location").id
    if query.item is not None:
        flt.item_id = _item(query.item, "item").id
    return paginate(
        db.session, lots_stmt(api_user(), flt), query, lambda lot: lot_out(db.session, lot)
    )


@endpoint(
    bp,
    "/stock/lots/{lot_id}",
    "GET",
    "One lot with its origin (and a kit's components)",
    response=LotOut,
    roles=STOCK_USERS,
    tag=TAG,
)
def get_lot(lot_id: int) -> LotOut:
    return _lot(lot_id)


@endpoint(
    bp,
    "/stock/lots/{lot_id}/transfer",
    "POST",
    "Move part of a lot to another location: a new lot with the same origin (returned)",
    body=TransferIn,
    response=LotOut,
    status=201,
    roles=STOCK_USERS,
    tag=TAG,
)
def transfer(lot_id: int, body: TransferIn) -> LotOut:
    lot = visible_lot(db.session, api_user(), lot_id)
    dest = _location(body.to, "to")
    new = transfer_lot(db.session, api_user(), lot, dest.id, body.quantity)
    db.session.commit()
    return lot_out(db.session, new)


@endpoint(
    bp,
    "/stock/lots/{lot_id}/take",
    "POST",
    "Take goods out of a lot; never more than is available (quantity minus reserved)",
    body=TakeIn,
    response=LotOut,
    roles=STOCK_USERS,
    tag=TAG,
)
def take(lot_id: int, body: TakeIn) -> LotOut:
    lot = visible_lot(db.session, api_user(), lot_id)
    take_from_lot(db.session, api_user(), lot, body.quantity)
    db.session.commit()
    return _lot(lot_id)


@endpoint(
    bp,
    "/stock/lots/{lot_id}/adjust",
    "POST",
    "Correct a lot (lost, damaged, recount); the ledger entry supersedes the lot's creating entry",
    body=AdjustIn,
    response=LotOut,
    roles=STOCK_USERS,
    tag=TAG,
)
def adjust(lot_id: int, body: AdjustIn) -> LotOut:
    lot = visible_lot(db.session, api_user(), lot_id)
    adjust_lot(db.session, api_user(), lot, body.reason, body.quantity)
    db.session.commit()
    return _lot(lot_id)


@endpoint(
    bp,
    "/stock/kits",
    "POST",
    "Assemble kits from component lots at one location (the oldest lots if none are "
    "named); returns the kit lot",
    body=KitIn,
    response=LotOut,
    status=201,
    roles=STOCK_USERS,
    tag=TAG,
)
def assemble(body: KitIn) -> LotOut:
    user = api_user()
    place = kits.check_place(user, _location(body.location, "location"))
    kit = kits.check_kit(_item(body.kit, "kit"))
    if body.components is None:
        uses, short = kits.propose_components(db.session, kit, body.quantity, place)
        if short:
            raise Invalid(
                N_("Not enough components at this location: %(short)s."),
                "components",
                short=", ".join(f"{n} {c}" for c, n in short.items()),
            )
    else:
        uses = []
        for part in body.components:
            lot = lot_by_public_id(db.session, part.lot)
            if lot is None or lot.location_id != place.id:
                raise Invalid(
                    N_("Lot %(lot)s is not at this location."), "components", lot=part.lot
                )
            uses.append((lot, part.quantity))
    kit_lot = kits.assemble_kits(db.session, user, kit, body.quantity, place, list(uses))
    db.session.commit()
    return lot_out(db.session, kit_lot)


def _batch_lot(batch: ProductionBatch) -> Lot | None:
    return batch_lot(db.session, batch)


@endpoint(
    bp,
    "/production/batches",
    "GET",
    "Production batches you may see (your group's, your region's, or all for admins)",
    query=BatchQuery,
    response=Page[BatchOut],
    roles=STOCK_USERS,
    tag=TAG,
)
def list_batches(query: BatchQuery) -> Page[BatchOut]:
    stmt = (
        select(ProductionBatch)
        .join(Item, ProductionBatch.item_id == Item.id)
        .where(batch_clause(api_user()))
        .order_by(ProductionBatch.made_on.desc(), ProductionBatch.id.desc())
    )
    q = clean_search(query.q)
    if q:
        stmt = stmt.where(
            search_clause(q, Item.code, Item.name_ru, Item.name_en, ProductionBatch.public_id)
        )
    return paginate(db.session, stmt, query, lambda b: batch_out(b, _batch_lot(b)))


@endpoint(
    bp,
    "/production/batches/{batch_id}",
    "GET",
    "One production batch",
    response=BatchOut,
    roles=STOCK_USERS,
    tag=TAG,
)
def get_batch(batch_id: int) -> BatchOut:
    batch = visible_batch(db.session, api_user(), batch_id)
    return batch_out(batch, _batch_lot(batch))


@endpoint(
    bp,
    "/production/batches",
    "POST",
    "Log a batch your group made: it becomes a lot "
    "at the group's location with that batch as origin",
    body=BatchIn,
    response=BatchOut,
    status=201,
    roles=STOCK_USERS,
    tag=TAG,
)
def create_batch(body: BatchIn) -> BatchOut:
    user = api_user()
    group_id = user.party_id
    if body.group is not None:
        group = db.session.scalar(select(Party).where(Party.public_id == body.group))
        if group is None:
            raise Invalid(N_("Choose a volunteer group."), "group")
        group_id = group.id
    batch = log_production_batch(
        db.session,
        user,
        BatchInput(
            group_id=group_id,
            item_id=_item(body.item, "item").id,
            quantity=body.quantity,
            made_on=body.made_on,
            size=body.size,
            members=body.members,
            members_public=body.members_public,
        ),
    )
    db.session.commit()
    return batch_out(batch, _batch_lot(batch))
