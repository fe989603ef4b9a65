"""Login throttling: 5 failures per account and address per minute, then 429 with Retry-After."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from coordination.kernel.actors import Role
from tests import factories as f
from tests.isolation import isolated_client

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = "redis://127.0.0.1:6379/15"


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


# --- several workers sharing one Redis -------------------------------------------------------

WORKER = """
import json, os, sys
from coordination import create_app
cfg = json.loads(os.environ["WORKER_CONFIG"])
app = create_app(cfg)
client = app.test_client()
resp = client.post("/login", data={"username": sys.argv[1], "password": "definitely wrong"})
print(resp.status_code)
"""


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _other_worker(cfg: dict[str, Any], username: str) -> int:
    """One login attempt from a separate process, as a second gunicorn worker would make it."""
    env = {**os.environ, "WORKER_CONFIG": json.dumps(cfg)}
    out = subprocess.run(
        [sys.executable, "-c", WORKER, username],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_config(app_config: dict[str, Any]) -> dict[str, Any]:
    if not _redis_available():
        pytest.skip(f"Redis at {REDIS_URI} is not reachable; shared-limit case needs it")
    return {
        **app_config,
        "RATELIMIT_STORAGE_URI": REDIS_URI,
        # A prefix of our own, so concurrent suites on the same Redis do not reset each other.
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": f"aidtrail-test-{uuid.uuid4().hex}"},
    }


def test_limit_is_shared_between_workers_through_redis(redis_config) -> None:
    from coordination import create_app
    from coordination.db import db
    from coordination.extensions import limiter

    app = create_app(redis_config)
    with app.app_context():
        limiter.reset()
        u = f.user(db.session, Role.VOLUNTEER, username=f"shared-{uuid.uuid4().hex[:8]}")
        username = u.username
        client = app.test_client()
        for attempt in range(5):
            assert _fail(client, username).status_code == 200, attempt
        db.session.remove()
        db.engine.dispose()
    # The sixth attempt arrives at another process: it must see the five failures.
    assert _other_worker(redis_config, username) == 429
    # Control: a worker with its own memory storage would not have stopped it.
    memory_only = {**redis_config, "RATELIMIT_STORAGE_URI": "memory://"}
    assert _other_worker(memory_only, username) == 200


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
