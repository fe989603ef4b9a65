"""Load: 50 simulated users for 2 minutes against gunicorn (2 workers), SQLite then
PostgreSQL, reads and writes, beside a bare Flask+SQLAlchemy page under the same load.

Users think 0.5-1.5 s between requests, as people on phones do (bench/load_users.py):
volunteers look at their stock and log production batches; families submit needs and follow
them on the needs' status pages; coordinators follow their delivery's status page and record
handovers on it; visitors read the public ledger, the needs board, ledger entries and the
/verify/<code> pages of dispatched deliveries. Every write is a ledger append, and is timed
as the whole exchange a person waits through (the form, the POST, the page it redirects to),
so its figure is several requests' worth; p95 counts each exchange once. Targets: no
5xx, p95 under 500 ms, and `flask ledger verify` passing afterwards. A refused write (4xx)
is counted and shown: it means the run did not do the work it claims. Settings:
BENCH_LOAD_USERS (50), BENCH_LOAD_SECONDS (120), BENCH_PG_URL (a server URL; default
TEST_DATABASE_URL, else the local server), BENCH_LOAD_BACKENDS (sqlite,postgresql).
"""

# ruff: noqa: S310 - every URL opened here is a gunicorn this script started on loopback
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_users import PASSWORD, User  # noqa: E402
from bench.protocol import emit, figure  # noqa: E402

USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "120"))
WORKERS = 2
TARGET_P95_MS = 500.0
# volunteers, families, coordinators; the rest of USERS are anonymous visitors
MIX = (USERS * 3 // 10, USERS * 3 // 10, max(USERS // 10, 1))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(target: str, env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{port}",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
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
    """Migrate, build the demo, add the load's accounts and deliveries (bench/load_setup.py)."""
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_setup.py"), *(str(n) for n in MIX[:3])],
        cwd=ROOT,
        env={**env, "P": PASSWORD},
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_backend(name: str, url: str, tmp: Path, bare: dict[str, float]) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "AIDTRAIL_KEYS_DIR": str(tmp / "keys"),
        "SECRET_KEY": "bench-load",
        "PYTHONPATH": str(ROOT),
    }
    tmp.mkdir(parents=True, exist_ok=True)
    setup = prepare(env)
    vols, fams, coords = MIX
    with gunicorn("app:app", env, tmp / f"{name}.log") as base:
        users = [User(base, "volunteer", f"load-vol-{i}", setup) for i in range(vols)]
        users += [User(base, "family", f"load-fam-{i}", setup) for i in range(fams)]
        users += [User(base, "coordinator", f"load-coord-{i}", setup, i) for i in range(coords)]
        users += [User(base, "visitor", None, setup) for _ in range(USERS - len(users))]
        samples = drive(users, SECONDS)
    verify = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "ledger", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    ms = [s[2] for s in samples]
    errors = sum(1 for s in samples if s[1] >= 500)
    writes = sum(1 for s in samples if "POST" in s[0] and s[1] == 200)
    refused = sum(1 for s in samples if 400 <= s[1] < 500)
    rate = len(samples) / SECONDS
    print(
        f"{name}: {len(samples)} requests in {SECONDS:.0f} s ({rate:.1f}/s), {writes} writes"
        f" done, {refused} refused (4xx), {errors} server errors,"
        f" p50 {statistics.median(ms):.0f} ms,"
        f" p95 {p95(ms):.0f} ms (bare page p95 {bare['p95']:.0f} ms); ledger verify:"
        f" {verify.stdout.strip() or verify.stderr.strip()}"
    )
    by_kind: dict[str, list[tuple[int, float]]] = {}
    for what, status, took in samples:
        by_kind.setdefault(what, []).append((status, took))
    for what, values in sorted(by_kind.items()):
        bad = sorted({st for st, _ in values if st >= 400})
        print(
            f"   {what:<28} n={len(values):<6} p95 {p95([t for _, t in values]):7.0f} ms"
            + (f"  statuses {bad}" if bad else "")
        )
    figure(
        f"load {name}: p95 latency",
        p95(ms),
        "ms",
        better="lower",
        target=TARGET_P95_MS,
        ceiling=bare["p95"],
        ceiling_name="bare Flask+SQLAlchemy page, same gunicorn",
    )
    figure(
        f"load {name}: throughput",
        rate,
        "req/s",
        better="higher",
        ceiling=bare["rate"],
        ceiling_name="bare Flask+SQLAlchemy page, same load",
    )
    figure(f"load {name}: server errors", errors, "count", better="lower", target=0)
    figure(f"load {name}: refused requests", refused, "count", better="lower", target=0)
    figure(
        f"load {name}: ledger verifies",
        1 if verify.returncode == 0 else 0,
        "ok",
        better="higher",
        target=1,
    )


def measure_bare(tmp: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "BARE_DATABASE_URL": f"sqlite:///{tmp / 'bare.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    seconds = min(SECONDS, 30.0)
    with gunicorn("bench.bare_app:app", env, tmp / "bare.log") as base:
        users = [User(base, "bare", None, {}) for _ in range(USERS)]
        samples = drive(users, seconds)
    ms = [s[2] for s in samples]
    bare = {"p95": p95(ms), "rate": len(samples) / seconds}
    print(
        f"ceiling: bare Flask+SQLAlchemy page, {USERS} users, {seconds:.0f} s:"
        f" {bare['rate']:.1f} req/s, p95 {bare['p95']:.0f} ms"
    )
    return bare


def main() -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    backends = os.environ.get("BENCH_LOAD_BACKENDS", "sqlite,postgresql").split(",")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        print(
            f"{USERS} users, {SECONDS:.0f} s per backend, gunicorn {WORKERS} workers,"
            " think time 0.5-1.5 s"
        )
        bare = measure_bare(tmp)
        if "sqlite" in backends:
            run_backend("SQLite", f"sqlite:///{tmp / 'load.sqlite3'}", tmp / "sqlite", bare)
        if "postgresql" in backends:
            server = os.environ.get("BENCH_PG_URL") or os.environ.get(
                "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
            )
            name = f"aidtrail_bench_load_{os.getpid()}"
            try:
                admin = create_engine(server, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as exc:
                print(
                    f"PostgreSQL: skipped, no server at {make_url(server).host}: "
                    f"{type(exc).__name__}"
                )
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
