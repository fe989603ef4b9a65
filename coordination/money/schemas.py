"""Request and response models of /api/v1/money and /api/v1/donations (coordination/api/money.py).

Amounts are integers of minor units (kopecks for RUB); a float, a string or a bool is
refused with 400, never rounded.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictInt

from coordination.donations.models import MAX_QUANTITY
from coordination.kernel.schemas import PageQuery, Strict
from coordination.money.amounts import MAX_AMOUNT_MINOR
from coordination.parties.schemas import PublicId, Search, Short

Amount = Annotated[StrictInt, Field(ge=1, le=MAX_AMOUNT_MINOR, description="Minor units")]
Price = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT_MINOR, description="Minor units")]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")]
ItemCode = Annotated[str, Field(min_length=1, max_length=32)]
Size = Annotated[str, Field(max_length=32)]
Channel = Annotated[str, Field(max_length=40)]


class MoneyIn(Strict):
    amount_minor: Amount
    currency: Currency = "RUB"
    received_on: date
    donor: PublicId | None = Field(None, description="A donor, campaign or group; none: anonymous")
    campaign: PublicId | None = Field(None, description="The campaign or event it was raised for")
    holder: PublicId | None = Field(None, description="The group holding it; none: coordinators")
    channel: Channel | None = None
    earmark: Short | None = None
    received: bool = Field(False, description="False: a pledge, not counted until received")


class PassOnIn(Strict):
    to_group: PublicId
    amount_minor: Amount
    on: date


class MoneyQuery(PageQuery):
    q: Search | None = None
    status: Literal["pledged", "received", "all"] = "all"
    currency: Currency | None = None


class MoneyOut(BaseModel):
    id: int
    public_id: str
    donor: str | None
    campaign: str | None
    holder: str | None
    passed_from: str | None
    amount_minor: int
    currency: str
    received_on: date
    channel: str | None
    earmark: str | None
    status: str
    balance_minor: int = Field(description="Unspent: amount − purchases − materials − passed on")
    receipt_code: str | None = Field(None, description="Shown to coordinators and admins only")


class PurchaseLineIn(Strict):
    item: ItemCode
    size: Size | None = None
    quantity: Quantity
    price_minor: Price = Field(description="The line's total price, minor units")


class FundingIn(Strict):
    donation: PublicId
    amount_minor: Amount


class PurchaseIn(Strict):
    location: PublicId
    bought_on: date
    currency: Currency = "RUB"
    earmark: Short | None = Field(None, description="What it was for; must match earmarks")
    supplier: Short | None = Field(None, description="A shop or a company, never a person")
    buyer: PublicId | None = Field(None, description="The group that bought; none: coordinators")
    lines: list[PurchaseLineIn] = Field(min_length=1, max_length=20)
    funding: list[FundingIn] = Field(min_length=1, max_length=20)


class PurchaseLineOut(BaseModel):
    item: str
    size: str | None
    quantity: int
    price_minor: int


class FundingOut(BaseModel):
    donation: str
    amount_minor: int


class PurchaseOut(BaseModel):
    id: int
    public_id: str
    location: str
    bought_on: date
    currency: str
    total_minor: int
    earmark: str | None
    supplier: str | None
    lines: list[PurchaseLineOut]
    funding: list[FundingOut]
    lots: list[str]


class BatchFundingIn(Strict):
    batch: PublicId
    donation: PublicId
    amount_minor: Amount
    on: date
    earmark: Short | None = None


class BatchFundingOut(BaseModel):
    batch: str
    donation: str
    amount_minor: int
    currency: str
    earmark: str | None
    balance_minor: int


class TotalsQuery(Strict):
    by: Literal["currency", "campaign", "holder", "earmark", "month"] = "currency"


class TotalOut(BaseModel):
    key: str | None
    label: str | None
    currency: str
    raised_minor: int
    passed_in_minor: int
    passed_out_minor: int
    spent_minor: int
    unspent_minor: int
    donations: int


class TotalsOut(BaseModel):
    by: str
    rows: list[TotalOut]


class InKindLineIn(Strict):
    item: ItemCode
    size: Size | None = None
    quantity: Quantity


class InKindIn(Strict):
    location: PublicId
    received_on: date
    donor: PublicId | None = None
    lines: list[InKindLineIn] = Field(min_length=1, max_length=20)


class InKindLineOut(BaseModel):
    item: str
    size: str | None
    quantity: int


class InKindOut(BaseModel):
    id: int
    public_id: str
    donor: str | None
    location: str
    received_on: date
    lines: list[InKindLineOut]
    receipt_code: str | None = Field(None, description="Shown to coordinators and admins only")


class InKindQuery(PageQuery):
    q: Search | None = None
