"""A private PostgreSQL server crashes (kill -9) under a write request, then restarts.

The machine's shared server is never touched: initdb makes a throwaway cluster on a free
port. During the outage every page answers 503; the interrupted write leaves no row; after
the restart the same app (no restart of its own) serves again and the ledger verifies.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import has_request_context, request
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from coordination import create_app
from coordination.db import db
from tests import factories as f
from tests.conftest import base_config, migrate
from tests.ops.servers import free_port
from tests.ops.test_faults import UNAVAILABLE, batch_form, counts, ledger_verifies
from tests.stock.support import world

BATCH = "/production/batches/new"


class Cluster:
    def __init__(self, bindir: Path, base: Path, as_postgres: bool) -> None:
        self.bindir, self.data, self.port = bindir, base / "data", free_port()
        self.log, self.prefix = base / "server.log", ["runuser", "-u", "postgres", "--"]
        if not as_postgres:
            self.prefix = []
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/aidtrail"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        opts = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data.parent} -c fsync=off"
        for _ in range(50):  # after a crash, old backends may hold shared memory briefly
            try:
                self.run(
                    "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "start"
                )
                return
            except subprocess.CalledProcessError:
                time.sleep(0.2)
        raise RuntimeError("private PostgreSQL did not start: " + self.log.read_text())

    def crash(self) -> None:
        """kill -9 the postmaster and each of its children, by process id."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout.split()
        for p in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            self.crash()


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("initdb is not installed (Debian package postgresql), so no private server")
    as_postgres = os.geteuid() == 0
    if as_postgres:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres user: initdb refuses root")
    base = Path(tempfile.mkdtemp(prefix="aidtrail-pg-"))
    if as_postgres:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    c = Cluster(Path(found[-1]).parent, base, as_postgres)
    try:
        c.run(
            "initdb", "-D", str(c.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        c.start()
        admin = create_engine(c.url.replace("/aidtrail", "/postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE aidtrail"))
        admin.dispose()
        yield c
    finally:
        c.stop()
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_crash_and_restart(cluster: Cluster, tmp_path: Path) -> None:
    migrate(cluster.url, tmp_path)
    app = create_app(base_config(tmp_path, cluster.url))
    paused, resume = threading.Event(), threading.Event()

    def hold(session: Any) -> None:
        if has_request_context() and request.method == "POST" and request.path == BATCH:
            session.flush()
            paused.set()
            resume.wait(30)

    with app.app_context():
        w = world(db.session)
        username, form = w.volunteer.username, batch_form(w)
        before = counts()
        db.session.remove()
    client = app.test_client()
    assert (
        client.post("/login", data={"username": username, "password": f.PASSWORD}).status_code
        == 302
    )
    event.listen(Session, "before_commit", hold)
    answer: list[Any] = []
    try:
        writer = threading.Thread(target=lambda: answer.append(client.post(BATCH, data=form)))
        writer.start()
        assert paused.wait(30), "the write never reached its commit"
        cluster.crash()
        resume.set()
        writer.join(30)
    finally:
        event.remove(Session, "before_commit", hold)
    assert answer[0].status_code == 503
    assert UNAVAILABLE in client.get("/stock/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    cluster.start()  # crash recovery replays the WAL; the unfinished transaction is gone
    assert client.get("/stock/").status_code == 200  # same app, fresh connections
    with app.app_context():
        assert counts() == before
        ledger_verifies(app)
    assert client.post(BATCH, data=form).status_code == 302
    with app.app_context():
        assert counts()[0] == before[0] + 1
        ledger_verifies(app)
        db.engine.dispose()
