"""Who may see and act on a need. Views, the API and the services all ask here.

A coordinator "sees everything in its region" (DESIGN §1): the needs delivered into its
region and nothing else; admins see every region. A need that is not the viewer's (another
household's, another region's) answers 404, never 403, so its existence is not revealed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.kernel.errors import NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.text import N_
from coordination.needs.models import Need

PUBLIC_ID = re.compile(r"[0-9a-f]{16}")
SUBMITTERS = (Role.FAMILY, Role.UNIT_REP)
TRIAGERS = (Role.COORDINATOR, Role.ADMIN)
# Roles that see open demand as anonymous lines: never a name, address or unit number.
DEMAND_READERS = (Role.VOLUNTEER, Role.AUDITOR, Role.COORDINATOR, Role.ADMIN)
NEED_READERS = SUBMITTERS + TRIAGERS


def can_triage(user: User) -> bool:
    """The role may use the triage pages at all (which needs: see `in_scope`)."""
    return user.role in TRIAGERS


def sees_all_regions(user: User) -> bool:
    return user.role == Role.ADMIN


def triage_region(user: User) -> int | None:
    """The one region a coordinator triages; None for an admin (all) or a coordinator
    without a region (none: see `scoped`)."""
    return None if sees_all_regions(user) else user.region_id


def in_scope(user: User, need: Need) -> bool:
    """The triager may see and decide on this need: an admin any, a coordinator its region's."""
    if sees_all_regions(user):
        return True
    return (
        user.role == Role.COORDINATOR
        and user.region_id is not None
        and (need.region_id == user.region_id)
    )


def is_submitter(user: User, need: Need) -> bool:
    return user.role in SUBMITTERS and user.party_id is not None and user.party_id == need.party_id


def can_see_need(user: User, need: Need) -> bool:
    return in_scope(user, need) or is_submitter(user, need)


def scoped(user: User, stmt: Select[Any]) -> Select[Any]:
    """Narrow a query over Need to what the triager may see (a regionless coordinator: none)."""
    if sees_all_regions(user):
        return stmt
    if user.role != Role.COORDINATOR or user.region_id is None:
        return stmt.where(false())
    return stmt.where(Need.region_id == user.region_id)


def visible_need(session: Session, user: User, need_id: int) -> Need:
    need = get_or_404(session, Need, need_id)
    if not can_see_need(user, need):
        raise NotFound(N_("Not found."))
    return need


def visible_by_public_id(session: Session, user: User, public_id: str | None) -> Need | None:
    """A need named by its public id (a merge target), or None if the user may not see it."""
    if public_id is None or not PUBLIC_ID.fullmatch(public_id):
        return None  # typed text is not an id; a NUL in it would make PostgreSQL fail (500)
    need = session.scalar(select(Need).where(Need.public_id == public_id))
    return need if need is not None and can_see_need(user, need) else None
