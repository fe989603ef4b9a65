"""/api/v1 parties, locations and regions. Same rules as the admin pages, same services."""

from __future__ import annotations

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.db import db
from coordination.kernel.actors import READ_ALL, STAFF, Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_, clean_search
from coordination.parties import places, services
from coordination.parties.access import can_manage_location, can_see_party
from coordination.parties.models import Location, LocationKind, Party, PartyKind, Region
from coordination.parties.schemas import (
    STATUS,
    LocationIn,
    LocationOut,
    LocationPatch,
    LocationQuery,
    PartyIn,
    PartyOut,
    PartyPatch,
    PartyQuery,
    RegionIn,
    RegionOut,
    RegionPatch,
    RegionQuery,
    location_out,
    party_for,
    party_out,
    region_for,
    region_out,
)

# ---- parties ---------------------------------------------------------------------------------


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


def _managed_location(ident: int) -> Location:
    """The location, or 404 when it is in another coordinator's region."""
    loc = get_or_404(db.session, Location, ident)
    if not can_manage_location(api_user(), loc):
        raise NotFound(N_("Not found."))
    return loc


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
        api_user(),
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
    return location_out(_managed_location(location_id))


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
    loc = _managed_location(location_id)
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
