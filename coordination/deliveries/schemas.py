"""Request and response models of /api/v1/deliveries. Endpoints: coordination/api/deliveries.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from coordination.deliveries.models import MAX_QUANTITY
from coordination.kernel.schemas import PageQuery, Strict
from coordination.parties.schemas import PublicId, RegionCode, Search, Version

Id = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]
Role = Literal["source", "collector", "carrier", "presenter", "recipient"]
Condition = Literal["ok", "short", "damaged"]
StatusName = Literal[
    "draft", "packed", "dispatched", "delivered", "confirmed", "disputed", "cancelled", "all"
]
Note = Annotated[str, Field(max_length=2000)]


class DeliveryQuery(PageQuery):
    q: Search | None = None
    status: StatusName = "all"


class DeliveryIn(Strict):
    from_location: PublicId = Field(description="Public id of the location the goods leave")
    need_lines: list[Id] = Field(
        default_factory=list,
        max_length=200,
        description="Need line ids of one recipient's approved needs",
    )
    to_party: PublicId | None = Field(None, description="Without need lines: the recipient")
    to_location: PublicId | None = Field(None, description="A move to a hub")
    expected_on: date | None = None
    allocate: StrictBool = Field(True, description="Reserve the proposed lots at once")


class DeliveryVersionIn(Strict):
    version: Version


class LineIn(Strict):
    version: Version
    lot: PublicId
    quantity: Quantity
    need_line: Id | None = None


class HandoverLineIn(Strict):
    line: Id = Field(description="Delivery line id")
    quantity: Count


class HandoverIn(Strict):
    version: Version
    from_party: PublicId
    from_role: Role
    to_party: PublicId
    to_role: Role
    place: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="Town only, never a street address"
    )
    region: RegionCode | None = None
    at: datetime | None = None
    note: Note | None = None
    lines: list[HandoverLineIn] = Field(
        default_factory=list, max_length=200, description="Empty: every line in full"
    )


class ReceiptLineIn(Strict):
    line: Id
    received: Count
    condition: Condition = "ok"


class ReceiptIn(Strict):
    version: Version
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)
    challenged: StrictBool = Field(False, description="A recorded handover is wrong")
    note: Note | None = None


class DeliveryLineOut(BaseModel):
    id: int
    lot: str
    item: str
    size: str | None
    quantity: int
    quantity_received: int | None
    need_line: int | None
    source_kind: str
    source: str | None = Field(description="Public label of the source; null if anonymous")


class HandoverOut(BaseModel):
    id: int
    public_id: str
    from_party: str
    from_role: str
    to_party: str
    to_role: str
    place: str
    at: datetime
    lines: dict[int, int] = Field(description="Delivery line id -> quantity handed over")


class ReceiptOut(BaseModel):
    public_id: str
    disputed: bool
    at: datetime
    lines: dict[int, tuple[int, str]]


class DeliveryOut(BaseModel):
    id: int
    public_id: str
    status: str
    code: str | None
    region: str
    from_location: str
    to_party: str | None
    to_kind: str | None
    to_location: str | None
    expected_on: date | None
    dispatch_entry: int | None
    version: int
    lines: list[DeliveryLineOut]
    handovers: list[HandoverOut]
    receipts: list[ReceiptOut]


class ProposalOut(BaseModel):
    lot: str
    item: str
    size: str | None
    location: str
    available: int
    source_kind: str
    source: str | None


class ProposalsOut(BaseModel):
    items: list[ProposalOut]
