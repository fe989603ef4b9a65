"""No dead ends: after a shortfall the family sees what happens next and can act on it, the
coordinator is asked to act, and a move to another region lands on a page the mover may open.
Pages are in English here (Accept-Language per request); the Russian crawl checks the words."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from coordination.deliveries import services, status
from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.ledger.models import LedgerEntry
from coordination.needs.models import NeedLine, NeedStatus
from coordination.needs.queries import demand_lines
from coordination.stock.models import Lot
from tests import factories as f
from tests.deliveries.support import World, world

EN = {"Accept-Language": "en"}


def _dispatched(session, w: World) -> Delivery:
    d = services.create_draft(
        session,
        w.coordinator,
        services.DraftInput(from_location_id=w.hub.id, need_line_ids=[w.need.lines[0].id]),
    )
    status.pack(session, w.coordinator, d, d.version)
    status.dispatch(session, w.coordinator, d, d.version)
    session.commit()
    return d


def _short(client, session, w: World) -> Delivery:
    """The unit reports that 7 of 10 pairs arrived, through the receipt page."""
    d = _dispatched(session, w)
    f.login(client, w.unit_rep)
    page = client.get(f"/deliveries/{d.id}", headers=EN).get_data(as_text=True)
    assert f"/deliveries/{d.id}/receipt#problem" in page  # "Report a problem" is offered
    line = d.lines[0].id
    resp = client.post(
        f"/deliveries/{d.id}/receipt",
        data={"version": str(d.version), f"got-{line}": "7", f"cond-{line}": "short"},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    session.expire_all()
    return session.get(Delivery, d.id)


def _switch(client, user) -> None:
    client.post("/logout")
    f.login(client, user)


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'href="(/[^"#]*)', html) if not h.startswith("/static/")]


def test_shortfall_goes_back_into_demand_and_the_family_sees_the_next_step(app, session, client):
    w = world(session)
    d = _short(client, session, w)
    assert d.status == DeliveryStatus.DISPUTED
    line = session.get(NeedLine, w.need.lines[0].id)
    assert (line.quantity_received, line.quantity_allocated, line.quantity_dispatched) == (7, 7, 7)
    assert line.id in {ln.id for ln in session.scalars(demand_lines())}  # asked for again
    page = client.get(f"/deliveries/{d.id}", headers=EN)
    html = page.get_data(as_text=True)
    assert "What happens next" in html and f"/needs/{w.need.id}" in html
    for href in _links(html):  # every link the recipient sees opens
        assert client.get(href, headers=EN).status_code in (200, 302), href
    need_page = client.get(f"/needs/{w.need.id}", headers=EN).get_data(as_text=True)
    assert "Still asked for: 3" in need_page
    assert f"/needs/{w.need.id}/lines/{line.id}/withdraw" in need_page


def test_family_says_the_rest_is_no_longer_needed(app, session, client):
    w = world(session)
    _short(client, session, w)
    need = w.need
    resp = client.post(
        f"/needs/{need.id}/lines/{need.lines[0].id}/withdraw",
        data={"version": str(need.version)},
    )
    assert resp.status_code == 302
    session.expire_all()
    line = session.get(NeedLine, need.lines[0].id)
    assert line.unavailable and line.need.status == NeedStatus.FULFILLED  # 7 arrived, rest off
    assert line.id not in {ln.id for ln in session.scalars(demand_lines())}
    # The public ledger learns that a line of this need was withdrawn, not its item or size.
    entry = session.scalars(
        select(LedgerEntry).where(LedgerEntry.kind == "need.line_unavailable")
    ).one()
    data = json.loads(entry.body)["data"]
    assert set(data) == {"need", "line_commitment"}, data
    assert line.item.code not in entry.body
    again = client.post(
        f"/needs/{need.id}/lines/{line.id}/withdraw", data={"version": str(line.need.version)}
    )
    assert again.status_code == 409  # nothing left to withdraw


def test_someone_else_cannot_withdraw_a_line(app, session, client):
    w = world(session)
    f.login(client, w.family)
    resp = client.post(
        f"/needs/{w.need.id}/lines/{w.need.lines[0].id}/withdraw",
        data={"version": str(w.need.version)},
    )
    assert resp.status_code == 404
    assert not session.get(NeedLine, w.need.lines[0].id).unavailable


def test_the_coordinator_is_asked_to_act_on_a_disputed_delivery(app, session, client):
    w = world(session)
    d = _short(client, session, w)
    _switch(client, w.coordinator)
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert 'id="attention"' in home and "/deliveries/?status=disputed" in home
    listed = client.get("/deliveries/?status=disputed", headers=EN).get_data(as_text=True)
    assert f"/deliveries/{d.id}" in listed
    detail = client.get(f"/deliveries/{d.id}", headers=EN).get_data(as_text=True)
    assert "What happens next" in detail and "/deliveries/new" in detail
    _switch(client, w.other_coordinator)  # another region's coordinator is not asked
    assert 'id="attention"' not in client.get("/", headers=EN).get_data(as_text=True)


def test_every_home_tile_opens_for_every_role(app, session, client):
    w = world(session)
    for user in (w.family, w.unit_rep, w.volunteer, w.coordinator, w.auditor, w.admin):
        _switch(client, user)
        home = client.get("/", headers=EN).get_data(as_text=True)
        tiles = re.findall(r'<a class="action[^"]*" href="([^"]+)"', home)
        assert tiles, user.role
        for href in tiles:
            assert client.get(href, headers=EN).status_code == 200, (user.role, href)


def test_a_move_to_another_region_lands_on_a_page_the_mover_may_open(app, session, client):
    w = world(session)
    elsewhere = f.location(session, region_id=w.other_coordinator.region_id, town="Rostov")
    f.login(client, w.coordinator)
    resp = client.post(
        f"/stock/lots/{w.lot.id}/transfer",
        data={"to_location_id": str(elsewhere.id), "quantity": "5"},
    )
    assert resp.status_code == 302
    moved = session.scalars(select(Lot).where(Lot.location_id == elsewhere.id)).one()
    assert moved.quantity == 5
    landing = client.get(resp.headers["Location"], headers=EN)
    assert landing.status_code == 200
    assert resp.headers["Location"].endswith(f"/stock/lots/{w.lot.id}")
