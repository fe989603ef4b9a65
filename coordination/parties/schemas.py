"""Request and response models of the parties, locations, regions (and shared field types)
for /api/v1. The endpoints are in coordination/api/parties.py; catalog and users reuse the
bounded, NUL-refusing field types defined here.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select

from coordination.db import db
from coordination.kernel.actors import Actor
from coordination.kernel.errors import Invalid
from coordination.kernel.schemas import PageQuery, Strict
from coordination.kernel.text import N_
from coordination.parties.access import can_see_personal_data
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region


def no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refuse it as bad input instead of failing later.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Search = Annotated[str, Field(max_length=100), AfterValidator(no_nul)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(no_nul)]
Label = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(no_nul)]
Short = Annotated[str, Field(max_length=120), AfterValidator(no_nul)]
Phone = Annotated[str, Field(max_length=40), AfterValidator(no_nul)]
Address = Annotated[str, Field(max_length=300), AfterValidator(no_nul)]
Note = Annotated[str, Field(max_length=2000), AfterValidator(no_nul)]
RegionCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$", max_length=16)]
PublicId = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]
Status = Literal["active", "inactive", "all"]
# Query filters are plain literals: enum classes in a query model would be emitted as
# "$defs" references that the OpenAPI document (built per parameter) cannot resolve.
PartyKindName = Literal["group", "donor", "unit", "household", "courier", "official", "campaign"]
LocationKindName = Literal["hub", "warehouse", "workshop"]
RoleName = Literal["family", "unit_rep", "volunteer", "coordinator", "auditor", "admin"]
STATUS = {"active": True, "inactive": False, "all": None}


class SearchQuery(PageQuery):
    q: Search | None = None
    status: Status = "active"


def region_for(code: str | None) -> int | None:
    """A region code from a request body, as the id the services take."""
    if code is None:
        return None
    region = db.session.scalar(select(Region).where(Region.code == code.upper()))
    if region is None:
        raise Invalid(N_("There is no region with the code %(code)s."), field="region", code=code)
    return region.id


def party_for(public_id: str | None) -> int | None:
    if public_id is None:
        return None
    party = db.session.scalar(select(Party).where(Party.public_id == public_id))
    if party is None:
        raise Invalid(N_("There is no party with that public id."), field="party")
    return party.id


def code_of(region: Region | None) -> str | None:
    return region.code if region is not None else None


class Personal(BaseModel):
    private_name: str | None
    phone: str | None
    address: str | None
    note: str | None


class PartyOut(BaseModel):
    id: int
    public_id: str
    kind: PartyKind
    display_name: str
    name_public: bool
    region: str | None
    active: bool
    version: int
    personal: Personal | None = Field(None, description="Only for roles that may see it.")


class PartyQuery(SearchQuery):
    kind: PartyKindName | None = None
    region: RegionCode | None = None


class PartyIn(Strict):
    kind: PartyKind
    display_name: Name | None = None
    name_public: bool = True
    region: RegionCode | None = None
    private_name: Name | None = None
    phone: Phone | None = None
    address: Address | None = None
    note: Note | None = None


class PartyPatch(Strict):
    version: Version = Field(description="The version you read; a newer one means 409.")
    display_name: Name | None = None
    name_public: bool | None = None
    region: RegionCode | None = None
    private_name: Name | None = None
    phone: Phone | None = None
    address: Address | None = None
    note: Note | None = None
    active: bool | None = None


def party_out(party: Party, user: Actor) -> PartyOut:
    personal = None
    if can_see_personal_data(user, party):
        personal = Personal(
            private_name=party.private_name,
            phone=party.phone,
            address=party.address,
            note=party.note,
        )
    return PartyOut(
        id=party.id,
        public_id=party.public_id,
        kind=party.kind,
        display_name=party.display_name,
        name_public=party.name_public,
        region=code_of(party.region),
        active=party.active,
        version=party.version,
        personal=personal,
    )


class LocationOut(BaseModel):
    id: int
    public_id: str
    name: str
    kind: LocationKind
    region: str
    town: str | None
    party: str | None
    active: bool


class LocationQuery(SearchQuery):
    kind: LocationKindName | None = None
    region: RegionCode | None = None


class LocationIn(Strict):
    name: Name
    kind: LocationKind
    region: RegionCode
    town: Short | None = None
    party: PublicId | None = None


class LocationPatch(Strict):
    name: Name | None = None
    kind: LocationKind | None = None
    region: RegionCode | None = None
    town: Short | None = None
    party: PublicId | None = None
    active: bool | None = None


def location_out(loc: Location) -> LocationOut:
    return LocationOut(
        id=loc.id,
        public_id=loc.public_id,
        name=loc.name,
        kind=loc.kind,
        region=loc.region.code,
        town=loc.town,
        party=loc.party.public_id if loc.party else None,
        active=loc.active,
    )


class RegionOut(BaseModel):
    id: int
    code: str
    name_ru: str
    name_en: str


class RegionQuery(PageQuery):
    q: Search | None = None


class RegionIn(Strict):
    code: RegionCode
    name_ru: Label
    name_en: Label


class RegionPatch(Strict):
    name_ru: Label | None = None
    name_en: Label | None = None


def region_out(region: Region) -> RegionOut:
    return RegionOut(id=region.id, code=region.code, name_ru=region.name_ru, name_en=region.name_en)
