"""The login limit holds exactly across processes: two gunicorn workers, two app processes.

Counters live in the database (or Redis when configured), so whichever process answers an
attempt sees every attempt before it: of 12 concurrent wrong passwords for one account from
one address, exactly 5 are checked and 7 refused.
"""
# ruff: noqa: S310 - every URL opened here is the local test server

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from coordination.kernel.actors import Role
from tests import factories as f
from tests.conftest import base_config
from tests.ops.servers import gunicorn

ROOT = Path(__file__).resolve().parents[2]
REDIS_URI = "redis://127.0.0.1:6379/15"
# Hour-long windows: a run can never straddle the end of one and get a fresh allowance.
LIMITS = {"pair": (5, 3600), "account": (50, 3600), "address": (50, 3600), "global": (50, 3600)}
ATTEMPTS = 12


def _shared_config(database_url: str, tmp: Path, **extra: Any) -> dict[str, Any]:
    return base_config(tmp, database_url, LOGIN_LIMITS=LIMITS, **extra)


def _attempt(base: str, username: str) -> int:
    body = urllib.parse.urlencode({"username": username, "password": "wrong guess"}).encode()
    req = urllib.request.Request(base + "/login", data=body)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_two_gunicorn_workers_hold_the_limit_exactly(app, session, database_url, tmp_path) -> None:
    username = f.user(session, Role.COORDINATOR).username
    session.commit()
    cfg = _shared_config(database_url, tmp_path)
    with (
        gunicorn(cfg, tmp_path / "gunicorn.log", workers=2) as base,
        ThreadPoolExecutor(max_workers=ATTEMPTS) as pool,
    ):
        codes = list(pool.map(lambda _n: _attempt(base, username), range(ATTEMPTS)))
    assert sorted(codes) == [200] * 5 + [429] * (ATTEMPTS - 5), codes


PROCESS = """
import json, os, sys, time
from coordination import create_app
app = create_app(json.loads(os.environ["ATTEMPT_CONFIG"]))
client = app.test_client()
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))  # both processes begin together
codes = []
for _ in range(int(sys.argv[3])):
    resp = client.post("/login", data={"username": sys.argv[1], "password": "wrong guess"})
    codes.append(resp.status_code)
print(json.dumps(codes))
"""


def _two_processes(cfg: dict[str, Any], username: str) -> list[int]:
    env = {**os.environ, "ATTEMPT_CONFIG": json.dumps(cfg)}
    start = time.time() + 8  # after both have imported the app
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS, username, str(start), str(ATTEMPTS // 2)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    codes: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        codes += json.loads(out.strip().splitlines()[-1])
    return codes


def test_two_app_processes_on_one_database_hold_the_limit_exactly(
    app, session, database_url, tmp_path
) -> None:
    username = f.user(session, Role.COORDINATOR).username
    session.commit()
    codes = _two_processes(_shared_config(database_url, tmp_path), username)
    assert sorted(codes) == [200] * 5 + [429] * (ATTEMPTS - 5), codes


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1).ping())
    except Exception:
        return False


def test_two_app_processes_on_one_redis_hold_the_limit_exactly(
    app, session, database_url, tmp_path, backend
) -> None:
    if backend != "sqlite":
        pytest.skip("the Redis case does not depend on the database; it runs once, on SQLite")
    if not _redis_available():
        pytest.skip(f"Redis at {REDIS_URI} is not reachable; the Redis-storage case needs it")
    username = f.user(session, Role.COORDINATOR).username
    session.commit()
    prefix = f"aidtrail-test-{uuid.uuid4().hex}"
    cfg = _shared_config(
        database_url,
        tmp_path,
        RATELIMIT_STORAGE_URI=REDIS_URI,
        RATELIMIT_STORAGE_OPTIONS={"key_prefix": prefix},
    )
    codes = _two_processes(cfg, username)
    assert sorted(codes) == [200] * 5 + [429] * (ATTEMPTS - 5), codes
    import redis

    client = redis.Redis.from_url(REDIS_URI)
    names = client.keys(f"{prefix}:*")
    assert names  # the counts really went to Redis
    assert not any(username.encode() in n for n in names)
    client.delete(*names)
