"""Who may see and manage parties and locations, and see their personal data.

Rule of thumb: a role that may never use a page gets 403; an object that exists but belongs
to someone else gets 404, so its existence is not revealed.

Region scope (DESIGN §4): a coordinator reads and changes parties and locations of its own
region only; an admin every region. Moving a location to another region or another owning
party is for an admin alone: it would carry the place and its stock out of a region.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true

from coordination.kernel.actors import STAFF, Actor, Role, is_admin
from coordination.parties.models import Location, Party


def can_manage_parties(user: Actor) -> bool:
    return user.role in STAFF


def in_region(user: Actor, region_id: int | None) -> bool:
    """An admin manages every region; a coordinator its own (a regionless object is none's)."""
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.COORDINATOR and user.region_id is not None and region_id == user.region_id
    )


def region_clause(user: Actor, column: Any) -> ColumnElement[bool]:
    """A WHERE clause on `column` (a region id) selecting what staff `user` may list."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.COORDINATOR and user.region_id is not None:
        return column == user.region_id
    return false()


def can_see_party(user: Actor, party: Party) -> bool:
    if user.role in STAFF:
        return in_region(user, party.region_id)
    if user.role == Role.AUDITOR:
        return not party.is_private
    return user.party_id == party.id


def can_manage_party(user: Actor, party: Party) -> bool:
    """Edit, deactivate: staff of the party's region."""
    return user.role in STAFF and in_region(user, party.region_id)


def can_see_personal_data(user: Actor, party: Party) -> bool:
    """Names, phones and addresses: the party's own members and the staff of its region
    only, never auditors."""
    return in_region(user, party.region_id) or (
        user.party_id is not None and user.party_id == party.id
    )


def can_manage_location(user: Actor, location: Location) -> bool:
    """Read, rename, deactivate a location: staff of its region."""
    return user.role in STAFF and in_region(user, location.region_id)


def can_move_location(user: Actor) -> bool:
    """Give a location another region or another owning party: an admin only."""
    return is_admin(user)


def can_set_party_region(user: Actor, region_id: int | None) -> bool:
    """Register a party in, or move one to, `region_id`: an admin anywhere, a coordinator
    only into its own region."""
    return in_region(user, region_id)
