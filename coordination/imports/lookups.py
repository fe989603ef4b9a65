"""Everything a dry run looks up, loaded once per file instead of once per row.

A spreadsheet names things as people write them: an item by its catalog code, a group,
donor, campaign or location by its public id or by its name (case does not matter). A
name two records share is refused as ambiguous, so a row never lands on the wrong party.
Only what the actor may import for is loaded: a volunteer sees its own group and the
places of its group, a coordinator the groups and places of its region, an admin all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.imports.cells import CellError
from coordination.kernel.actors import Role
from coordination.kernel.text import N_
from coordination.parties.models import Location, Party, PartyKind
from coordination.stock.access import location_clause


@dataclass(slots=True)
class Ref:
    id: int
    public_id: str
    # For a group: where its stock goes (its first active location), if it has one.
    place: Ref | None = None


@dataclass(slots=True)
class ItemRef:
    id: int
    code: str
    sizes: frozenset[str]


@dataclass
class Directory:
    """Records by public id and by folded name; a name mapping to None is ambiguous."""

    by_id: dict[str, Ref] = field(default_factory=dict)
    by_name: dict[str, Ref | None] = field(default_factory=dict)

    def add(self, ref: Ref, name: str) -> None:
        self.by_id[ref.public_id] = ref
        key = name.strip().casefold()
        self.by_name[key] = None if key in self.by_name else ref

    def find(self, value: str, unknown: str) -> Ref:
        ref = self.by_id.get(value)
        if ref is not None:
            return ref
        key = value.casefold()
        if key in self.by_name:
            found = self.by_name[key]
            if found is None:
                raise CellError(N_("Several records have this name; use the public id."))
            return found
        raise CellError(unknown)


def items(session: Session) -> dict[str, ItemRef]:
    rows = session.execute(select(Item.id, Item.code, Item.sizes).where(Item.active.is_(True)))
    return {
        code.casefold(): ItemRef(id_, code, frozenset(sizes or ())) for id_, code, sizes in rows
    }


def parties(
    session: Session, kinds: Iterable[PartyKind], region_id: int | None = None
) -> Directory:
    """Active parties of `kinds` (only those of region `region_id` when it is given)."""
    directory = Directory()
    stmt = select(Party.id, Party.public_id, Party.display_name).where(
        Party.kind.in_(list(kinds)), Party.active.is_(True)
    )
    if region_id is not None:
        stmt = stmt.where(Party.region_id == region_id)
    for id_, public_id, name in session.execute(stmt):
        directory.add(Ref(id_, public_id), name)
    return directory


def places(session: Session, actor: User | None) -> Directory:
    directory = Directory()
    stmt = select(Location.id, Location.public_id, Location.name).where(
        Location.active.is_(True), location_clause(actor)
    )
    for id_, public_id, name in session.execute(stmt):
        directory.add(Ref(id_, public_id), name)
    return directory


def groups(session: Session, actor: User | None) -> Directory:
    """Groups the actor logs batches for, each with its stock location (or None)."""
    stmt = select(Party.id, Party.public_id, Party.display_name).where(
        Party.kind == PartyKind.GROUP, Party.active.is_(True)
    )
    if actor is not None and actor.role == Role.VOLUNTEER:
        stmt = stmt.where(Party.id == (actor.party_id or 0))
    first: dict[int, tuple[int, str, int]] = {}
    where = (
        select(Location.party_id, Location.id, Location.public_id, Location.region_id)
        .where(Location.active.is_(True), Location.party_id.is_not(None))
        .order_by(Location.id.desc())
    )
    for party_id, loc_id, loc_public, region_id in session.execute(where):
        if party_id is not None:  # the query excludes None; this tells the type checker
            first[party_id] = (loc_id, loc_public, region_id)  # ends on the lowest id
    directory = Directory()
    coordinator = actor is not None and actor.role == Role.COORDINATOR
    for id_, public_id, name in session.execute(stmt):
        place = first.get(id_)
        if coordinator and (place is None or place[2] != actor.region_id):  # type: ignore[union-attr]
            continue  # a coordinator imports for the groups of its own region only
        directory.add(Ref(id_, public_id, Ref(place[0], place[1]) if place else None), name)
    return directory
