"""Account management services used by the admin pages and the API.

Creation and (de)activation live in accounts.services, the one path for every caller; this
module edits accounts and finds them. The ledger gets pseudonymous ids and roles only.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from coordination.accounts.models import ROLE_PARTY_KIND, User
from coordination.accounts.services import check_assignment, check_personal, require_admin
from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, Invalid
from coordination.kernel.paging import search_clause
from coordination.kernel.stamps import edit_stamp
from coordination.kernel.text import N_, STALE
from coordination.ledger.privacy import sealed_user
from coordination.ledger.services import append


def user_stamp(user: User) -> str:
    # Personal fields stay out: a digest of a phone number in a page is guessable.
    return edit_stamp([user.role.value, user.party_id, user.region_id, user.active])


def update_account(
    session: Session,
    actor: User | None,
    user: User,
    stamp: str | None,
    *,
    role: Role,
    party_id: int | None,
    region_id: int | None,
    full_name: str | None,
    phone: str | None,
) -> User:
    require_admin(actor)
    if stamp is not None and stamp != user_stamp(user):
        raise Conflict(STALE)
    if actor is not None and user.id == actor.id and role != user.role:
        raise Invalid(N_("You cannot change your own role."), field="role")
    check_assignment(session, role, party_id, region_id)
    check_personal(full_name, phone)
    role_changed = role != user.role
    user.role = role
    user.party_id = party_id if role in ROLE_PARTY_KIND else None
    user.region_id = region_id or None
    user.full_name = (full_name or "").strip() or None
    user.phone = (phone or "").strip() or None
    session.flush()
    if role_changed:
        append(
            session,
            actor,
            "account.role_changed",
            # An account enters only as a commitment with a fresh salt: never a stable id.
            {"user_commitment": sealed_user(user.public_id), "role": role.value},
        )
    return user


def search_users(q: str = "", role: Role | None = None, active: bool | None = None) -> Select[User]:
    stmt = select(User).order_by(User.username)
    if q:
        stmt = stmt.where(search_clause(q, User.username, User.public_id))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt
