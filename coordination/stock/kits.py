"""Kit assembly: kits put together from component lots at one location.

The kit's bill of materials (Item.components) must be met exactly by the chosen lots, so
every kit's contents are accounted for by lots whose origins are known. The kit lot's origin
is the assembly, and the assembly names each component lot: attribution walks through it.
Component lots are locked in id order (two assemblies never wait on each other in a cycle)
and never give more than they hold beyond what deliveries reserved.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.text import N_
from coordination.ledger.describe import register
from coordination.ledger.services import append
from coordination.parties.models import Location
from coordination.stock.access import can_stock_at
from coordination.stock.models import (
    KitAssembly,
    KitComponentUse,
    Lot,
    MovementKind,
    OriginKind,
)
from coordination.stock.origins import origin_public_id
from coordination.stock.services import (
    _locked,
    _movement,
    check_available,
    check_quantity,
    require_stock_user,
)

KIND = "stock.kit_assembled"
MAX_COMPONENT_LOTS = 50
register(
    KIND, _l("%(quantity)s kit(s) %(item)s were assembled from component lots into lot %(lot)s.")
)


def bill_of_materials(kit: Item) -> dict[int, int]:
    """Component item id → how many go into one kit."""
    return {c.component_id: c.quantity for c in kit.components}


def check_kit(kit: Item | None) -> Item:
    if kit is None or not kit.active or not kit.components:
        raise Invalid(N_("Choose a kit: an item made of other items."), "kit_id")
    return kit


def check_place(actor: User | None, location: Location | None) -> Location:
    if location is None or not location.active:
        raise Invalid(N_("Choose a location."), "location_id")
    if not can_stock_at(actor, location):
        raise NotFound(N_("Not found."))
    return location


def _check_bom(
    kit: Item, quantity: int, location: Location, uses: list[tuple[Lot, Any]]
) -> list[tuple[Lot, int]]:
    if not uses:
        raise Invalid(N_("Choose the component lots."), "components")
    if len(uses) > MAX_COMPONENT_LOTS:
        raise Invalid(N_("Use at most %(n)s component lots."), "components", n=MAX_COMPONENT_LOTS)
    need = {item: per * quantity for item, per in bill_of_materials(kit).items()}
    given: dict[int, int] = defaultdict(int)
    seen: set[int] = set()
    checked = []
    for lot, qty in uses:
        if lot.id in seen:
            raise Invalid(N_("Lot %(lot)s is listed twice."), "components", lot=lot.public_id)
        seen.add(lot.id)
        if lot.location_id != location.id:
            raise Invalid(
                N_("Lot %(lot)s is not at this location."), "components", lot=lot.public_id
            )
        if lot.item_id not in need:
            raise Invalid(
                N_("Lot %(lot)s holds an item this kit does not contain."),
                "components",
                lot=lot.public_id,
            )
        amount = check_quantity(qty, "components")
        given[lot.item_id] += amount
        checked.append((lot, amount))
    for item_id, wanted in need.items():
        if given[item_id] != wanted:
            code = next(c.component.code for c in kit.components if c.component_id == item_id)
            raise Invalid(
                N_(
                    "%(quantity)s kit(s) need exactly %(n)s of %(item)s; the chosen "
                    "lots give %(given)s."
                ),
                "components",
                quantity=quantity,
                n=wanted,
                item=code,
                given=given[item_id],
            )
    return checked


def assemble_kits(
    session: Session,
    actor: User | None,
    kit_item: Item | None,
    quantity: Any,
    location: Location | None,
    component_lots: list[tuple[Lot, Any]],
) -> Lot:
    """Take the components from their lots and open one kit lot whose origin is the assembly."""
    require_stock_user(actor)
    place = check_place(actor, location)
    kit = check_kit(kit_item)
    quantity = check_quantity(quantity)
    uses = _check_bom(kit, quantity, place, component_lots)
    assembly = KitAssembly(
        item_id=kit.id,
        item=kit,
        quantity=quantity,
        location_id=place.id,
        assembled_on=utcnow().date(),
        created_by_id=actor.id if actor else None,
    )
    session.add(assembly)
    taken = []
    for lot, qty in sorted(uses, key=lambda use: use[0].id):
        locked = _locked(session, lot)
        check_available(locked, qty, "components")
        locked.quantity -= qty
        assembly.components.append(KitComponentUse(lot_id=locked.id, quantity=qty))
        taken.append((locked, qty))
    session.flush()
    kit_lot = Lot(
        item_id=kit.id,
        size=None,
        quantity=quantity,
        location_id=place.id,
        origin_kind=OriginKind.KIT,
        origin_id=assembly.id,
    )
    session.add(kit_lot)
    session.flush()
    entry = append(
        session,
        actor,
        KIND,
        {
            "assembly": assembly.public_id,
            "item": kit.code,
            "quantity": quantity,
            "location": place.public_id,
            "lot": kit_lot.public_id,
            "components": [
                {
                    "lot": lot.public_id,
                    "item": lot.item.code,
                    "quantity": qty,
                    "origin": {"kind": lot.origin_kind.value, "id": origin_public_id(session, lot)},
                }
                for lot, qty in taken
            ],
        },
    )
    kit_lot.entry_index = entry.index
    for lot, qty in taken:
        _movement(session, actor, lot, MovementKind.KIT_USE, -qty, kit_lot, entry=entry.index)
    _movement(session, actor, kit_lot, MovementKind.IN, quantity, entry=entry.index)
    session.flush()
    return kit_lot


def propose_components(
    session: Session, kit: Item, quantity: int, location: Location
) -> tuple[list[tuple[Lot, int]], dict[str, int]]:
    """Component lots at `location`, oldest first, that meet the kit's bill of materials;
    and what is short, by item code (empty when the kits can be assembled)."""
    picks: list[tuple[Lot, int]] = []
    short: dict[str, int] = {}
    for comp in kit.components:
        wanted = comp.quantity * quantity
        stmt = (
            select(Lot)
            .where(
                Lot.location_id == location.id,
                Lot.item_id == comp.component_id,
                Lot.quantity > Lot.reserved,
            )
            .order_by(Lot.created_at, Lot.id)
        )
        for lot in session.scalars(stmt):
            if wanted <= 0:
                break
            qty = min(wanted, lot.quantity - lot.reserved)
            picks.append((lot, qty))
            wanted -= qty
        if wanted > 0:
            short[comp.component.code] = wanted
    return picks, short


def candidate_lots(session: Session, kit: Item, location: Location) -> list[Lot]:
    """Lots at `location` holding the kit's components with something available."""
    stmt = (
        select(Lot)
        .where(
            Lot.location_id == location.id,
            Lot.item_id.in_(list(bill_of_materials(kit))),
            Lot.quantity > Lot.reserved,
        )
        .order_by(Lot.item_id, Lot.created_at, Lot.id)
    )
    return list(session.scalars(stmt))


def assembly_of(session: Session, lot: Lot) -> KitAssembly | None:
    if lot.origin_kind != OriginKind.KIT:
        return None
    return session.get(KitAssembly, lot.origin_id)
