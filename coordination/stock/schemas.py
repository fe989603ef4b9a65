"""Request and response models of /api/v1/stock and /api/v1/production batches."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt
from sqlalchemy.orm import Session

from coordination.kernel.schemas import PageQuery, Strict
from coordination.parties.schemas import PublicId, Search
from coordination.stock.kits import assembly_of
from coordination.stock.models import Lot
from coordination.stock.origins import origin_source
from coordination.stock.services import MAX_QUANTITY

Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]
ItemCode = Annotated[str, Field(min_length=1, max_length=32)]


if TYPE_CHECKING:
    # Only a type: the production API builds the batch answer with this schema.
    from coordination.production.models import ProductionBatch


class LotQuery(PageQuery):
    q: Search | None = None
    location: PublicId | None = None
    item: ItemCode | None = None
    include_empty: bool = False


class OriginOut(BaseModel):
    kind: str = Field(description="batch, in_kind, purchase or kit")
    id: str | None = Field(description="public id of the batch, donation, purchase or assembly")
    source: str | None = Field(description="public label of the group or donor; null if anonymous")


class ComponentOut(BaseModel):
    lot: str
    item: str
    quantity: int
    origin: OriginOut


class LotOut(BaseModel):
    id: int
    public_id: str
    item: str
    size: str | None
    quantity: int
    reserved: int
    available: int
    location: str
    location_name: str
    origin: OriginOut
    parent: str | None
    entry_index: int | None
    components: list[ComponentOut] = Field(
        default_factory=list, description="for a kit lot: the lots it was made from"
    )


class TransferIn(Strict):
    to: PublicId = Field(description="public id of the destination location")
    quantity: Quantity


class TakeIn(Strict):
    quantity: Quantity


class AdjustIn(Strict):
    reason: Literal["lost", "damaged", "recount"]
    quantity: Count = Field(description="lost/damaged: how many are gone; recount: the count")


class ComponentIn(Strict):
    lot: PublicId
    quantity: Quantity


class KitIn(Strict):
    kit: ItemCode = Field(description="item code of the kit")
    quantity: Quantity
    location: PublicId
    components: list[ComponentIn] | None = Field(
        None, max_length=50, description="omit to take the oldest component lots first"
    )


class BatchQuery(PageQuery):
    q: Search | None = None


class BatchIn(Strict):
    group: PublicId | None = Field(None, description="a volunteer's own group if omitted")
    item: ItemCode
    size: Annotated[str, Field(max_length=32)] | None = None
    quantity: Quantity
    made_on: date
    members: Annotated[str, Field(max_length=500)] | None = Field(
        None, description="names of the members who made it; kept encrypted"
    )
    members_public: StrictBool = False


class BatchOut(BaseModel):
    id: int
    public_id: str
    group: str
    group_name: str | None
    item: str
    size: str | None
    quantity: int
    made_on: date
    members: str | None = Field(description="only when the members agreed to be named")
    lot: str | None


def origin_out(session: Session, lot: Lot) -> OriginOut:
    kind, source, record = origin_source(session, lot)
    return OriginOut(kind=kind, id=getattr(record, "public_id", None), source=source)


def lot_out(session: Session, lot: Lot) -> LotOut:
    assembly = assembly_of(session, lot)
    parts = assembly.components if assembly is not None else []
    return LotOut(
        id=lot.id,
        public_id=lot.public_id,
        item=lot.item.code,
        size=lot.size,
        quantity=lot.quantity,
        reserved=lot.reserved,
        available=lot.available,
        location=lot.location.public_id,
        location_name=lot.location.name,
        origin=origin_out(session, lot),
        parent=lot.parent.public_id if lot.parent else None,
        entry_index=lot.entry_index,
        components=[
            ComponentOut(
                lot=u.lot.public_id,
                item=u.lot.item.code,
                quantity=u.quantity,
                origin=origin_out(session, u.lot),
            )
            for u in parts
        ],
    )


def batch_out(batch: ProductionBatch, lot: Lot | None) -> BatchOut:
    public = batch.made_by_members_public
    return BatchOut(
        id=batch.id,
        public_id=batch.public_id,
        group=batch.group.public_id,
        group_name=batch.group.public_label,
        item=batch.item.code,
        size=batch.size,
        quantity=batch.quantity,
        made_on=batch.made_on,
        members=batch.members if public else None,
        lot=lot.public_id if lot else None,
    )
