"""The public board in pages: a bounded number of cells per page with previous/next links,
the same cells (and the same small-count suppression) as the whole board, which is checked
against an aggregation done here in Python from the open lines themselves."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import select

from coordination.kernel.actors import Role
from coordination.needs import services
from coordination.needs.checks import LineInput, NeedInput
from coordination.needs.models import OPEN_DEMAND, Need, NeedLine
from coordination.needs.queries import MIN_PUBLIC_COUNT
from tests import factories as f
from tests.needs.support import token, world

ROW = re.compile(r"<tr><td>([^<]*)</td><td>[^<]*</td><td>([^<]*)</td><td>(\d+)</td>")


def _need(session, w, user, items, quantity):
    lines = [LineInput(item_id=i.id, quantity=quantity, size=None) for i in items]
    need, _created = services.submit_need(
        session, user, NeedInput(region_id=w.region.id, lines=lines), token()
    )
    services.approve_need(session, w.coordinator, need, need.version)
    session.commit()
    return need


def _reference(session):
    """The board as it was computed before paging: every open line, cells in Python."""
    cells = defaultdict(lambda: [0, set(), set()])
    rows = session.execute(
        select(NeedLine, Need).join(Need).where(Need.status.in_(OPEN_DEMAND))
    ).all()
    for line, need in rows:
        if line.unavailable or line.remaining <= 0:
            continue
        cell = cells[(line.item.code, need.region.code, need.created_at.strftime("%Y-%m"))]
        cell[0] += line.remaining
        cell[1].add(need.id)
        cell[2].add(need.party_id)
    shown = sorted(
        (
            (month, region, item, c[0], len(c[1]), len(c[2]))
            for (item, region, month), c in cells.items()
            if len(c[2]) >= MIN_PUBLIC_COUNT
        ),
        key=lambda r: (r[1], r[2]),
    )
    shown.sort(key=lambda r: r[0], reverse=True)
    suppressed = sum(1 for c in cells.values() if len(c[2]) < MIN_PUBLIC_COUNT)
    return shown, suppressed


def test_board_pages_hold_every_public_cell_once(app, session, client):
    w = world(session)
    items = [f.item(session, name_en=f"Board item {n}") for n in range(7)]
    families = [w.family, w.family2, *(f.user(session, Role.FAMILY) for _ in range(3))]
    for n, family in enumerate(families):
        _need(session, w, family, items, 3 + n)
    _need(session, w, w.family, [w.gloves], 9)  # one household only: suppressed
    _need(session, w, w.unit, [items[0]], 40)  # a sixth party in a public cell
    app.config["BOARD_PAGE_SIZE"] = 3

    expected, suppressed = _reference(session)
    assert len(expected) == 7 and suppressed == 1
    api = client.get("/api/v1/needs/board").get_json()
    assert [
        (r["month"], r["region"], r["item"], r["remaining"], r["needs"], r["parties"])
        for r in api["rows"]
    ] == expected
    assert api["suppressed"] == suppressed

    names = {i.code: i.name_ru for i in items}  # the page speaks Russian by default
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/needs/board?page={page}").get_data(as_text=True)
        rows = ROW.findall(html)
        assert len(rows) == (3 if page < 3 else 1)
        seen += [(month, name, int(left)) for month, name, left in rows]
        assert ('rel="prev"' in html) == (page > 1)
        assert ('rel="next"' in html) == (page < 3)
        assert re.search(r'<p class="hint">\D*1\D*</p>', html)  # the suppressed count
    assert seen == [(r[0], names[r[2]], r[3]) for r in expected]
    # Past the end: the last page, not an empty one.
    assert ROW.findall(client.get("/needs/board?page=99").get_data(as_text=True)) == ROW.findall(
        client.get("/needs/board?page=3").get_data(as_text=True)
    )
