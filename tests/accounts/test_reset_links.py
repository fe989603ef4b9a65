"""Reset links: issued by an admin or the CLI, shown once, stored hashed, work once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coordination.accounts import recovery
from coordination.accounts.models import PasswordReset, token_digest
from coordination.db import utcnow
from coordination.kernel.actors import Role
from tests import factories as f
from tests.isolation import isolated_client

NEW = "a brand new long passphrase"
LINK = re.compile(r"https?://[^\s<\"]+/reset/(rs_[A-Za-z0-9_-]+)")


def _issue_from_admin_page(app, session, target) -> str:
    admin = f.user(session, Role.ADMIN)
    page = isolated_client(app)
    f.login(page, admin)
    assert "reset-link" in page.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    resp = page.post(f"/admin/users/{target.id}/reset-link")
    assert resp.status_code == 200
    match = LINK.search(resp.get_data(as_text=True))
    assert match
    return match.group(1)


def test_admin_link_works_once_and_ends_sessions_and_tokens(app, session) -> None:
    user = f.user(session, Role.COORDINATOR)
    api = f.token(session, user)
    device = isolated_client(app)
    f.login(device, user)
    plain = _issue_from_admin_page(app, session, user)
    # Stored hashed only.
    stored = session.scalars(select(PasswordReset.token_hash)).all()
    assert stored == [token_digest(plain)]
    visitor = isolated_client(app)
    assert visitor.get(f"/reset/{plain}").status_code == 200
    resp = visitor.post(f"/reset/{plain}", data={"new_password": NEW, "again": NEW})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    # Once only.
    assert visitor.get(f"/reset/{plain}").status_code == 404
    again = visitor.post(f"/reset/{plain}", data={"new_password": NEW + "x", "again": NEW + "x"})
    assert again.status_code == 404
    # Old sessions and API tokens are gone; the new password works, the old one does not.
    assert device.get("/account").status_code == 302
    me = visitor.get("/api/v1/me", headers={"Authorization": f"Bearer {api}"})
    assert me.status_code == 401
    f.login(isolated_client(app), user, NEW)
    bad = isolated_client(app).post(
        "/login", data={"username": user.username, "password": f.PASSWORD}
    )
    assert bad.status_code == 200


def test_expired_and_replaced_links_do_not_work(app, session, client) -> None:
    user = f.user(session, Role.VOLUNTEER)
    first = recovery.issue_reset(session, None, user)
    second = recovery.issue_reset(session, None, user)
    session.commit()
    assert client.get(f"/reset/{first}").status_code == 404  # replaced by the second
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_digest(second))
    )
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get(f"/reset/{second}").status_code == 404
    assert client.get("/reset/rs_made-up").status_code == 404


def test_only_admins_issue_links(app, session) -> None:
    coordinator = f.user(session, Role.COORDINATOR)
    target = f.user(session, Role.VOLUNTEER)
    c = isolated_client(app)
    f.login(c, coordinator)
    assert c.post(f"/admin/users/{target.id}/reset-link").status_code in (403, 404)
    assert session.scalars(select(PasswordReset)).all() == []


def test_weak_password_is_refused_and_the_link_stays_usable(app, session, client) -> None:
    user = f.user(session, Role.VOLUNTEER)
    plain = recovery.issue_reset(session, None, user)
    session.commit()
    weak = client.post(f"/reset/{plain}", data={"new_password": "qwerty123", "again": "qwerty123"})
    assert weak.status_code == 400
    assert client.get(f"/reset/{plain}").status_code == 200


def test_cli_prints_a_working_link(app, session) -> None:
    user = f.user(session, Role.ADMIN)
    session.commit()
    result = app.test_cli_runner().invoke(args=["reset-link", user.username])
    assert result.exit_code == 0, result.output
    match = LINK.search(result.output)
    assert match and result.output.startswith("http://127.0.0.1:5000/reset/rs_")
    client = isolated_client(app)
    resp = client.post(f"/reset/{match.group(1)}", data={"new_password": NEW, "again": NEW})
    assert resp.status_code == 302
    unknown = app.test_cli_runner().invoke(args=["reset-link", "nobody-here"])
    assert unknown.exit_code != 0
