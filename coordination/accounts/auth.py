"""Session login (Flask-Login) and API bearer-token authentication."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from coordination.accounts.audit import act_as
from coordination.accounts.models import ApiToken, User, UserSession, token_digest
from coordination.db import SAFE_METHODS, db, utcnow
from coordination.extensions import login_manager

log = logging.getLogger("aidtrail")

# "Last used" only needs minute precision; this keeps busy clients from writing on every call.
USE_RECORD_INTERVAL = timedelta(minutes=1)


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

    @app.before_request
    def _audit_actor() -> None:
        # Staff changes made in this request go to the audit trail under this user's name.
        if request.endpoint != "static" and current_user.is_authenticated:
            act_as(db.session, current_user._get_current_object())


def load_session_user(cookie_id: str) -> User | None:
    """Accept `id:token` only while that session exists and the user is active."""
    uid, _, token = cookie_id.partition(":")
    if not uid.isdigit() or len(uid) > 12 or not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == token_digest(token))
    )
    if row is None or row.user_id != int(uid):
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    user.session_plain = token
    return user


def user_for_bearer(header: str | None) -> User | None:
    if not header or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer ") :].strip()
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    _record_use(row)
    return row.user


def _record_use(row: ApiToken) -> None:
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < USE_RECORD_INTERVAL:
        return
    if not has_request_context() or request.method not in SAFE_METHODS:
        row.last_used_at = now  # the writing view commits it with its own change
        return
    # Read requests never commit, so the time is written on a connection of its own. Doing it
    # in the request's SQLite read transaction would also make it a writer half-way through,
    # which fails with "database is locked" when another process wrote in between.
    try:
        with db.engine.begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    except OperationalError:
        log.warning("could not record API token use")
        return
    set_committed_value(row, "last_used_at", now)
