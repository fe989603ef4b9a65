"""Session cookies: fresh at login, dead after logout, password change or deactivation."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coordination import create_app
from coordination.accounts import services as accounts
from coordination.accounts.models import UserSession, token_digest
from coordination.kernel.actors import Role
from tests import factories as f
from tests.isolation import isolated_client


def _cookie(client: FlaskClient) -> str | None:
    c = client.get_cookie("session")
    return c.value if c else None


def _replay(app: Flask, value: str) -> FlaskClient:
    """A different browser that has only a stolen copy of the session cookie."""
    thief = isolated_client(app)
    thief.set_cookie("session", value)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    resp = client.get("/account")
    if resp.status_code == 200:
        return True
    assert resp.status_code == 302, resp.status_code
    assert resp.headers["Location"].startswith("/login")
    return False


def test_login_starts_a_fresh_session(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    with client.session_transaction() as s:
        s["planted"] = "attacker value"
        s["_fresh"] = False
    before = _cookie(client)
    assert before
    f.login(client, u)
    after = _cookie(client)
    assert after and after != before
    with client.session_transaction() as s:
        assert "planted" not in s
        uid, _, token = s["_user_id"].partition(":")
        assert uid == str(u.id) and len(token) >= 32
        # Only the hash of that token is stored.
        stored = session.scalars(select(UserSession.token_hash)).all()
        assert stored == [token_digest(token)] and token not in stored


def test_language_choice_survives_login(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    client.post("/lang/en")
    f.login(client, u)
    with client.session_transaction() as s:
        assert s.get("lang") == "en"


def test_pre_login_cookie_is_not_signed_in(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    client.get("/login")
    client.post("/lang/en")  # makes sure the anonymous browser has a session cookie
    before = _cookie(client)
    assert before
    f.login(client, u)
    assert _signed_in(client)
    assert not _signed_in(_replay(app, before))


def test_copied_cookie_dies_at_logout(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    stolen = _cookie(client)
    assert stolen and _signed_in(_replay(app, stolen))
    resp = client.post("/logout")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert not _signed_in(client)
    assert not _signed_in(_replay(app, stolen))


def test_logout_needs_post(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    assert client.get("/logout").status_code == 405
    assert _signed_in(client)


def test_password_change_kills_other_sessions_but_not_this_one(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    other_device = isolated_client(app)
    f.login(other_device, u)
    copy = _cookie(client)
    assert copy
    resp = client.post(
        "/account/password",
        data={"current_password": f.PASSWORD, "new_password": "a brand new long passphrase"},
    )
    assert resp.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(other_device)
    assert not _signed_in(_replay(app, copy))


def test_wrong_current_password_changes_nothing(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    other_device = isolated_client(app)
    f.login(other_device, u)
    resp = client.post(
        "/account/password",
        data={"current_password": "not my password", "new_password": "a brand new long passphrase"},
    )
    assert resp.status_code == 400
    assert _signed_in(other_device)


def test_deactivated_user_is_signed_out_on_next_request(app, client, session) -> None:
    admin = f.user(session, Role.ADMIN)
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    assert _signed_in(client)
    accounts.set_active(session, admin, u, False)
    session.commit()
    assert not _signed_in(client)


def test_deactivated_user_is_refused_even_with_old_token(app, client, session) -> None:
    # Deactivation rotates the token, but the active flag alone must also stop the cookie.
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    u.active = False
    session.commit()
    assert not _signed_in(client)


def _set_cookie_attrs(resp: Any) -> dict[str, str]:
    header = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session="))
    morsel = SimpleCookie(header)["session"]
    parts = {p.strip().split("=", 1)[0].lower(): p for p in header.split(";")[1:]}
    parts["_samesite"] = morsel["samesite"]
    return parts


def test_session_cookie_flags_development(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    resp = client.post("/login", data={"username": u.username, "password": f.PASSWORD})
    attrs = _set_cookie_attrs(resp)
    assert "httponly" in attrs
    assert attrs["_samesite"] == "Lax"
    assert "secure" not in attrs  # plain http on a laptop must still work


def test_session_cookie_flags_production(app, app_config, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    prod = create_app({**app_config, "AIDTRAIL_ENV": "production", "PASSWORD_HASH_FAST": False})
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    client = isolated_client(prod)
    resp = client.post(
        "/login",
        data={"username": u.username, "password": f.PASSWORD},
        base_url="https://localhost",
    )
    assert resp.status_code == 302
    attrs = _set_cookie_attrs(resp)
    assert "secure" in attrs and "httponly" in attrs
    assert attrs["_samesite"] == "Lax"
