"""/api/v1 parties, locations and regions. Same rules as the admin pages, same services."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select

from coordination.accounts.models import Role, User
from coordination.accounts.permissions import READ_ALL, STAFF, can_see_party, can_see_personal_data
from coordination.api import bp
from coordination.api.framework import Page, PageQuery, Strict, api_user, endpoint, paginate
from coordination.db import db
from coordination.errors import NotFound
from coordination.parties import places, services
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.parties.shared import N_, Invalid, clean_search, get_or_404


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


# ---- parties ---------------------------------------------------------------------------------


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


def party_out(party: Party, user: User) -> PartyOut:
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


def _visible_party(ident: int) -> Party:
    party = get_or_404(db.session, Party, ident)
    if not can_see_party(api_user(), party):
        raise NotFound(N_("Not found."))
    return party


@endpoint(
    bp,
    "/parties",
    "GET",
    "List parties",
    query=PartyQuery,
    response=Page[PartyOut],
    roles=READ_ALL,
    tag="parties",
)
def list_parties(query: PartyQuery) -> Page[PartyOut]:
    user = api_user()
    q = clean_search(query.q)
    stmt = services.search_parties(
        user,
        q,
        PartyKind(query.kind) if query.kind else None,
        (query.region or "").upper(),
        STATUS[query.status],
    )
    return paginate(db.session, stmt, query, lambda p: party_out(p, user))


@endpoint(
    bp, "/parties/{party_id}", "GET", "One party", response=PartyOut, roles=READ_ALL, tag="parties"
)
def get_party(party_id: int) -> PartyOut:
    return party_out(_visible_party(party_id), api_user())


@endpoint(
    bp,
    "/parties",
    "POST",
    "Register a party",
    body=PartyIn,
    response=PartyOut,
    status=201,
    roles=STAFF,
    tag="parties",
)
def create_party(body: PartyIn) -> PartyOut:
    fields = services.PartyFields(
        display_name=body.display_name,
        name_public=body.name_public,
        region_id=region_for(body.region),
        private_name=body.private_name,
        phone=body.phone,
        address=body.address,
        note=body.note,
    )
    party = services.register_party(db.session, api_user(), body.kind, fields)
    db.session.commit()
    return party_out(party, api_user())


@endpoint(
    bp,
    "/parties/{party_id}",
    "PATCH",
    "Edit a party (optimistic: send the version you read)",
    body=PartyPatch,
    response=PartyOut,
    roles=STAFF,
    tag="parties",
)
def update_party(party_id: int, body: PartyPatch) -> PartyOut:
    party = _visible_party(party_id)
    fields = services.PartyFields.of(party)
    given = body.model_fields_set
    for name in ("display_name", "private_name", "phone", "address", "note"):
        if name in given:
            setattr(fields, name, getattr(body, name))
    if "name_public" in given and body.name_public is not None:
        fields.name_public = body.name_public
    if "region" in given:
        fields.region_id = region_for(body.region)
    services.update_party(db.session, api_user(), party, body.version, fields)
    if body.active is not None:
        services.set_party_active(db.session, api_user(), party, body.active)
    db.session.commit()
    return party_out(party, api_user())


# ---- locations -------------------------------------------------------------------------------


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


@endpoint(
    bp,
    "/locations",
    "GET",
    "List locations",
    query=LocationQuery,
    response=Page[LocationOut],
    roles=STAFF,
    tag="locations",
)
def list_locations(query: LocationQuery) -> Page[LocationOut]:
    stmt = places.search_locations(
        clean_search(query.q),
        LocationKind(query.kind) if query.kind else None,
        (query.region or "").upper(),
        STATUS[query.status],
    )
    return paginate(db.session, stmt, query, location_out)


@endpoint(
    bp,
    "/locations/{location_id}",
    "GET",
    "One location",
    response=LocationOut,
    roles=STAFF,
    tag="locations",
)
def get_location(location_id: int) -> LocationOut:
    return location_out(get_or_404(db.session, Location, location_id))


@endpoint(
    bp,
    "/locations",
    "POST",
    "Register a location",
    body=LocationIn,
    response=LocationOut,
    status=201,
    roles=STAFF,
    tag="locations",
)
def create_location(body: LocationIn) -> LocationOut:
    fields = places.LocationFields(
        body.name, body.kind, region_for(body.region), body.town, party_for(body.party)
    )
    loc = places.register_location(db.session, api_user(), fields)
    db.session.commit()
    return location_out(loc)


@endpoint(
    bp,
    "/locations/{location_id}",
    "PATCH",
    "Edit a location",
    body=LocationPatch,
    response=LocationOut,
    roles=STAFF,
    tag="locations",
)
def update_location(location_id: int, body: LocationPatch) -> LocationOut:
    loc = get_or_404(db.session, Location, location_id)
    fields = places.LocationFields.of(loc)
    given = body.model_fields_set
    if body.name is not None:
        fields.name = body.name
    if body.kind is not None:
        fields.kind = body.kind
    if body.region is not None:
        fields.region_id = region_for(body.region)
    if "town" in given:
        fields.town = body.town
    if "party" in given:
        fields.party_id = party_for(body.party)
    places.update_location(db.session, api_user(), loc, None, fields)
    if body.active is not None:
        places.set_location_active(db.session, api_user(), loc, body.active)
    db.session.commit()
    return location_out(loc)


# ---- regions ---------------------------------------------------------------------------------


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


@endpoint(
    bp,
    "/regions",
    "GET",
    "List regions",
    query=RegionQuery,
    response=Page[RegionOut],
    tag="regions",
)
def list_regions(query: RegionQuery) -> Page[RegionOut]:
    return paginate(db.session, places.search_regions(clean_search(query.q)), query, region_out)


@endpoint(bp, "/regions/{region_id}", "GET", "One region", response=RegionOut, tag="regions")
def get_region(region_id: int) -> RegionOut:
    return region_out(get_or_404(db.session, Region, region_id))


@endpoint(
    bp,
    "/regions",
    "POST",
    "Add a region",
    body=RegionIn,
    response=RegionOut,
    status=201,
    roles=(Role.ADMIN,),
    tag="regions",
)
def create_region(body: RegionIn) -> RegionOut:
    region = places.create_region(db.session, api_user(), body.code, body.name_ru, body.name_en)
    db.session.commit()
    return region_out(region)


@endpoint(
    bp,
    "/regions/{region_id}",
    "PATCH",
    "Rename a region",
    body=RegionPatch,
    response=RegionOut,
    roles=(Role.ADMIN,),
    tag="regions",
)
def update_region(region_id: int, body: RegionPatch) -> RegionOut:
    region = get_or_404(db.session, Region, region_id)
    places.update_region(
        db.session,
        api_user(),
        region,
        None,
        body.name_ru or region.name_ru,
        body.name_en or region.name_en,
    )
    db.session.commit()
    return region_out(region)
