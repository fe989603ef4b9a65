"""The browser flow: approved need -> new delivery (lots proposed and reserved) -> pack ->
dispatch -> handovers -> arrived -> the unit confirms; access and bad input on the pages."""

from __future__ import annotations

import re

from coordination.deliveries.models import Delivery, DeliveryStatus, HandoverRole
from coordination.needs.models import Need, NeedStatus
from coordination.stock.models import Lot
from tests import factories as f
from tests.deliveries.support import world


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    return match.group(1) if match else ""


def _delivery(session, delivery_id: int) -> Delivery:
    session.expire_all()
    return session.get(Delivery, delivery_id)


def _step(client, session, d: Delivery, action: str, expect: int = 302):
    page = client.get(f"/deliveries/{d.id}").get_data(as_text=True)
    resp = client.post(
        f"/deliveries/{d.id}/{action}", data={"csrf_token": _csrf(page), "version": d.version}
    )
    assert resp.status_code == expect, (action, resp.status_code)
    return _delivery(session, d.id)


def test_pages_flow_to_confirmed(app, session, client):
    w = world(session)
    f.login(client, w.coordinator)
    page = client.get("/deliveries/new").get_data(as_text=True)
    line_id = w.need.lines[0].id
    assert f'value="{line_id}"' in page
    resp = client.post(
        "/deliveries/new",
        data={
            "csrf_token": _csrf(page),
            "from_location_id": w.hub.id,
            "need_line": [line_id],
            "to_location_id": 0,
            "to_party_id": 0,
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    d = _delivery(session, int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert [(ln.lot_id, ln.quantity) for ln in d.lines] == [(w.lot.id, 10)]
    page = client.get(f"/deliveries/{d.id}").get_data(as_text=True)
    assert "Knitting circle" in page and "data-confirm" in page
    d = _step(client, session, d, "pack")
    assert _step(client, session, d, "pack", 409).status == DeliveryStatus.PACKED
    d = _step(client, session, d, "dispatch")
    assert d.status == DeliveryStatus.DISPATCHED and d.code
    page = client.get(f"/deliveries/{d.id}/handover").get_data(as_text=True)
    resp = client.post(
        f"/deliveries/{d.id}/handover",
        data={
            "csrf_token": _csrf(page),
            "version": d.version,
            "from_party_id": w.official.id,
            "from_role": "source",
            "to_party_id": w.unit.id,
            "to_role": "recipient",
            "place": "Belgorod",
            "region_id": w.region.id,
            f"qty-{d.lines[0].id}": "10",
        },
    )
    assert resp.status_code == 400  # an official is never the source
    resp = client.post(
        f"/deliveries/{d.id}/handover",
        data={
            "csrf_token": _csrf(page),
            "version": d.version,
            "from_party_id": w.official.id,
            "from_role": "presenter",
            "to_party_id": w.unit.id,
            "to_role": "recipient",
            "place": "Belgorod",
            "region_id": w.region.id,
            f"qty-{d.lines[0].id}": "10",
        },
    )
    assert resp.status_code == 302
    d = _delivery(session, d.id)
    assert d.handovers[0].from_role == HandoverRole.PRESENTER
    d = _step(client, session, d, "deliver")
    client.post("/logout")
    f.login(client, w.unit_rep)
    mine = client.get("/deliveries/mine").get_data(as_text=True)
    assert d.public_id in mine
    page = client.get(f"/deliveries/{d.id}/receipt").get_data(as_text=True)
    resp = client.post(
        f"/deliveries/{d.id}/receipt",
        data={"csrf_token": _csrf(page), "version": d.version, f"got-{d.lines[0].id}": "ten"},
    )
    assert resp.status_code == 400
    resp = client.post(
        f"/deliveries/{d.id}/receipt",
        data={
            "csrf_token": _csrf(page),
            "version": d.version,
            f"got-{d.lines[0].id}": "10",
            f"cond-{d.lines[0].id}": "ok",
        },
    )
    assert resp.status_code == 302
    d = _delivery(session, d.id)
    assert d.status == DeliveryStatus.CONFIRMED
    assert session.get(Need, w.need.id).status == NeedStatus.FULFILLED
    assert session.get(Lot, w.lot.id).quantity == 20


def test_pages_access_and_bad_input(app, session, client):
    w = world(session)
    f.login(client, w.coordinator)
    page = client.get("/deliveries/new").get_data(as_text=True)
    for data in (
        {"from_location_id": "x"},
        {"from_location_id": w.hub.id, "need_line": ["9" * 30]},
        {"from_location_id": w.hub.id, "to_party_id": w.courier.id},
    ):
        resp = client.post("/deliveries/new", data={"csrf_token": _csrf(page), **data})
        assert resp.status_code == 400
    resp = client.post(
        "/deliveries/new",
        data={
            "csrf_token": _csrf(page),
            "from_location_id": w.hub.id,
            "need_line": [w.need.lines[0].id],
        },
    )
    d = _delivery(session, int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    page = client.get(f"/deliveries/{d.id}").get_data(as_text=True)
    resp = client.post(
        f"/deliveries/{d.id}/lines",
        data={"csrf_token": _csrf(page), "version": d.version, "lot_id": w.lot.id, "quantity": 999},
    )
    assert resp.status_code == 400
    resp = client.post(
        f"/deliveries/{d.id}/lines",
        data={"csrf_token": _csrf(page), "version": d.version, "lot_id": w.lot.id, "quantity": 20},
    )
    assert resp.status_code == 302
    assert session.get(Lot, w.lot.id, populate_existing=True).reserved == 30
    resp = client.post(f"/deliveries/{d.id}/nonsense", data={"csrf_token": _csrf(page)})
    assert resp.status_code in (404, 405)
    client.post("/logout")
    for user, code in (
        (w.other_coordinator, 404),
        (w.family, 404),
        (w.volunteer, 200),
        (w.unit_rep, 200),
        (w.admin, 200),
        (w.auditor, 403),
    ):
        f.login(client, user)
        assert client.get(f"/deliveries/{d.id}").status_code == code, user.role
        client.post("/logout")
    f.login(client, w.volunteer)
    assert client.post(f"/deliveries/{d.id}/pack", data={}).status_code == 403
