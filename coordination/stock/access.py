"""Who sees and moves which lots. Views and services ask here.

A volunteer sees its own group's locations only; a coordinator sees everything in its
region (DESIGN §1); an admin sees all. Anything else answers 404, so it is not revealed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.parties.models import Location
from coordination.stock.models import Lot

STOCK_USERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN)


def location_clause(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause on Location selecting the places whose stock `actor` may see."""
    if actor is None or actor.role == Role.ADMIN:
        return true()
    if actor.role == Role.COORDINATOR and actor.region_id is not None:
        return Location.region_id == actor.region_id
    if actor.role == Role.VOLUNTEER and actor.party_id is not None:
        return Location.party_id == actor.party_id
    return false()


def can_stock_at(actor: User | None, location: Location) -> bool:
    if actor is None or actor.role == Role.ADMIN:
        return True
    if actor.role == Role.COORDINATOR:
        return actor.region_id is not None and location.region_id == actor.region_id
    if actor.role == Role.VOLUNTEER:
        return actor.party_id is not None and location.party_id == actor.party_id
    return False


def can_move_to(actor: User | None, location: Location) -> bool:
    """Where `actor` may move stock it holds: a volunteer only between its own group's
    locations (never into another group's workshop); staff to any hub in the network, as a
    delivery's hub move may."""
    if actor is not None and actor.role == Role.VOLUNTEER:
        return can_stock_at(actor, location)
    return True


def visible_lot(session: Session, actor: User | None, lot_id: int | None) -> Lot:
    lot = get_or_404(session, Lot, lot_id)
    if not can_stock_at(actor, lot.location):
        raise NotFound(N_("Not found."))
    return lot
