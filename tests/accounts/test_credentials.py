"""A password change ends sessions and revokes API tokens; private files are private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import select

from coordination import create_app
from coordination.accounts.models import ApiToken, UserSession
from coordination.db import db
from coordination.kernel.actors import Role
from tests import factories as f
from tests.conftest import base_config
from tests.isolation import isolated_client

NEW = "a brand new long passphrase"


def _api_ok(client, token: str) -> bool:
    resp = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code in (200, 401), resp.status_code
    return resp.status_code == 200


def test_password_change_revokes_api_tokens(app, client, session) -> None:
    u = f.user(session, Role.COORDINATOR)
    token = f.token(session, u)
    assert _api_ok(client, token)
    f.login(client, u)
    resp = client.post(
        "/account/password", data={"current_password": f.PASSWORD, "new_password": NEW}
    )
    assert resp.status_code == 302
    assert not _api_ok(client, token)
    assert all(t.revoked_at is not None for t in session.scalars(select(ApiToken)))


def test_keep_my_api_tokens_keeps_them(app, client, session) -> None:
    u = f.user(session, Role.COORDINATOR)
    token = f.token(session, u)
    f.login(client, u)
    other = isolated_client(app)
    f.login(other, u)
    resp = client.post(
        "/account/password",
        data={"current_password": f.PASSWORD, "new_password": NEW, "keep_tokens": "y"},
    )
    assert resp.status_code == 302
    assert _api_ok(client, token)
    # Sessions still end: only the tokens were kept.
    assert other.get("/account").status_code == 302


def test_logout_ends_only_this_session(app, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    phone, laptop = isolated_client(app), isolated_client(app)
    f.login(phone, u)
    f.login(laptop, u)
    assert len(session.scalars(select(UserSession)).all()) == 2
    phone.post("/logout")
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200
    assert len(session.scalars(select(UserSession)).all()) == 1


def test_sqlite_database_and_instance_folders_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, under which files come out world-readable
    try:
        folder = tmp_path / "instance-like"
        url = f"sqlite:///{folder / 'aidtrail.sqlite3'}"
        app = create_app(base_config(tmp_path, url))
        with app.app_context():
            db.session.execute(select(1))
            db.engine.dispose()
        mode = stat.S_IMODE((folder / "aidtrail.sqlite3").stat().st_mode)
        assert mode == 0o600, oct(mode)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(Path(app.instance_path).stat().st_mode) == 0o700
    finally:
        os.umask(old)
