"""The account, address and global locks, and the owner's trusted device that outlives them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from coordination.accounts import passwords
from coordination.accounts.guard import DEVICE_COOKIE
from coordination.kernel.actors import Role
from tests import factories as f
from tests.conftest import base_config
from tests.isolation import isolated_client

LIMITS = {"pair": (5, 3600), "account": (8, 3600), "address": (12, 3600), "global": (20, 3600)}


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict[str, Any]:
    # Small limits in hour-long windows, so no test straddles a window's end.
    return base_config(tmp_path, database_url, LOGIN_LIMITS=LIMITS)


def _post(client: FlaskClient, username: str, password: str, addr: str) -> Any:
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def test_owner_with_a_trusted_device_gets_in_while_the_account_is_hammered(app, session) -> None:
    owner = f.user(session, Role.COORDINATOR)
    phone = isolated_client(app)
    first = _post(phone, owner.username, f.PASSWORD, "10.1.1.1")
    assert first.status_code == 302
    assert DEVICE_COOKIE in first.headers.get("Set-Cookie", "")
    phone.post("/logout")
    attacker = isolated_client(app)
    # From many addresses, so no single address is locked: only the account limit (8) bites.
    for n in range(8):
        assert _post(attacker, owner.username, "guess", f"10.9.0.{n}").status_code == 200
    assert _post(attacker, owner.username, "guess", "10.9.1.1").status_code == 429
    # Even the right password from an unknown device waits out the lock.
    assert _post(attacker, owner.username, f.PASSWORD, "10.9.1.2").status_code == 429
    # The owner's phone, from yet another network, still gets in.
    assert _post(phone, owner.username, f.PASSWORD, "10.1.2.3").status_code == 302


def test_a_device_cookie_only_vouches_for_its_own_account(app, session) -> None:
    owner = f.user(session, Role.COORDINATOR)
    victim = f.user(session, Role.ADMIN)
    mine = isolated_client(app)
    assert _post(mine, owner.username, f.PASSWORD, "10.2.0.1").status_code == 302
    mine.post("/logout")
    for n in range(8):
        _post(isolated_client(app), victim.username, "guess", f"10.8.0.{n}")
    # The attacker's own trusted cookie (for their account) does not open the victim's lock.
    assert _post(mine, victim.username, f.PASSWORD, "10.2.0.1").status_code == 429


def test_a_forged_device_cookie_is_ignored(app, session) -> None:
    owner = f.user(session, Role.COORDINATOR)
    for n in range(8):
        _post(isolated_client(app), owner.username, "guess", f"10.7.0.{n}")
    forged = isolated_client(app)
    forged.set_cookie(DEVICE_COOKIE, json.dumps({"u": owner.public_id, "d": "x"}), path="/login")
    assert _post(forged, owner.username, f.PASSWORD, "10.7.1.1").status_code == 429


def test_a_trusted_device_still_has_its_own_limit(app, session) -> None:
    owner = f.user(session, Role.COORDINATOR)
    phone = isolated_client(app)
    assert _post(phone, owner.username, f.PASSWORD, "10.3.0.1").status_code == 302
    phone.post("/logout")
    # A stolen device cookie is not a licence to guess: 5 a minute, as for anyone.
    for _ in range(5):
        assert _post(phone, owner.username, "guess", "10.3.0.1").status_code == 200
    assert _post(phone, owner.username, f.PASSWORD, "10.3.0.1").status_code == 429


def test_one_address_spraying_usernames_is_stopped(app, session) -> None:
    client = isolated_client(app)
    for n in range(12):
        assert _post(client, f"nobody-{n}", "guess", "10.4.0.1").status_code == 200
    assert _post(client, "nobody-else", "guess", "10.4.0.1").status_code == 429
    assert _post(client, "nobody-else", "guess", "10.4.0.2").status_code == 200


def test_spraying_from_many_addresses_stops_costing_hashes(app, session, monkeypatch) -> None:
    real = passwords.verify_password
    hashed: list[int] = []

    def counting(stored: str | None, password: str) -> bool:
        hashed.append(1)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify_password", counting)
    client = isolated_client(app)
    for n in range(20):  # the global limit: every address new, every username unknown
        name = f"spray-{uuid.uuid4().hex[:8]}"
        assert _post(client, name, "guess", f"10.5.{n}.1").status_code == 200
    assert len(hashed) == 20
    for n in range(30):
        name = f"spray-{uuid.uuid4().hex[:8]}"
        resp = _post(client, name, "guess", f"10.6.{n}.1")
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    assert len(hashed) == 20  # refused attempts computed no hash at all


def test_counters_hold_no_username_or_address(app, session) -> None:
    from sqlalchemy import select

    from coordination.accounts.models import LoginCounter

    client = isolated_client(app)
    _post(client, "marked-username", "guess", "203.0.113.77")
    keys = session.scalars(select(LoginCounter.key)).all()
    assert len(keys) == 4 and all(len(k) == 64 for k in keys)
    assert not any("marked" in k or "203.0.113" in k for k in keys)
