"""The whole flow through /api/v1: approved need -> draft with proposed lots -> packed ->
dispatched -> handovers -> delivered -> receipt; need fulfilment and the ledger follow."""

from __future__ import annotations

import json

from coordination.deliveries.models import Delivery, DeliveryStatus
from coordination.needs.models import NeedStatus
from coordination.stock.models import Lot
from tests.deliveries.support import bearer, entries, world


def _post(client, url, headers, **body):
    return client.post(url, json=body, headers=headers)


def test_api_flow_to_confirmed(app, session, client):
    w = world(session)
    staff = bearer(session, w.coordinator)
    line_id = w.need.lines[0].id
    resp = _post(
        client, "/api/v1/deliveries", staff, from_location=w.hub.public_id, need_lines=[line_id]
    )
    assert resp.status_code == 201, resp.get_json()
    d = resp.get_json()
    assert [(ln["lot"], ln["quantity"], ln["source"]) for ln in d["lines"]] == [
        (w.lot.public_id, 10, "Knitting circle")
    ]
    url = f"/api/v1/deliveries/{d['id']}"
    session.expire_all()
    assert session.get(Lot, w.lot.id).reserved == 10
    for step in ("pack", "dispatch"):
        resp = _post(client, f"{url}/{step}", staff, version=d["version"])
        assert resp.status_code == 200, resp.get_json()
        d = resp.get_json()
    assert d["status"] == "dispatched" and d["code"] and d["dispatch_entry"] is not None
    # Random, not derived from the delivery's ids.
    assert len(d["code"]) >= 10 and d["code"] not in (str(d["id"]), d["public_id"])
    session.expire_all()
    lot = session.get(Lot, w.lot.id)
    assert (lot.quantity, lot.reserved) == (20, 0)
    stale = _post(client, f"{url}/deliver", staff, version=1)
    assert stale.status_code == 409
    resp = _post(
        client,
        f"{url}/handovers",
        staff,
        version=d["version"],
        from_party=w.courier.public_id,
        from_role="carrier",
        to_party=w.unit.public_id,
        to_role="recipient",
        place="Belgorod",
        note="Handed to the sergeant on duty",
    )
    assert resp.status_code == 201, resp.get_json()
    d = client.get(url, headers=staff).get_json()
    d = _post(client, f"{url}/deliver", staff, version=d["version"]).get_json()
    assert d["status"] == "delivered"
    # only the recipient confirms: the coordinator cannot, the unit's representative can
    body = {"version": d["version"], "lines": [{"line": d["lines"][0]["id"], "received": 10}]}
    assert client.post(f"{url}/receipt", json=body, headers=staff).status_code == 403
    unit = bearer(session, w.unit_rep)
    resp = client.post(f"{url}/receipt", json=body, headers=unit)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["status"] == "confirmed"
    session.expire_all()
    need = session.get(type(w.need), w.need.id)
    assert need.status == NeedStatus.FULFILLED
    assert need.lines[0].quantity_received == 10
    dispatched = entries(session, "delivery.dispatched")
    delivery = session.get(Delivery, d["id"])
    assert delivery.dispatch_entry is not None
    assert dispatched[-1]["data"]["code"] == delivery.code
    assert dispatched[-1]["data"]["lines"][0]["origin_kind"] == "batch"
    handover = entries(session, "delivery.handover")[-1]["data"]
    assert handover["from_role"] == "carrier" and handover["to_role"] == "recipient"
    text = json.dumps(
        [
            entries(session, k)
            for k in (
                "delivery.created",
                "delivery.allocated",
                "delivery.packed",
                "delivery.dispatched",
                "delivery.handover",
                "delivery.delivered",
                "delivery.receipt",
            )
        ],
        ensure_ascii=False,
    )
    assert "sergeant" not in text and "Belgorod" not in text


def test_api_shortfall_disputes_and_counts_what_arrived(app, session, client):
    w = world(session)
    staff = bearer(session, w.coordinator)
    d = _post(
        client,
        "/api/v1/deliveries",
        staff,
        from_location=w.hub.public_id,
        need_lines=[w.need.lines[0].id],
    ).get_json()
    url = f"/api/v1/deliveries/{d['id']}"
    for step in ("pack", "dispatch"):
        d = _post(client, f"{url}/{step}", staff, version=d["version"]).get_json()
    unit = bearer(session, w.unit_rep)
    body = {"version": d["version"], "lines": [{"line": d["lines"][0]["id"], "received": 7}]}
    resp = client.post(f"{url}/receipt", json=body, headers=unit)
    assert resp.status_code == 201 and resp.get_json()["status"] == "disputed"
    session.expire_all()
    need = session.get(type(w.need), w.need.id)
    assert need.status == NeedStatus.PARTIALLY_FULFILLED
    assert need.lines[0].quantity_received == 7
    again = client.post(f"{url}/receipt", json={**body, "version": d["version"] + 1}, headers=unit)
    assert again.status_code == 409


def test_api_cancel_releases_and_bad_input_is_4xx(app, session, client):
    w = world(session)
    staff = bearer(session, w.coordinator)
    d = _post(
        client,
        "/api/v1/deliveries",
        staff,
        from_location=w.hub.public_id,
        to_party=w.unit.public_id,
    ).get_json()
    url = f"/api/v1/deliveries/{d['id']}"
    too_many = _post(
        client, f"{url}/lines", staff, version=d["version"], lot=w.lot.public_id, quantity=31
    )
    assert too_many.status_code == 400
    d = _post(
        client, f"{url}/lines", staff, version=d["version"], lot=w.lot.public_id, quantity=30
    ).get_json()
    assert d["status"] == "draft" and d["lines"][0]["quantity"] == 30
    bad = [
        ("/api/v1/deliveries", {"from_location": "zz"}),
        ("/api/v1/deliveries", {"from_location": w.hub.public_id, "need_lines": [2**40]}),
        ("/api/v1/deliveries", {"from_location": w.hub.public_id, "to_party": "0" * 16}),
        (f"{url}/lines", {"version": d["version"], "lot": w.lot.public_id, "quantity": "1"}),
        (f"{url}/lines", {"version": d["version"], "lot": w.lot.public_id, "quantity": 1}),
        (f"{url}/lines/999999/remove", {"version": d["version"]}),
        (f"{url}/dispatch", {"version": d["version"]}),
        (
            f"{url}/handovers",
            {
                "version": d["version"],
                "from_party": w.official.public_id,
                "from_role": "source",
                "to_party": w.unit.public_id,
                "to_role": "recipient",
                "place": "x",
            },
        ),
        (f"{url}/pack", {"version": "x\x00"}),
        (f"{url}/pack", {}),
    ]
    for target, body in bad:
        resp = client.post(target, json=body, headers=staff)
        assert 400 <= resp.status_code < 500, (target, body, resp.status_code)
    resp = _post(client, f"{url}/cancel", staff, version=d["version"])
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    session.expire_all()
    assert session.get(Lot, w.lot.id).reserved == 0
    assert session.get(Delivery, d["id"]).status == DeliveryStatus.CANCELLED


def test_api_access(app, session, client):
    w = world(session)
    d = _post(
        client,
        "/api/v1/deliveries",
        bearer(session, w.coordinator),
        from_location=w.hub.public_id,
        need_lines=[w.need.lines[0].id],
    ).get_json()
    url = f"/api/v1/deliveries/{d['id']}"
    for user, code in (
        (w.unit_rep, 200),
        (w.volunteer, 200),
        (w.admin, 200),
        (w.family, 404),
        (w.other_coordinator, 404),
    ):
        assert client.get(url, headers=bearer(session, user)).status_code == code, user.role
    assert client.get(url, headers=bearer(session, w.auditor)).status_code == 403
    # another region's coordinator cannot touch it; the volunteer may only read
    assert (
        client.post(
            f"{url}/pack",
            json={"version": d["version"]},
            headers=bearer(session, w.other_coordinator),
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{url}/pack", json={"version": d["version"]}, headers=bearer(session, w.volunteer)
        ).status_code
        == 403
    )
    listed = client.get("/api/v1/deliveries", headers=bearer(session, w.family)).get_json()
    assert listed["total"] == 0
    listed = client.get("/api/v1/deliveries", headers=bearer(session, w.volunteer)).get_json()
    assert [x["id"] for x in listed["items"]] == [d["id"]]


def test_api_proposals_nearest_then_oldest(app, session, client):
    w = world(session)
    staff = bearer(session, w.coordinator)
    d = _post(
        client,
        "/api/v1/deliveries",
        staff,
        from_location=w.hub.public_id,
        to_party=w.unit.public_id,
    ).get_json()
    resp = client.get(
        f"/api/v1/deliveries/{d['id']}/proposals",
        query_string={"need_line": w.need.lines[0].id},
        headers=staff,
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    items = resp.get_json()["items"]
    assert items[0]["lot"] == w.lot.public_id and items[0]["source"] == "Knitting circle"
    assert (
        client.get(
            f"/api/v1/deliveries/{d['id']}/proposals",
            query_string={"need_line": 2**30},
            headers=staff,
        ).status_code
        == 400
    )
