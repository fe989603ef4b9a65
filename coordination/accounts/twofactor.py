"""Second factor: TOTP (RFC 6238) with one-time recovery codes.

Enrolment stores a fresh secret (encrypted like other personal fields) and enables it only
once the user proves their authenticator app produces its codes. A code is accepted once:
the time step of the last accepted code is kept, so a code read over a shoulder cannot be
replayed within its 30 seconds. Recovery codes are random, shown once and kept as hashes.
"""

from __future__ import annotations

import secrets

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coordination.accounts.models import RecoveryCode, User, token_digest
from coordination.accounts.services import end_sessions, require_admin
from coordination.db import utcnow
from coordination.kernel.actors import Role
from coordination.kernel.errors import DomainError
from coordination.kernel.text import N_

ISSUER = "AidTrail"
REQUIRED_FOR = (Role.ADMIN, Role.COORDINATOR)
RECOVERY_CODES = 10
WRONG_CODE = N_("That code is not right. Use the current code from your app.")


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def required(user: User, policy: bool) -> bool:
    return policy and user.role in REQUIRED_FOR


def begin_enrolment(session: Session, user: User) -> str:
    """A fresh secret for `user`, pending until confirmed; returns the otpauth:// URI."""
    if enabled(user):
        raise DomainError(N_("Two-factor sign-in is already on."))
    user.totp_secret = pyotp.random_base32()
    session.flush()
    return provisioning_uri(user)


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(
        name=user.username, issuer_name=ISSUER
    )


def _accept_totp(user: User, code: str) -> bool:
    # isascii: str.isdigit() also accepts other scripts' digits, which compare_digest refuses.
    if not user.totp_secret or not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = int(utcnow().timestamp())
    for drift in (0, -1, 1):  # one step either side: phone clocks drift
        step = now // totp.interval + drift
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Enable TOTP once `code` matches; returns the recovery codes, shown once."""
    if enabled(user) or not user.totp_secret:
        raise DomainError(N_("Start the set-up again."))
    if not _accept_totp(user, _clean(code)):
        raise DomainError(WRONG_CODE, field="code")
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(session, user)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=token_digest(code)))
    session.flush()
    return codes


def _clean(code: str) -> str:
    return "".join(code.split()).lower()[:40]


def verify_second_factor(session: Session, user: User, code: str) -> str | None:
    """'totp' or 'recovery' when `code` is good (a recovery code is spent), else None."""
    code = _clean(code)
    if _accept_totp(user, code):
        session.flush()
        return "totp"
    if len(code) == 17 and code[8] == "-":
        row = session.scalar(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == token_digest(code),
                RecoveryCode.used_at.is_(None),
            )
        )
        if row is not None:
            row.used_at = utcnow()
            session.flush()
            return "recovery"
    return None


def remaining_recovery_codes(session: Session, user: User) -> int:
    rows = session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return len(rows.all())


def reset_second_factor(session: Session, actor: User | None, user: User) -> None:
    """An admin turns a user's 2FA off (lost phone and codes); their sessions end."""
    require_admin(actor)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(session, user)
    session.flush()
