"""Exactly once under 10 concurrent repeats, through a real threaded HTTP server."""
# ruff: noqa: S310 - every URL opened here is the local test server started below

from __future__ import annotations

import http.cookiejar
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy import func, select
from werkzeug.serving import make_server

from coordination.ledger.models import LedgerEntry
from coordination.needs.models import Need
from tests import factories as f
from tests.needs.support import form_data, world

REPEATS = 10


@contextmanager
def serving(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def _status(req: urllib.request.Request, opener=None) -> tuple[int, str]:
    try:
        resp = (opener or urllib.request.build_opener()).open(req, timeout=60)
        return resp.status, resp.headers.get("Location") or resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location") or exc.read().decode()


def _counts(session) -> tuple[int, int]:
    session.rollback()
    needs = session.scalar(select(func.count()).select_from(Need))
    entries = session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "need.submitted")
    )
    return needs, entries


def test_ten_concurrent_api_repeats_create_one_need(app, session):
    w = world(session)
    token = f.token(session, w.family)
    key = secrets.token_urlsafe(24)
    body = json.dumps(
        {"region": w.region.code, "lines": [{"item": "WOOL-SOCKS", "quantity": 4, "size": "42-44"}]}
    )
    # Reading the setup began a transaction here (on SQLite, with the write lock): end it.
    session.commit()
    with serving(app) as base:

        def post(_n: int) -> tuple[int, str]:
            req = urllib.request.Request(
                f"{base}/api/v1/needs",
                data=body.encode(),
                method="POST",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": key,
                    "Content-Type": "application/json",
                },
            )
            return _status(req)

        with ThreadPoolExecutor(REPEATS) as pool:
            results = list(pool.map(post, range(REPEATS)))
    codes = sorted(code for code, _ in results)
    assert codes == [200] * (REPEATS - 1) + [201], results
    assert len({json.loads(text)["id"] for _, text in results}) == 1
    assert _counts(session) == (1, 1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_ten_concurrent_form_repeats_create_one_need(app, session):
    w = world(session)
    data = urllib.parse.urlencode(form_data(w)).encode()
    username = w.family.username
    session.commit()
    with serving(app) as base:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
        login = urllib.parse.urlencode({"username": username, "password": f.PASSWORD})
        code, _ = _status(urllib.request.Request(f"{base}/login", data=login.encode()), opener)
        assert code == 302

        def post(_n: int) -> tuple[int, str]:
            return _status(urllib.request.Request(f"{base}/needs/new", data=data), opener)

        with ThreadPoolExecutor(REPEATS) as pool:
            results = list(pool.map(post, range(REPEATS)))
    assert {code for code, _ in results} == {302}, results
    assert len({where for _, where in results}) == 1  # every repeat lands on the same need
    assert _counts(session) == (1, 1)
