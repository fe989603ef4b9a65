"""Request and response models of /api/v1/needs. Endpoints: coordination/api/needs.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt

from coordination.kernel.schemas import PageQuery, Strict
from coordination.needs.models import MAX_QUANTITY, Need, NeedEventKind, NeedLine
from coordination.needs.queries import BoardRow
from coordination.parties.schemas import PublicId, RegionCode, Search, Version

PriorityName = Literal["urgent", "high", "normal", "low"]
StatusName = Literal[
    "submitted", "approved", "rejected", "partially_fulfilled", "fulfilled", "cancelled", "all"
]
DeliveryName = Literal["region", "town", "hub", "private_address"]
Token = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{16,64}$")]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
ItemCode = Annotated[str, Field(min_length=1, max_length=32)]
Text = Annotated[str, Field(max_length=500)]
Long = Annotated[str, Field(max_length=1000)]


class NeedLineIn(Strict):
    item: ItemCode
    quantity: Quantity
    size: Annotated[str, Field(max_length=32)] | None = None
    priority: PriorityName = "normal"
    needed_by: date | None = None
    note: Text | None = None


class NeedIn(Strict):
    region: RegionCode
    delivery: DeliveryName = "region"
    town: Annotated[str, Field(max_length=120)] | None = None
    hub: PublicId | None = None
    address: Annotated[str, Field(max_length=300)] | None = None
    serviceman_name: Annotated[str, Field(max_length=200)] | None = None
    serviceman_unit: Annotated[str, Field(max_length=200)] | None = None
    lines: list[NeedLineIn] = Field(min_length=1, max_length=20)
    submission_token: Token | None = None


class NeedVersionIn(Strict):
    version: Version


class ReasonIn(Strict):
    version: Version
    reason: Long


class UnavailableIn(Strict):
    version: Version
    reason: Long | None = Field(None, description="Shown to the family or unit")


class MergeIn(Strict):
    version: Version = Field(description="The version of the duplicate you read")
    into: PublicId = Field(description="Public id of the need to keep (same family or unit)")


class CommentIn(Strict):
    text: Long


class NeedQuery(PageQuery):
    q: Search | None = None
    status: StatusName = "all"
    region: RegionCode | None = None
    item: ItemCode | None = None
    priority: PriorityName | None = None


class NeedLineOut(BaseModel):
    id: int
    item: str
    size: str | None
    quantity: int
    priority: str
    needed_by: date | None
    note: str | None
    unavailable: bool
    allocated: int
    dispatched: int
    received: int


class NeedEventOut(BaseModel):
    kind: str
    at: datetime
    text: str | None


class NeedOut(BaseModel):
    id: int
    public_id: str
    status: str
    region: str
    delivery: str
    town: str | None
    hub: str | None
    address: str | None
    serviceman_name: str | None
    serviceman_unit: str | None
    decision_reason: str | None
    merged_into: str | None
    version: int
    created_at: datetime
    lines: list[NeedLineOut]
    events: list[NeedEventOut]


class DemandLineOut(BaseModel):
    item: str
    size: str | None
    quantity: int
    region: str
    priority: str


class BoardRowOut(BaseModel):
    item: str
    region: str
    month: str
    remaining: int
    needs: int
    parties: int = Field(description="distinct households and units asking (never below min_count)")


class BoardOut(BaseModel):
    min_count: int = Field(description="cells with fewer distinct households/units are left out")
    suppressed: int
    rows: list[BoardRowOut]


def line_out(line: NeedLine) -> NeedLineOut:
    return NeedLineOut(
        id=line.id,
        item=line.item.code,
        size=line.size,
        quantity=line.quantity,
        priority=line.priority.value,
        needed_by=line.needed_by,
        note=line.note,
        unavailable=line.unavailable,
        allocated=line.quantity_allocated,
        dispatched=line.quantity_dispatched,
        received=line.quantity_received,
    )


def need_out(need: Need, triager: bool) -> NeedOut:
    events = [e for e in need.events if triager or e.kind != NeedEventKind.COMMENT]
    return NeedOut(
        id=need.id,
        public_id=need.public_id,
        status=need.status.value,
        region=need.region.code,
        delivery=need.delivery_kind.value,
        town=need.town,
        hub=need.location.public_id if need.location else None,
        address=need.address,
        serviceman_name=need.serviceman_name,
        serviceman_unit=need.serviceman_unit,
        decision_reason=need.decision_reason,
        merged_into=need.merged_into.public_id if need.merged_into else None,
        version=need.version,
        created_at=need.created_at,
        lines=[line_out(line) for line in need.lines],
        events=[NeedEventOut(kind=e.kind.value, at=e.at, text=e.text) for e in events],
    )


def demand_out(line: NeedLine) -> DemandLineOut:
    return DemandLineOut(
        item=line.item.code,
        size=line.size,
        quantity=line.remaining,
        region=line.need.region.code,
        priority=line.priority.value,
    )


def board_row_out(row: BoardRow) -> BoardRowOut:
    return BoardRowOut(
        item=row.item.code,
        region=row.region.code,
        month=row.month,
        remaining=row.remaining,
        needs=row.needs,
        parties=row.parties,
    )
