"""Which counters a login attempt falls under, and the trusted-device cookie.

An attempt from an unknown device counts against: this account from this address (5 a
minute: guessing from one place), this account from anywhere (20 in 15 minutes: a botnet
guessing one password), this address for any account (30 in 5 minutes: one machine spraying
usernames) and every unknown-device attempt together (120 a minute: a spray from many
addresses). Unknown usernames count exactly like real ones, so the limits reveal nothing,
and a refused attempt is refused before any password hash is computed: the global counter
bounds the hashing work an attacker can cause, whatever the number of addresses.

The owner must still get in while an attacker hammers the account. A successful login
leaves a signed cookie naming the account and a random device id; an attempt for that same
account carrying it counts only against that device (5 a minute), so the account, address
and global locks do not apply to it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from coordination.accounts.models import User
from coordination.accounts.throttle import Limit

DEVICE_COOKIE = "aidtrail_device"
DEVICE_MAX_AGE = timedelta(days=180)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "pair": (5, 60),
    "account": (20, 900),
    "address": (30, 300),
    "global": (120, 60),
    "device": (5, 60),
    "password": (5, 60),
    "second_factor": (5, 60),
}


def _limit(scope: str, subject: str) -> Limit:
    configured = current_app.config.get("LOGIN_LIMITS") or {}
    count, seconds = configured.get(scope, DEFAULT_LIMITS[scope])
    return Limit(scope, subject, int(count), int(seconds))


def client_address() -> str:
    # ProxyFix (AIDTRAIL_PROXIES) has already put the client's address here behind a proxy.
    return request.remote_addr or "unknown"


def login_limits(username: str, device: str | None) -> list[Limit]:
    """The counters an attempt for `username` takes; `device` when it carries a trusted one."""
    if device is not None:
        return [_limit("device", device)]
    address = client_address()
    # Always in this order (pair, account, address, global): every transaction takes the
    # rows in one order, so two concurrent attempts can never deadlock on them.
    return [
        _limit("pair", f"{username}|{address}"),
        _limit("account", username),
        _limit("address", address),
        _limit("global", ""),
    ]


def password_limits(user: User) -> list[Limit]:
    return [_limit("password", str(user.id))]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="aidtrail-device")


def trusted_device(session: Session, username: str) -> str | None:
    """The device id from a valid cookie issued to this very account, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 300:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(DEVICE_MAX_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), str):
        return None
    public_id = session.scalar(select(User.public_id).where(User.username == username))
    if public_id is None or data.get("u") != public_id:
        return None
    return str(data["d"])


def remember_device(resp: Response, user: User, device: str | None) -> None:
    """Issue (or renew) this browser's trusted-device cookie for `user`."""
    value = _serializer().dumps({"u": user.public_id, "d": device or secrets.token_hex(12)})
    resp.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=int(DEVICE_MAX_AGE.total_seconds()),
        path="/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def second_factor_limits(user: User) -> list[Limit]:
    return [_limit("second_factor", str(user.id))]
