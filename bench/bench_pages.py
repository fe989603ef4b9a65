"""Page-serving cost: AidTrail pages beside a bare Flask page measured in the same run.

The ceiling is what Flask itself costs on this machine for a request that renders a small
template; AidTrail's figure shows what its middleware (sessions, CSRF, headers, i18n,
database) adds on top.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, render_template_string

from bench.protocol import emit, figure

N = 2000
# A phone on a slow link waits far longer on the network; this keeps one worker able to
# serve a whole region's volunteers between page loads.
TARGET = 200.0


def per_second(fn: Callable[[], object], n: int = N) -> float:
    for _ in range(50):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def bare_flask() -> Callable[[], object]:
    app = Flask("bare")

    @app.route("/")
    def index() -> str:
        return render_template_string("<!doctype html><title>x</title><p>{{ v }}</p>", v="hello")

    client = app.test_client()
    return lambda: client.get("/")


def aidtrail(path: str) -> Callable[[], object]:
    from flask_migrate import upgrade

    from coordination import create_app

    tmp = Path(tempfile.mkdtemp())
    db_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": db_url, "AIDTRAIL_KEYS_DIR": str(tmp / "keys")})
    with app.app_context():
        upgrade()
    client = app.test_client()

    def get() -> object:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
        return resp

    return get


def main() -> None:
    import logging

    logging.disable(logging.INFO)
    ceiling = per_second(bare_flask())
    print(f"ceiling: bare Flask template page: {ceiling:,.0f} req/s")
    for path in ("/login", "/", "/healthz"):
        rate = per_second(aidtrail(path))
        share = rate / ceiling
        print(f"AidTrail GET {path}: {rate:,.0f} req/s ({share:.0%} of the bare Flask ceiling)")
        figure(
            f"GET {path} (test client)",
            rate,
            "req/s",
            better="higher",
            target=TARGET,
            ceiling=ceiling,
            ceiling_name="bare Flask template page",
        )
    emit()


if __name__ == "__main__":
    main()
