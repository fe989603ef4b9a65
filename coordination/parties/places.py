"""Location and region services: where goods are kept, and the regions everything belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from coordination.kernel.actors import Actor, is_admin
from coordination.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from coordination.kernel.paging import search_clause
from coordination.kernel.stamps import edit_stamp
from coordination.kernel.text import N_, STALE, has_nul
from coordination.ledger.services import append
from coordination.parties.access import (
    can_manage_location,
    can_manage_parties,
    can_move_location,
    can_set_party_region,
    region_clause,
)
from coordination.parties.models import PRIVATE_KINDS, Location, LocationKind, Party, Region

# ISO 3166-2 subdivision codes, e.g. RU-KOS, RU-YAN.
REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


@dataclass
class LocationFields:
    name: str = ""
    kind: LocationKind = LocationKind.HUB
    region_id: int | None = None
    town: str | None = None
    party_id: int | None = None

    @classmethod
    def of(cls, loc: Location) -> LocationFields:
        return cls(loc.name, loc.kind, loc.region_id, loc.town, loc.party_id)


def location_stamp(loc: Location) -> str:
    return edit_stamp([loc.name, loc.kind.value, loc.region_id, loc.town, loc.party_id, loc.active])


def region_stamp(region: Region) -> str:
    return edit_stamp([region.code, region.name_ru, region.name_en])


def _text(value: str | None, field: str, limit: int, required: bool) -> str | None:
    value = (value or "").strip() or None
    if value is None:
        if required:
            raise Invalid(N_("This field is required."), field=field)
        return None
    if len(value) > limit:
        raise Invalid(N_("Use at most %(limit)s characters."), field=field, limit=limit)
    if has_nul(value):
        raise Invalid(N_("This text contains a character that cannot be stored."), field=field)
    return value


def _require_manager(actor: Actor | None) -> None:
    if actor is not None and not can_manage_parties(actor):
        raise Forbidden(N_("Your account cannot manage locations."))


def _require_location_manager(actor: Actor | None, loc: Location) -> None:
    _require_manager(actor)
    if actor is not None and not can_manage_location(actor, loc):
        raise NotFound(N_("Not found."))  # another region's place: not revealed


def _check_scope(
    actor: Actor | None, out: dict[str, Any], loc: Location | None, session: Session
) -> None:
    """A coordinator registers places in its own region, for parties of its region; only an
    admin moves a place to another region or hands it to another party (its stock goes
    with it)."""
    if actor is None or is_admin(actor):
        return
    if loc is None:
        if not can_set_party_region(actor, out["region_id"]):
            raise Invalid(N_("Choose your own region."), field="region_id")
        party = session.get(Party, out["party_id"]) if out["party_id"] else None
        if party is not None and party.region_id != actor.region_id:
            raise Invalid(N_("Choose a party of your region."), field="party_id")
        return
    if out["region_id"] != loc.region_id and not can_move_location(actor):
        raise Invalid(N_("Only an admin moves a location to another region."), field="region_id")
    if out["party_id"] != loc.party_id and not can_move_location(actor):
        raise Invalid(N_("Only an admin gives a location to another party."), field="party_id")


def _checked_location(session: Session, fields: LocationFields) -> dict[str, Any]:
    region = session.get(Region, fields.region_id) if fields.region_id else None
    if region is None:
        raise Invalid(N_("Choose a region from the list."), field="region_id")
    party = session.get(Party, fields.party_id) if fields.party_id else None
    if fields.party_id and (party is None or party.kind in PRIVATE_KINDS):
        # A place tied to a household or unit would be an address; such places are not kept.
        raise Invalid(
            N_("Choose a group, donor, campaign or official from the list."), field="party_id"
        )
    return {
        "name": _text(fields.name, "name", 200, True),
        "kind": LocationKind(fields.kind),
        "region_id": region.id,
        "town": _text(fields.town, "town", 120, False),
        "party_id": party.id if party else None,
    }


def location_view(session: Session, loc: Location) -> dict[str, Any]:
    # The town stays out of the record: the region is as precise as the ledger gets.
    region = session.get(Region, loc.region_id)
    data: dict[str, Any] = {"location": loc.public_id, "kind": loc.kind.value, "name": loc.name}
    data["region"] = region.code if region else None
    if loc.party_id:
        party = session.get(Party, loc.party_id)
        data["party"] = party.public_id if party else None
    return data


def register_location(session: Session, actor: Actor | None, fields: LocationFields) -> Location:
    _require_manager(actor)
    checked = _checked_location(session, fields)
    _check_scope(actor, checked, None, session)
    loc = Location(**checked)
    session.add(loc)
    session.flush()
    append(session, actor, "location.registered", location_view(session, loc))
    return loc


def update_location(
    session: Session, actor: Actor | None, loc: Location, stamp: str | None, fields: LocationFields
) -> Location:
    """stamp None (the API) skips the stale-form check; a form always sends one."""
    _require_location_manager(actor, loc)
    if stamp is not None and stamp != location_stamp(loc):
        raise Conflict(STALE)
    checked = _checked_location(session, fields)
    _check_scope(actor, checked, loc, session)
    for name, value in checked.items():
        setattr(loc, name, value)
    if session.is_modified(loc):
        session.flush()
        append(session, actor, "location.updated", location_view(session, loc))
    return loc


def set_location_active(
    session: Session, actor: Actor | None, loc: Location, active: bool
) -> Location:
    _require_location_manager(actor, loc)
    if loc.active != active:
        loc.active = active
        session.flush()
        kind = "location.reactivated" if active else "location.deactivated"
        append(session, actor, kind, {"location": loc.public_id})
    return loc


def _require_admin(actor: Actor | None) -> None:
    if actor is not None and not is_admin(actor):
        raise Forbidden(N_("Only an admin can change regions."))


def create_region(
    session: Session, actor: Actor | None, code: str, name_ru: str, name_en: str
) -> Region:
    _require_admin(actor)
    code = (code or "").strip().upper()
    if not REGION_CODE.match(code):
        raise Invalid(N_("Use an ISO 3166-2 code such as RU-KOS."), field="code")
    if session.scalar(select(func.count()).select_from(Region).where(Region.code == code)):
        raise Invalid(N_("This region code is taken."), field="code")
    region = Region(
        code=code,
        name_ru=_text(name_ru, "name_ru", 120, True),
        name_en=_text(name_en, "name_en", 120, True),
    )
    session.add(region)
    session.flush()
    append(session, actor, "region.created", _region_view(region))
    return region


def update_region(
    session: Session,
    actor: Actor | None,
    region: Region,
    stamp: str | None,
    name_ru: str,
    name_en: str,
) -> Region:
    _require_admin(actor)
    if stamp is not None and stamp != region_stamp(region):
        raise Conflict(STALE)
    region.name_ru = _text(name_ru, "name_ru", 120, True) or region.name_ru
    region.name_en = _text(name_en, "name_en", 120, True) or region.name_en
    if session.is_modified(region):
        session.flush()
        append(session, actor, "region.updated", _region_view(region))
    return region


def _region_view(region: Region) -> dict[str, Any]:
    return {"region": region.code, "names": {"ru": region.name_ru, "en": region.name_en}}


def search_locations(
    actor: Actor,
    q: str = "",
    kind: LocationKind | None = None,
    region_code: str | None = None,
    active: bool | None = True,
) -> Select[Location]:
    """Locations `actor` (staff) may list: a coordinator those of its region."""
    stmt = select(Location).where(region_clause(actor, Location.region_id))
    stmt = stmt.order_by(Location.name, Location.id)
    if q:
        stmt = stmt.where(search_clause(q, Location.name, Location.town, Location.public_id))
    if kind is not None:
        stmt = stmt.where(Location.kind == kind)
    if region_code:
        stmt = stmt.join(Region, Location.region_id == Region.id).where(Region.code == region_code)
    if active is not None:
        stmt = stmt.where(Location.active.is_(active))
    return stmt


def search_regions(q: str = "") -> Select[Region]:
    stmt = select(Region).order_by(Region.code)
    if q:
        stmt = stmt.where(search_clause(q, Region.code, Region.name_ru, Region.name_en))
    return stmt
