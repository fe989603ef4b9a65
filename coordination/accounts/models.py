"""Users and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordination.crypto import EncryptedText
from coordination.db import Base, UTCDateTime, str_enum, utcnow
from coordination.kernel.actors import Role
from coordination.parties.models import Party, PartyKind, Region, new_public_id

# The party a user of each role acts for; roles not listed act for no party.
ROLE_PARTY_KIND: dict[Role, PartyKind] = {
    Role.FAMILY: PartyKind.HOUSEHOLD,
    Role.UNIT_REP: PartyKind.UNIT,
    Role.VOLUNTEER: PartyKind.GROUP,
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    """What is stored of a session, reset or API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Pseudonym used in ledger entries (who recorded what), never the username.
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    full_name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP (RFC 6238): the shared secret, encrypted; set but not enabled while enrolling.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time step accepted: a code seen once is refused again (no replay).
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    party: Mapped[Party | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def session_plain(self) -> str | None:
        """The plaintext token of the session this request runs in (from the cookie, or just
        issued at login). Kept on the instance only; the database holds its hash."""
        value = self.__dict__.get("_session_plain")
        return value if isinstance(value, str) else None

    @session_plain.setter
    def session_plain(self, value: str | None) -> None:
        self.__dict__["_session_plain"] = value

    # Flask-Login protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        if not self.session_plain:
            raise RuntimeError("no session issued for this user; call start_session first")
        return f"{self.id}:{self.session_plain}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only a SHA-256 of the token is kept: a leaked database grants no API access.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginCounter(Base):
    """Attempts per key and fixed time window, shared by every worker and machine.

    The key is an HMAC of what is counted (an account, an address, a device), so the table
    holds no username or address; a window is named by its start, in Unix seconds.
    """

    __tablename__ = "login_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class UserSession(Base):
    """One signed-in browser. The cookie holds `user id:token`; only the token's hash is here."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Base):
    """A one-time reset link an admin issued. Only the token's hash is kept."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None when issued from the command line.
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class RecoveryCode(Base):
    """A one-time second-factor code for when the phone is lost. Only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
