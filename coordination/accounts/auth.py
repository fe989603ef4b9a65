"""Session login (Flask-Login) and API bearer-token authentication."""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask
from sqlalchemy import select

from coordination.accounts.models import ApiToken, User
from coordination.db import db, utcnow
from coordination.extensions import login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    # "strong" drops the session when the client's address or agent changes; phones move
    # between networks all the time, so the rotating per-user token is the defence instead.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str) -> User | None:
        return load_session_user(user_id)


def load_session_user(cookie_id: str) -> User | None:
    """Accept `id:token` only while the token is current and the user active."""
    uid, _, token = cookie_id.partition(":")
    if not uid.isdigit() or not token:
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def user_for_bearer(header: str | None) -> User | None:
    if not header or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer ") :].strip()
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
