"""Account services: the only writers of users and tokens. They flush; views commit."""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from coordination.accounts import passwords
from coordination.accounts.models import (
    ROLE_PARTY_KIND,
    ApiToken,
    User,
    UserSession,
    new_session_token,
    token_digest,
)
from coordination.db import utcnow
from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from coordination.kernel.text import N_, has_nul
from coordination.ledger.privacy import sealed_user
from coordination.ledger.services import append
from coordination.parties.models import Party, PartyKind, Region

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_error(username: str) -> str | None:
    if not 3 <= len(username) <= 64:
        return "Use 3 to 64 characters."
    if not set(username) <= USERNAME_CHARS:
        return "Use latin letters, digits, dot, dash or underscore."
    return None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The same answer, in about the same time, for an unknown user and a wrong password."""
    user = session.scalar(select(User).where(User.username == normalise_username(username)))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def create_user(
    session: Session,
    actor: User | None,
    *,
    username: str,
    password: str,
    role: Role,
    party_id: int | None = None,
    region_id: int | None = None,
    full_name: str | None = None,
    phone: str | None = None,
) -> User:
    """The one way accounts are made: admin pages, the API, the CLI and the demo.

    actor None means the command line, run by whoever administers the machine. The ledger
    gets the account's pseudonymous id and role only, never a username or a name.
    """
    require_admin(actor)
    username = normalise_username(username)
    problem = username_error(username)
    if problem:
        raise DomainError(problem, field="username")
    problem = passwords.policy_error(password, username)
    if problem:
        raise DomainError(problem, field="password")
    exists = session.scalar(select(func.count()).select_from(User).where(User.username == username))
    if exists:
        raise Conflict("This username is taken.", field="username")
    check_assignment(session, role, party_id, region_id)
    check_personal(full_name, phone)
    user = User(
        username=username,
        password_hash=passwords.hash_password(password),
        role=role,
        party_id=party_id if role in ROLE_PARTY_KIND else None,
        region_id=region_id or None,
        full_name=(full_name or "").strip() or None,
        phone=(phone or "").strip() or None,
    )
    session.add(user)
    session.flush()
    append(
        session,
        actor,
        "account.created",
        {"user_commitment": sealed_user(user.public_id), "role": user.role.value},
    )
    return user


# One whole sentence per kind, so each language can phrase it properly.
PARTY_REQUIRED = {
    PartyKind.HOUSEHOLD: N_("Choose the household this account acts for."),
    PartyKind.UNIT: N_("Choose the unit this account acts for."),
    PartyKind.GROUP: N_("Choose the volunteer group this account acts for."),
}


def require_admin(actor: User | None) -> None:
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an admin can manage accounts."))


def check_assignment(
    session: Session, role: Role, party_id: int | None, region_id: int | None
) -> None:
    """A role's account acts for a party of the right kind; a coordinator has a region."""
    needed = ROLE_PARTY_KIND.get(role)
    if needed is not None:
        party = session.get(Party, party_id) if party_id else None
        if party is None or party.kind != needed or not party.active:
            raise Invalid(PARTY_REQUIRED[needed], field="party_id")
    region = session.get(Region, region_id) if region_id else None
    if region_id and region is None:
        raise Invalid(N_("Choose a region from the list."), field="region_id")
    if role == Role.COORDINATOR and region is None:
        raise Invalid(N_("A coordinator needs a region."), field="region_id")


def check_personal(full_name: str | None, phone: str | None) -> None:
    if has_nul(full_name, phone):
        raise Invalid(
            N_("This text contains a character that cannot be stored."), field="full_name"
        )
    if full_name and len(full_name) > 200:
        raise Invalid(N_("Use at most %(limit)s characters."), field="full_name", limit=200)
    if phone and len(phone) > 40:
        raise Invalid(N_("Use at most %(limit)s characters."), field="phone", limit=40)


def change_password(
    session: Session, user: User, current: str, new: str, *, keep_tokens: bool = False
) -> None:
    """Set a new password; every session ends and, unless kept, every API token is revoked.

    Whoever changed the password may be the one locking a thief out: anything issued under
    the old password is suspect. The caller starts a new session for the browser in use.
    """
    if not passwords.verify_password(user.password_hash, current):
        raise DomainError("The current password is wrong.", field="current_password")
    set_password(session, user, new, keep_tokens=keep_tokens)


def set_password(session: Session, user: User, new: str, *, keep_tokens: bool = False) -> None:
    problem = passwords.policy_error(new, user.username)
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = passwords.hash_password(new)
    end_sessions(session, user)
    if not keep_tokens:
        revoke_all_tokens(session, user)
    session.flush()


def start_session(session: Session, user: User) -> str:
    """A new signed-in session for `user`; the plaintext goes into the cookie only."""
    plain = new_session_token()
    session.add(UserSession(user_id=user.id, token_hash=token_digest(plain)))
    session.flush()
    user.session_plain = plain
    return plain


def end_session(session: Session, user: User) -> None:
    """End the session this request runs in (logout)."""
    if user.session_plain:
        session.execute(
            delete(UserSession).where(UserSession.token_hash == token_digest(user.session_plain))
        )
    user.session_plain = None
    session.flush()


def end_sessions(session: Session, user: User) -> None:
    """End every session of the user, on every device."""
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_plain = None
    session.flush()


# The name other modules and tests know: ending all of a user's sessions.
rotate_session = end_sessions


def revoke_all_tokens(session: Session, user: User) -> int:
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    """Deactivating also rotates the session token, so every open session of the user ends."""
    require_admin(actor)
    if user.id == actor.id and not active:
        raise DomainError(N_("You cannot deactivate your own account."))
    if user.active == active:
        return user
    user.active = active
    if not active:
        rotate_session(session, user)
    session.flush()
    kind = "account.reactivated" if active else "account.deactivated"
    append(session, actor, kind, {"user_commitment": sealed_user(user.public_id)})
    return user


def create_token(session: Session, actor: User, owner: User, name: str) -> tuple[ApiToken, str]:
    """Return the row and the plaintext token, which is shown once and never stored."""
    if actor.id != owner.id and actor.role != Role.ADMIN:
        raise NotFound("No such user.")
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise DomainError("Give the token a name of 1 to 100 characters.", field="name")
    plain = "at_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=owner.id, name=name, token_hash=token_digest(plain), prefix=plain[:10])
    session.add(row)
    session.flush()
    return row, plain


def revoke_token(session: Session, actor: User, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound("No such token.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row
