"""Load: 50 simulated users for 2 minutes against gunicorn (2 workers), SQLite then
PostgreSQL, reads and writes, beside a bare Flask+SQLAlchemy page under the same load.

Users think 0.5-1.5 s between requests, as people on phones do. Volunteers look at their
stock and log production batches (a ledger append each), families follow their needs,
visitors read the public ledger, the needs board and ledger entries. Targets: no 5xx, p95
under 500 ms, and `flask ledger verify` passing afterwards. Settings: BENCH_LOAD_USERS (50),
BENCH_LOAD_SECONDS (120), BENCH_PG_URL (a server URL; default TEST_DATABASE_URL, else
the local server), BENCH_LOAD_BACKENDS (sqlite,postgresql).
"""

# ruff: noqa: S310 - every URL opened here is a gunicorn this script started on loopback
from __future__ import annotations

import http.cookiejar
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.protocol import emit, figure  # noqa: E402

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
WORKERS = 2
TARGET_P95_MS = 500.0
PASSWORD = "bench load pass phrase 1"  # noqa: S105 - throwaway accounts in a temp database
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(target: str, env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
             target],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/", timeout=1)
                    break
                except urllib.error.HTTPError:
                    break
                except OSError:
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


class User:
    def __init__(self, base: str, role: str, username: str | None, setup: dict[str, Any]):
        self.base, self.role, self.setup = base, role, setup
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.csrf = ""
        if username:
            page = self.get("/login")[1]
            self.csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
            status, _ = self.post("/login", {"username": username, "password": PASSWORD})
            assert status == 200, f"login of {username} answered {status}"
            self.csrf = CSRF.search(self.get("/")[1]).group(1)  # type: ignore[union-attr]

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrf_token": self.csrf}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))

    def _open(self, req: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def act(self, rng: random.Random) -> tuple[str, int]:
        s = self.setup
        if self.role == "volunteer":
            if rng.random() < 0.3:
                form = {"item_id": s["item_id"], "size": s["size"], "quantity": rng.randint(1, 50),
                        "made_on": "2026-11-01"}  # fmt: skip
                return "POST batch", self.post("/production/batches/new", form)[0]
            path = rng.choice(["/stock/", "/production/batches/new", "/ledger"])
        elif self.role == "family":
            path = rng.choice(["/needs/mine", "/needs/board", "/"])
        else:
            size = s["ledger_size"]
            start = rng.randrange(max(size - 20, 1))
            path = rng.choice(["/ledger", "/needs/board", "/ledger/checkpoint",
                               f"/ledger/entries?start={start}&end={start + 20}"])  # fmt: skip
        return "GET " + path.split("?")[0], self.get(path)[0]


def drive(users: list[User], seconds: float) -> list[tuple[str, int, float]]:
    samples: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(user: User, seed: int) -> None:
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 1.0))
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                what, status = user.act(rng)
            except OSError:
                what, status = "connection", 599
            took = (time.perf_counter() - start) * 1e3
            with lock:
                samples.append((what, status, took))
            time.sleep(rng.uniform(0.5, 1.5))

    threads = [threading.Thread(target=loop, args=(u, i)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples


def p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else (ms[0] if ms else 0.0)


def prepare(env: dict[str, str]) -> dict[str, Any]:
    """Migrate, build the demo, add the load's accounts; return what the users need."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    code = (
        "import json\n"
        "from sqlalchemy import select\n"
        "from coordination import create_app\n"
        "from coordination.db import db\n"
        "from coordination.accounts.models import Role, User\n"
        "from coordination.accounts.services import create_user\n"
        "from coordination.catalog.models import Item\n"
        "from coordination.ledger.models import LedgerHead\n"
        "import os, sys\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    s = db.session\n"
        "    vol = s.scalar(select(User).where(User.username == 'demo-volunteer'))\n"
        "    fam = s.scalar(select(User).where(User.username == 'demo-family'))\n"
        "    n = int(sys.argv[1])\n"
        "    for i in range(n):\n"
        "        create_user(s, None, username=f'load-vol-{i}', password=os.environ['P'],\n"
        "                    role=Role.VOLUNTEER, party_id=vol.party_id)\n"
        "        create_user(s, None, username=f'load-fam-{i}', password=os.environ['P'],\n"
        "                    role=Role.FAMILY, party_id=fam.party_id)\n"
        "    s.commit()\n"
        "    item = s.scalars(select(Item).order_by(Item.id)).first()\n"
        "    head = s.get(LedgerHead, 1)\n"
        "    print(json.dumps({'item_id': item.id, 'size': (item.sizes or [''])[0],\n"
        "                      'ledger_size': head.size}))\n"
    )
    per_role = max(USERS * 2 // 5, 1)
    out = subprocess.run([sys.executable, "-c", code, str(per_role)], cwd=ROOT,
                         env={**env, "P": PASSWORD}, check=True, capture_output=True,
                         text=True)  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]), per_role=per_role)


def run_backend(name: str, url: str, tmp: Path, bare: dict[str, float]) -> None:
    env = {**os.environ, "DATABASE_URL": url, "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
           "SECRET_KEY": "bench-load", "PYTHONPATH": str(ROOT)}  # fmt: skip
    tmp.mkdir(parents=True, exist_ok=True)
    setup = prepare(env)
    per_role = setup["per_role"]
    with gunicorn("app:app", env, tmp / f"{name}.log") as base:
        users = [User(base, "volunteer", f"load-vol-{i}", setup) for i in range(per_role)]
        users += [User(base, "family", f"load-fam-{i}", setup) for i in range(per_role)]
        users += [User(base, "visitor", None, setup) for _ in range(USERS - len(users))]
        samples = drive(users, SECONDS)
    verify = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "ledger", "verify"],
                            cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
    ms = [s[2] for s in samples]
    errors = sum(1 for s in samples if s[1] >= 500)
    writes = sum(1 for s in samples if s[0].startswith("POST") and s[1] in (200, 302))
    rate = len(samples) / SECONDS
    print(f"{name}: {len(samples)} requests in {SECONDS:.0f} s ({rate:.1f}/s), {writes} batches"
          f" logged, {errors} server errors, p50 {statistics.median(ms):.0f} ms,"
          f" p95 {p95(ms):.0f} ms (bare page p95 {bare['p95']:.0f} ms); ledger verify:"
          f" {verify.stdout.strip() or verify.stderr.strip()}")
    by_kind: dict[str, list[float]] = {}
    for what, _status, took in samples:
        by_kind.setdefault(what, []).append(took)
    for what, values in sorted(by_kind.items()):
        print(f"   {what:<28} n={len(values):<6} p95 {p95(values):7.0f} ms")
    figure(f"load {name}: p95 latency", p95(ms), "ms", better="lower", target=TARGET_P95_MS,
           ceiling=bare["p95"], ceiling_name="bare Flask+SQLAlchemy page, same gunicorn")
    figure(f"load {name}: throughput", rate, "req/s", better="higher", ceiling=bare["rate"],
           ceiling_name="bare Flask+SQLAlchemy page, same load")
    figure(f"load {name}: server errors", errors, "count", better="lower", target=0)
    figure(f"load {name}: ledger verifies", 1 if verify.returncode == 0 else 0, "ok",
           better="higher", target=1)


def measure_bare(tmp: Path) -> dict[str, float]:
    env = {**os.environ, "BARE_DATABASE_URL": f"sqlite:///{tmp / 'bare.sqlite3'}",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    seconds = min(SECONDS, 30.0)
    with gunicorn("bench.bare_app:app", env, tmp / "bare.log") as base:
        users = [User(base, "bare", None, {}) for _ in range(USERS)]
        for u in users:
            u.act = lambda rng, u=u: ("GET /", u.get("/")[0])  # type: ignore[method-assign]
        samples = drive(users, seconds)
    ms = [s[2] for s in samples]
    bare = {"p95": p95(ms), "rate": len(samples) / seconds}
    print(f"ceiling: bare Flask+SQLAlchemy page, {USERS} users, {seconds:.0f} s:"
          f" {bare['rate']:.1f} req/s, p95 {bare['p95']:.0f} ms")
    return bare


def main() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    backends = os.environ.get("BENCH_LOAD_BACKENDS", "sqlite,postgresql").split(",")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        print(f"{USERS} users, {SECONDS:.0f} s per backend, gunicorn {WORKERS} workers,"
              " think time 0.5-1.5 s")
        bare = measure_bare(tmp)
        if "sqlite" in backends:
            run_backend("SQLite", f"sqlite:///{tmp / 'load.sqlite3'}", tmp / "sqlite", bare)
        if "postgresql" in backends:
            server = os.environ.get("BENCH_PG_URL") or os.environ.get(
                "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
            name = f"aidtrail_bench_load_{os.getpid()}"
            try:
                admin = create_engine(server, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as exc:
                print(f"PostgreSQL: skipped, no server at {make_url(server).host}: "
                      f"{type(exc).__name__}")
                return
            try:
                url = make_url(server).set(database=name).render_as_string(hide_password=False)
                run_backend("PostgreSQL", url, tmp / "pg", bare)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    finally:
        emit()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
