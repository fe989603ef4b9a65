"""Real processes for the fault tests: gunicorn serving AidTrail, and a tiny HTTP client."""
# ruff: noqa: S310 - every URL opened here is the local test server started below

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    config: dict[str, Any], log: Path, workers: int = 1, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    env = {**os.environ, "AIDTRAIL_TEST_CONFIG": json.dumps(config), **(extra_env or {})}
    port = free_port()
    out = log.open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "2",
            "tests.ops.pause_app:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base, log)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        out.close()


def wait_up(base: str, log: Path, tries: int = 150) -> None:
    for _ in range(tries):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start: " + log.read_text())


class Browser:
    """Cookies and plain form posts, as a phone's browser sends them (no redirects followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kw: Any) -> None:
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(
        self, path: str, data: dict[str, Any] | None = None, timeout: float = 30
    ) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Accept-Language": "en"})
        try:
            resp = self.opener.open(req, timeout=timeout)
            return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def login(self, username: str, password: str) -> None:
        status, _ = self.request("/login", {"username": username, "password": password})
        assert status == 302, status
