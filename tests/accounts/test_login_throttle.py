"""Login throttling: 5 failures per account and address per minute, then 429 with Retry-After.

The counters live in the database (tests/accounts/test_login_shared.py: several processes).
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from coordination.kernel.actors import Role
from tests import factories as f
from tests.isolation import isolated_client


def _fail(client: FlaskClient, username: str, addr: str = "127.0.0.1") -> Any:
    return client.post(
        "/login",
        data={"username": username, "password": "definitely wrong"},
        environ_base={"REMOTE_ADDR": addr},
    )


def test_sixth_failure_in_a_minute_gets_429(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    for attempt in range(5):
        assert _fail(client, u.username).status_code == 200, attempt
    blocked = _fail(client, u.username)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    # Even the right password waits: otherwise the limit would leak which guess was right.
    right = client.post("/login", data={"username": u.username, "password": f.PASSWORD})
    assert right.status_code == 429


def test_unknown_usernames_are_throttled_the_same_way(app, client) -> None:
    # Otherwise the throttle itself would tell which usernames exist.
    for attempt in range(5):
        assert _fail(client, "nobody-by-this-name").status_code == 200, attempt
    assert _fail(client, "nobody-by-this-name").status_code == 429


def test_limit_is_per_account(app, client, session) -> None:
    victim = f.user(session, Role.VOLUNTEER)
    other = f.user(session, Role.VOLUNTEER)
    for _ in range(6):
        _fail(client, victim.username)
    assert _fail(client, victim.username).status_code == 429
    assert _fail(client, other.username).status_code == 200
    f.login(client, other)


def test_limit_is_per_address(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    for _ in range(6):
        _fail(client, u.username, "10.0.0.1")
    assert _fail(client, u.username, "10.0.0.1").status_code == 429
    # An attacker at one address cannot lock the owner out from everywhere.
    assert _fail(client, u.username, "10.0.0.2").status_code == 200


def test_username_case_and_spaces_do_not_dodge_the_limit(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    for variant in (u.username, u.username.upper(), f" {u.username}", f"{u.username} ", u.username):
        assert _fail(client, variant).status_code == 200
    assert _fail(client, u.username.title()).status_code == 429


def test_successful_logins_do_not_count(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    for _ in range(8):
        f.login(client, u)
        client.post("/logout")
    for attempt in range(5):
        assert _fail(client, u.username).status_code == 200, attempt
    assert _fail(client, u.username).status_code == 429


# --- guessing the current password through a stolen session --------------------------------------


def _change(client: FlaskClient, current: str, new: str = "a fresh long passphrase") -> Any:
    return client.post("/account/password", data={"current_password": current, "new_password": new})


def test_password_change_throttles_wrong_current_passwords(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    for attempt in range(5):
        assert _change(client, f"guess number {attempt}").status_code == 400, attempt
    blocked = _change(client, "guess number 6")
    assert blocked.status_code == 429 and blocked.headers.get("Retry-After")
    assert _change(client, f.PASSWORD).status_code == 429
    other = f.user(session, Role.VOLUNTEER)
    elsewhere = isolated_client(app)
    f.login(elsewhere, other)
    assert _change(elsewhere, f.PASSWORD).status_code == 302


def test_policy_refusals_do_not_count_as_guesses(app, client, session) -> None:
    u = f.user(session, Role.VOLUNTEER)
    f.login(client, u)
    for _ in range(7):
        assert _change(client, f.PASSWORD, new="qwerty123").status_code == 400
    assert _change(client, f.PASSWORD).status_code == 302
