"""40 concurrent allocations of the same lot through a real threaded server, released
together by a barrier, 8 rounds (50 under `make fuzz`): the lot is never promised past what
it holds (0 oversold), and nothing is refused while stock remains. Runs on SQLite and
PostgreSQL (the `backend` fixture)."""
# ruff: noqa: S310 - every URL opened here is the local test server

from __future__ import annotations

import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, func, select

from coordination.deliveries.models import Delivery, DeliveryLine
from coordination.deliveries.services import DraftInput, create_draft
from coordination.stock.models import Lot
from tests import factories as f
from tests.deliveries.support import world
from tests.needs.test_needs_concurrency import _status, serving
from tests.sizes import sized

WORKERS = 40
# All 40 requests of a round leave at once (the barrier), so a few rounds race hard.
ROUNDS = sized(full=50, quick=8)
STOCK = 25


def test_forty_concurrent_allocations_never_oversell(app, session):
    w = world(session, stock=STOCK)
    drafts = [
        create_draft(
            session, w.coordinator, DraftInput(from_location_id=w.hub.id, to_location_id=w.hub2.id)
        )
        for _ in range(WORKERS)
    ]
    ids = [d.id for d in drafts]
    token = f.token(session, w.coordinator)
    lot_public, lot_id = w.lot.public_id, w.lot.id
    session.commit()
    oversold, refused_early = 0, 0
    with serving(app) as base, ThreadPoolExecutor(WORKERS) as pool:
        for _round in range(ROUNDS):
            rows = session.execute(
                select(Delivery.id, Delivery.version).where(Delivery.id.in_(ids))
            )
            versions = {row[0]: row[1] for row in rows}
            session.commit()

            start = threading.Barrier(WORKERS)

            def allocate(delivery_id: int, versions=versions, start=start) -> tuple[int, str]:
                body = {"version": versions[delivery_id], "lot": lot_public, "quantity": 1}
                req = urllib.request.Request(
                    f"{base}/api/v1/deliveries/{delivery_id}/lines",
                    data=json.dumps(body).encode(),
                    method="POST",
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                start.wait(timeout=60)
                return _status(req)

            results = list(pool.map(allocate, ids))
            codes = sorted(code for code, _ in results)
            assert set(codes) <= {201, 400}, results
            lot = session.get(Lot, lot_id, populate_existing=True)
            lines = session.scalar(select(func.coalesce(func.sum(DeliveryLine.quantity), 0)))
            oversold += max(lines - lot.quantity, 0) + max(lot.reserved - lot.quantity, 0)
            assert lot.reserved == lines
            refused_early += max(0, min(WORKERS, STOCK) - codes.count(201))
            # reset for the next round: the same drafts, the lot unreserved
            session.execute(delete(DeliveryLine))
            lot.reserved = 0
            session.commit()
    assert oversold == 0
    assert refused_early == 0
