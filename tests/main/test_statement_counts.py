"""No query per row: a staff page's number of SQL statements does not grow with the data.

Each page is rendered for the admin and the coordinator on the demo world, then again after
the demo's needs, origins, money and deliveries were added twice more through the same
services (about three times the rows, enough to fill the first page of every list that the
demo leaves part-empty). A lazy load per row shows as more statements on the larger world;
a page that reads a bounded set of rows in a fixed number of queries shows the same count.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from coordination.db import db
from coordination.demo import build_demo
from coordination.demo.deliveries import add_deliveries
from coordination.demo.donations import add_money
from coordination.demo.needs import add_needs
from coordination.demo.stock import add_origins
from coordination.demo.world import World

STAFF = ("demo-admin", "demo-coordinator")
PAGES = (
    "/deliveries/",
    "/deliveries/mine",
    "/money/",
    "/money/totals",
    "/money/purchases",
    "/needs/",
    "/needs/board",
    "/needs/demand",
    "/ledger/entries",
    "/disputes/",
    "/admin/parties",
    "/admin/locations",
    "/admin/users",
    "/catalog/",
)
# The ledger page reads the Merkle root from the largest power-of-two subtrees of the log:
# one more statement each time the entry count gains a set bit, so it may grow by a few
# statements (logarithmically), never by one per entry.
LOGARITHMIC = {"/ledger": 3}


def _build(session: Any) -> World:
    import coordination.demo as demo

    kept: dict[str, World] = {}
    original = demo._disputes

    def keep(session_: Any, world: World) -> None:
        original(session_, world)
        kept["world"] = world

    demo._disputes = keep
    try:
        build_demo(session)
    finally:
        demo._disputes = original
    session.commit()
    return kept["world"]


def _grow(session: Any, world: World, rounds: int) -> None:
    for _ in range(rounds):
        for add in (add_needs, add_origins, add_money, add_deliveries):
            add(session, world)
        session.commit()


def _counts(client: Any, pages: list[str]) -> dict[tuple[str, str], int]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    out = {}
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for username in STAFF:
            resp = client.post("/login", data={"username": username, "password": "aidtrail-demo"})
            assert resp.status_code == 302, username
            for page in pages:
                statements.clear()
                resp = client.get(page)
                assert resp.status_code in (200, 403), (username, page, resp.status_code)
                out[(username, page)] = len(statements) if resp.status_code == 200 else -1
            client.post("/logout")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return out


def test_staff_pages_do_not_query_per_row(client, session):
    world = _build(session)
    _assert_flat(client, session, world, [*PAGES, *LOGARITHMIC])


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known N+1 in the attribution layer: /sources/<group> lazy-loads each delivered "
    "line's item, recipient and region (attribution/followup.py; sewing group 15 -> 17 "
    "statements here) and /stock/ names each purchased or kit lot with its own attribution "
    "walk (attribution/lot_sources.py; 17 -> 29 for the coordinator). Those modules are "
    "being reworked in parallel (issue #24). Strict: passing means remove this mark.",
)
def test_pages_that_walk_attribution_do_not_query_per_row(client, session):
    world = _build(session)
    # The makers' public source pages walk every delivered line of their goods; the stock
    # page names the donors behind each purchased lot and the sources of each kit.
    makers = [f"/sources/{world.parties[k].id}" for k in ("knitting", "sewing", "vests")]
    _assert_flat(client, session, world, [*makers, "/stock/"])


def _assert_flat(client: Any, session: Any, world: World, pages: list[str]) -> None:
    small = _counts(client, pages)
    _grow(session, world, rounds=2)
    large = _counts(client, pages)
    grew = {
        key: (small[key], large[key])
        for key in small
        if large[key] > small[key] + LOGARITHMIC.get(key[1], 0)
    }
    assert not grew, f"statements per request grew with the data: {grew}"
    # Every page was served (a 403 for both sizes is a page the role may not open).
    assert all(small[k] > 0 for k in small if small[k] != -1)
