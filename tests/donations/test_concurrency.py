"""Concurrent purchases through a real threaded HTTP server never spend beyond a donation."""
# ruff: noqa: S310 - every URL opened here is the local test server started by serving()

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from coordination.donations.models import PurchaseFunding
from coordination.kernel.actors import Role
from coordination.money.balance import balance
from coordination.stock.models import Lot
from tests import factories as f
from tests.donations.support import DAY, give, world
from tests.needs.test_needs_concurrency import serving

BUYERS = 6
PRICE = 300  # six buyers of 300 from a donation of 1,000: three can be paid, never four


def _post(url: str, token: str, body: dict, barrier: threading.Barrier) -> int:
    req = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    barrier.wait(30)
    try:
        return urllib.request.urlopen(req, timeout=60).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_concurrent_purchases_never_overspend(app, session) -> None:
    w = world(session)
    d = give(session, w.admin, 1_000)
    session.commit()
    # One token each: a shared token's row would serialise the requests before they spend.
    tokens = [f.token(session, f.user(session, Role.ADMIN)) for _ in range(BUYERS)]
    body = {
        "location": w.hub.public_id,
        "bought_on": DAY.isoformat(),
        "lines": [{"item": w.item.code, "quantity": 1, "price_minor": PRICE}],
        "funding": [{"donation": d.public_id, "amount_minor": PRICE}],
    }
    session.rollback()  # an open SQLite transaction here would hold the write lock
    barrier = threading.Barrier(BUYERS)
    with serving(app) as base, ThreadPoolExecutor(BUYERS) as pool:
        statuses = list(
            pool.map(lambda t: _post(f"{base}/api/v1/money/purchases", t, body, barrier), tokens)
        )
    session.rollback()
    assert sorted(statuses) == [201, 201, 201, 400, 400, 400], statuses
    spent = session.scalar(
        select(func.sum(PurchaseFunding.amount_minor)).where(PurchaseFunding.donation_id == d.id)
    )
    assert spent == 900 and balance(session, d) == 100
    assert session.scalar(select(func.count()).select_from(Lot)) == 3
