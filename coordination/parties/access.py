"""Who may do what. Views call these; nothing else decides access.

Rule of thumb: a role that may never use a page gets 403; an object that exists but belongs
to someone else gets 404, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from coordination.accounts.models import User
from coordination.kernel.actors import Role
from coordination.parties.models import Party

F = TypeVar("F", bound=Callable[..., Any])

STAFF = (Role.COORDINATOR, Role.ADMIN)
READ_ALL = (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)


def roles_required(*roles: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


def can_manage_catalog(user: User) -> bool:
    return user.role == Role.ADMIN


def can_manage_parties(user: User) -> bool:
    return user.role in STAFF


def can_see_party(user: User, party: Party) -> bool:
    if user.role in STAFF:
        return True
    if user.role == Role.AUDITOR:
        return not party.is_private
    return user.party_id == party.id


def can_see_personal_data(user: User, party: Party) -> bool:
    """Names, phones and addresses: the party's own members and staff only, never auditors."""
    return user.role in STAFF or user.party_id == party.id
