"""Stock never goes negative: 40 concurrent takes from one lot through a real threaded HTTP
server, released together by a barrier, 8 rounds (50 under `make fuzz`), on each backend.
Every round checks that no take oversold (quantity never below what is reserved), that no
update was lost (the quantity dropped by exactly the sum of the successful takes, each of
which has its ledger entry), that every refusal was a clean 400 and was right to refuse (it
asked for more than was left at the end)."""
# ruff: noqa: S310 - every URL opened here is the local test server started below

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, update

from coordination.ledger.models import LedgerEntry
from coordination.production.services import log_production_batch
from coordination.stock.models import Lot
from tests import factories as f
from tests.needs.test_needs_concurrency import serving
from tests.sizes import sized
from tests.stock.support import batch_input, world

THREADS = 40
# The barrier makes every round a real race (all 40 requests leave at once, instead of
# trickling out as the pool starts threads), so a few rounds find what many loose ones did.
ROUNDS = sized(full=50, quick=8)
START, RESERVED = 60, 5  # 55 available; the 40 takes below ask for 79 in all


def _want(n: int) -> int:
    return 1 + n % 3


def _take(
    base: str, token: str, lot_id: int, quantity: int, start: threading.Barrier
) -> tuple[int, int, str]:
    req = urllib.request.Request(
        f"{base}/api/v1/stock/lots/{lot_id}/take",
        method="POST",
        data=json.dumps({"quantity": quantity}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener()
    start.wait(timeout=60)
    try:
        with opener.open(req, timeout=60) as resp:
            return resp.status, quantity, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, quantity, exc.read().decode()


def _take_entries(session, after: int) -> list[dict]:
    rows = session.scalars(
        select(LedgerEntry.body).where(LedgerEntry.kind == "stock.take", LedgerEntry.index > after)
    )
    return [json.loads(body)["data"] for body in rows]


def _last_index(session) -> int:
    return session.scalar(select(LedgerEntry.index).order_by(LedgerEntry.index.desc()).limit(1))


def test_forty_concurrent_takes_never_oversell_nor_lose_an_update(app, session) -> None:
    w = world(session)
    batch = log_production_batch(session, w.volunteer, batch_input(w, START))
    lot = session.scalars(select(Lot).where(Lot.origin_id == batch.id)).one()
    lot_id, public_id = lot.id, lot.public_id
    token = f.token(session, w.volunteer)
    session.commit()
    problems: list[str] = []
    with serving(app) as base, ThreadPoolExecutor(THREADS) as pool:
        for round_no in range(ROUNDS):
            session.execute(
                update(Lot).where(Lot.id == lot_id).values(quantity=START, reserved=RESERVED)
            )
            session.commit()
            mark = _last_index(session)
            session.commit()  # release the read transaction (SQLite's lock) before the takes
            start = threading.Barrier(THREADS)
            results = list(
                pool.map(lambda n, b=start: _take(base, token, lot_id, _want(n), b), range(THREADS))
            )
            left = session.scalar(select(Lot.quantity).where(Lot.id == lot_id))
            recorded = _take_entries(session, mark)
            session.commit()
            taken = [q for code, q, _ in results if code == 200]
            refused = [q for code, q, _ in results if code != 200]
            odd = {code for code, _, _ in results} - {200, 400}
            if odd:
                problems.append(f"round {round_no}: statuses {sorted(odd)}: {results}")
            if left < RESERVED:
                problems.append(f"round {round_no}: oversold, {left} left of {RESERVED} reserved")
            if START - left != sum(taken):
                problems.append(f"round {round_no}: lost update, {START - left} != {sum(taken)}")
            if sorted(e["quantity"] for e in recorded) != sorted(taken) or any(
                e["lot"] != public_id for e in recorded
            ):
                problems.append(f"round {round_no}: ledger {recorded} != takes {taken}")
            if any(q <= left - RESERVED for q in refused):
                problems.append(f"round {round_no}: refused {refused} with {left} left")
            if not refused:
                problems.append(f"round {round_no}: nothing was refused; the test proves little")
    assert not problems, "\n".join(problems[:10])
