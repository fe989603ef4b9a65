"""Recovery without a shell: one-time, short-lived password reset links.

An admin (or the command line) issues a link for a user; it is shown once and only its
SHA-256 is stored. Using it sets a new password, which ends every session and revokes the
user's API tokens, and spends the link. Issuing a new link voids the older unused ones.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coordination.accounts.models import PasswordReset, User, token_digest
from coordination.accounts.services import require_admin, set_password
from coordination.db import utcnow
from coordination.kernel.errors import DomainError
from coordination.kernel.text import N_

RESET_LIFETIME = timedelta(hours=1)
INVALID = N_("This reset link is not valid: it was used, has expired or was replaced.")


def issue_reset(session: Session, actor: User | None, user: User) -> str:
    """A new reset token for `user` (actor None: the command line). Shown once, never stored."""
    require_admin(actor)
    now = utcnow()
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    plain = "rs_" + secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_digest(plain),
            issued_by_id=actor.id if actor else None,
            created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    session.flush()
    return plain


def find_reset(session: Session, plain: str) -> PasswordReset | None:
    """The live reset for this token, or None (unknown, used, expired, user inactive)."""
    if not plain or len(plain) > 100:
        return None
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_digest(plain))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def use_reset(session: Session, plain: str, new_password: str) -> User:
    row = find_reset(session, plain)
    if row is None:
        raise DomainError(INVALID)
    # Locking the row makes a second, concurrent use of the same link find it spent.
    session.execute(select(PasswordReset.id).where(PasswordReset.id == row.id).with_for_update())
    session.refresh(row)
    if row.used_at is not None:
        raise DomainError(INVALID)
    set_password(session, row.user, new_password, keep_tokens=False)
    row.used_at = utcnow()
    session.flush()
    return row.user
