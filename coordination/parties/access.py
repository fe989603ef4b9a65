"""Who may see and manage parties, and see their personal data.

Rule of thumb: a role that may never use a page gets 403; an object that exists but belongs
to someone else gets 404, so its existence is not revealed.
"""

from __future__ import annotations

from coordination.kernel.actors import STAFF, Actor, Role
from coordination.parties.models import Party


def can_manage_parties(user: Actor) -> bool:
    return user.role in STAFF


def can_see_party(user: Actor, party: Party) -> bool:
    if user.role in STAFF:
        return True
    if user.role == Role.AUDITOR:
        return not party.is_private
    return user.party_id == party.id


def can_see_personal_data(user: Actor, party: Party) -> bool:
    """Names, phones and addresses: the party's own members and staff only, never auditors."""
    return user.role in STAFF or user.party_id == party.id
