"""A real server and a real browser: gunicorn serving the demo, Playwright driving Debian's
Chromium. `.ci/run` installs the chromium package where it is missing; elsewhere these tests
skip, saying why. Screenshots of a failing journey are kept in test-artifacts/ for the developer.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, create_database, drop_database, require_postgres

ROOT = Path(__file__).resolve().parents[2]
# AIDTRAIL_CHROMIUM names another browser binary (CI points it nowhere to check the skip).
CHROMIUM = os.environ.get("AIDTRAIL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(database_url: str, tmp: Path) -> Iterator[str]:
    """gunicorn with 2 workers on a migrated database holding the demo world."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
        "AIDTRAIL_EVIDENCE_DIR": str(tmp / "evidence"),
        "SECRET_KEY": "browser-test-secret",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start: " + (tmp / "server.log").read_text())
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # a loaded machine can take more than 10 s to stop
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (.ci/run installs it)")


@pytest.fixture(scope="session", params=BACKENDS)
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One server per backend for every journey a worker runs: migrating, loading the demo and
    starting gunicorn (~20 s on a small machine) is paid once, not once per test or module.
    Each journey makes its own needs and deliveries and leaves the demo usable for the next.
    Its database is its own (not `pg_url`, which other tests on the worker empty)."""
    require_chromium()  # before the ~20 s of starting a server for nothing
    tmp = tmp_path_factory.mktemp(f"browser-{request.param}")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp / "aidtrail.sqlite3")
        with _serving(f"sqlite:///{tmp / 'aidtrail.sqlite3'}", tmp) as base:
            yield base
        return
    server = require_postgres()
    name = f"aidtrail_browser_{uuid.uuid4().hex[:10]}"
    url = create_database(server, name)
    try:
        with _serving(url, tmp) as base:
            yield base
    finally:
        drop_database(server, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium per worker; each person in a journey gets a fresh context (own cookies)."""
    require_chromium()
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _close_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """The browser outlives the test: close the contexts its people opened (after a failing
    journey's screenshots, which are taken when the test's report is made)."""
    yield
    for page in getattr(request.node, "pages", []):
        page.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for page in getattr(item, "pages", []):
            ARTIFACTS.mkdir(exist_ok=True)
            name = item.nodeid.replace("/", "_").replace(":", "_")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{id(page)}.png"), full_page=True)
