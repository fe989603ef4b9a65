"""/api/v1 money and donations with bearer tokens: the same rules as the services, bad input
is a 400 problem (never a 500), nothing is half-written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.donations.models import MoneyDonation, Purchase
from coordination.kernel.actors import Role
from coordination.ledger.models import LedgerEntry
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.donations.support import DAY, give, world


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_money_journey_through_the_api(client, session) -> None:
    w = world(session)
    h = _auth(f.token(session, w.coordinator))
    body = {
        "amount_minor": 5_900_000,
        "received_on": DAY.isoformat(),
        "earmark": "medical kits",
        "campaign": w.campaign.public_id,
        "donor": w.campaign.public_id,
    }
    resp = client.post("/api/v1/money/donations", json=body, headers=h)
    assert resp.status_code == 201, resp.json
    pledge = resp.json
    assert pledge["status"] == "pledged" and pledge["balance_minor"] == 0
    assert len(pledge["receipt_code"]) == 12
    resp = client.post(f"/api/v1/money/donations/{pledge['id']}/receive", headers=h)
    assert resp.status_code == 200 and resp.json["balance_minor"] == 5_900_000
    assert (
        client.post(f"/api/v1/money/donations/{pledge['id']}/receive", headers=h).status_code == 409
    )
    purchase = {
        "location": w.hub.public_id,
        "bought_on": DAY.isoformat(),
        "earmark": "Medical kits",
        "supplier": "Medtech",
        "lines": [{"item": w.item.code, "quantity": 20, "price_minor": 5_900_000}],
        "funding": [{"donation": pledge["public_id"], "amount_minor": 5_900_000}],
    }
    resp = client.post("/api/v1/money/purchases", json=purchase, headers=h)
    assert resp.status_code == 201, resp.json
    assert resp.json["total_minor"] == 5_900_000 and len(resp.json["lots"]) == 1
    got = client.get(f"/api/v1/money/purchases/{resp.json['id']}", headers=h).json
    assert got["funding"] == [{"donation": pledge["public_id"], "amount_minor": 5_900_000}]
    again = client.post("/api/v1/money/purchases", json=purchase, headers=h)
    assert again.status_code == 400 and "left" in again.json["detail"]
    totals = client.get("/api/v1/money/totals?by=campaign", headers=h).json
    assert totals["rows"] == [
        {
            "key": w.campaign.public_id,
            "label": "School fair",
            "currency": "RUB",
            "raised_minor": 5_900_000,
            "passed_in_minor": 0,
            "passed_out_minor": 0,
            "spent_minor": 5_900_000,
            "unspent_minor": 0,
            "donations": 1,
        }
    ]
    listed = client.get("/api/v1/money/donations?status=received&currency=rub", headers=h).json
    assert [d["public_id"] for d in listed["items"]] == [pledge["public_id"]]


def test_pass_on_and_batch_funding(client, session) -> None:
    from coordination.production.services import BatchInput, log_production_batch

    w = world(session)
    f.location(session, party_id=w.group.id, region_id=w.group.region_id)
    batch = log_production_batch(
        session,
        w.admin,
        BatchInput(group_id=w.group.id, item_id=w.item.id, quantity=5, made_on=DAY),
    )
    d = give(session, w.admin, 10_000, holder_id=w.group.id)
    session.commit()
    h = _auth(f.token(session, w.admin))
    resp = client.post(
        f"/api/v1/money/donations/{d.id}/pass-on",
        headers=h,
        json={"to_group": w.other_group.public_id, "amount_minor": 4_000, "on": DAY.isoformat()},
    )
    assert resp.status_code == 201 and resp.json["passed_from"] == d.public_id
    resp = client.post(
        "/api/v1/money/batch-funding",
        headers=h,
        json={
            "batch": batch.public_id,
            "donation": d.public_id,
            "amount_minor": 6_000,
            "on": DAY.isoformat(),
        },
    )
    assert resp.status_code == 201 and resp.json["balance_minor"] == 0
    totals = client.get("/api/v1/money/totals?by=currency", headers=h).json["rows"]
    assert [(r["raised_minor"], r["spent_minor"], r["unspent_minor"]) for r in totals] == [
        (10_000, 6_000, 4_000)
    ]


def test_in_kind_through_the_api(client, session) -> None:
    w = world(session)
    h = _auth(f.token(session, w.coordinator))
    resp = client.post(
        "/api/v1/donations/in-kind",
        headers=h,
        json={
            "location": w.hub.public_id,
            "received_on": DAY.isoformat(),
            "lines": [{"item": w.item.code, "quantity": 3}],
        },
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["receipt_code"] and resp.json["lines"] == [
        {"item": w.item.code, "size": None, "quantity": 3}
    ]
    listed = client.get("/api/v1/donations/in-kind", headers=h).json
    assert listed["total"] == 1
    vol = _auth(f.token(session, w.volunteer))  # the hub is not its group's place
    assert (
        client.get(f"/api/v1/donations/in-kind/{resp.json['id']}", headers=vol).status_code == 404
    )


def test_who_sees_what(client, session) -> None:
    w = world(session)
    ours = give(session, w.admin, 100, holder_id=w.group.id)
    theirs = give(session, w.admin, 200, holder_id=f.party(session, PartyKind.GROUP).id)
    session.commit()
    vol = _auth(f.token(session, w.volunteer))
    assert client.get(f"/api/v1/money/donations/{ours.id}", headers=vol).status_code == 200
    assert client.get(f"/api/v1/money/donations/{theirs.id}", headers=vol).status_code == 404
    assert (
        client.get(f"/api/v1/money/donations/{ours.id}", headers=vol).json["receipt_code"] is None
    )
    coord = _auth(f.token(session, w.coordinator))
    assert client.get(f"/api/v1/money/donations/{theirs.id}", headers=coord).status_code == 404
    auditor = _auth(f.token(session, f.user(session, Role.AUDITOR)))
    assert client.get("/api/v1/money/donations", headers=auditor).status_code == 403
    rows = client.get("/api/v1/money/totals", headers=auditor).json["rows"]
    assert rows[0]["raised_minor"] == 300  # auditors check the whole network's totals
    family = _auth(f.token(session, f.user(session, Role.FAMILY)))
    assert client.get("/api/v1/money/totals", headers=family).status_code == 403


BAD_AMOUNTS = [0, -5, 1.5, 100.0, "100", True, None, 10**13 + 1, 10**40, "\x00"]


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_bad_amounts_are_400_and_write_nothing(client, session, amount) -> None:
    w = world(session)
    h = _auth(f.token(session, w.admin))
    before = session.scalar(select(func.count()).select_from(LedgerEntry))
    resp = client.post(
        "/api/v1/money/donations",
        headers=h,
        json={"amount_minor": amount, "received_on": DAY.isoformat()},
    )
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == before
    assert session.scalar(select(func.count()).select_from(MoneyDonation)) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"currency": "RU\x00"},
        {"currency": "RUBL"},
        {"earmark": "a\x00b"},
        {"earmark": "x" * 121},
        {"received_on": "2026-13-45"},
        {"received_on": "2999-01-01"},
        {"donor": "0" * 16},
        {"holder": "not-an-id"},
        {"channel": "\x00"},
        {"extra": 1},
    ],
)
def test_bad_donation_fields_are_400(client, session, change) -> None:
    w = world(session)
    h = _auth(f.token(session, w.admin))
    body = {"amount_minor": 100, "received_on": DAY.isoformat(), **change}
    assert client.post("/api/v1/money/donations", headers=h, json=body).status_code == 400


def test_bad_purchases_are_400_and_write_nothing(client, session) -> None:
    w = world(session)
    d = give(session, w.admin, 1_000)
    session.commit()
    h = _auth(f.token(session, w.admin))
    good = {
        "location": w.hub.public_id,
        "bought_on": DAY.isoformat(),
        "lines": [{"item": w.item.code, "quantity": 1, "price_minor": 500}],
        "funding": [{"donation": d.public_id, "amount_minor": 500}],
    }
    bad = [
        {"lines": [{"item": w.item.code, "quantity": 1, "price_minor": 500.5}]},
        {"lines": [{"item": w.item.code, "quantity": 10**9, "price_minor": 500}]},
        {"lines": [{"item": "NO-SUCH", "quantity": 1, "price_minor": 500}]},
        {"funding": [{"donation": d.public_id, "amount_minor": -500}]},
        {"funding": [{"donation": d.public_id, "amount_minor": 400}]},
        {"funding": [{"donation": "f" * 16, "amount_minor": 500}]},
        {"funding": []},
        {"location": "\x00" * 16},
        {"currency": "EUR"},
        {"supplier": "\x00"},
    ]
    for change in bad:
        resp = client.post("/api/v1/money/purchases", headers=h, json={**good, **change})
        assert resp.status_code == 400, (change, resp.status_code)
    assert session.scalar(select(func.count()).select_from(Purchase)) == 0
    assert client.post("/api/v1/money/purchases", headers=h, json=good).status_code == 201
    assert client.get(f"/api/v1/money/donations/{2**40}", headers=h).status_code == 404
