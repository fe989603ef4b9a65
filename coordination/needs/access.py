"""Who may see and act on a need. A need that is not the viewer's answers 404, never 403."""

from __future__ import annotations

from sqlalchemy.orm import Session

from coordination.accounts.models import Role, User
from coordination.errors import NotFound
from coordination.needs.models import Need
from coordination.parties.shared import N_, get_or_404

SUBMITTERS = (Role.FAMILY, Role.UNIT_REP)
TRIAGERS = (Role.COORDINATOR, Role.ADMIN)
# Roles that see open demand as anonymous lines: never a name, address or unit number.
DEMAND_READERS = (Role.VOLUNTEER, Role.AUDITOR, Role.COORDINATOR, Role.ADMIN)
NEED_READERS = SUBMITTERS + TRIAGERS


def can_triage(user: User) -> bool:
    return user.role in TRIAGERS


def is_submitter(user: User, need: Need) -> bool:
    return user.role in SUBMITTERS and user.party_id is not None and user.party_id == need.party_id


def can_see_need(user: User, need: Need) -> bool:
    return can_triage(user) or is_submitter(user, need)


def visible_need(session: Session, user: User, need_id: int) -> Need:
    need = get_or_404(session, Need, need_id)
    if not can_see_need(user, need):
        raise NotFound(N_("Not found."))
    return need
