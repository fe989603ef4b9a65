"""Money pages through the test client: record, receive after asking, buy, follow, totals."""

from __future__ import annotations

from sqlalchemy import select

from coordination.donations.models import MoneyDonation, MoneyStatus, Purchase
from coordination.kernel.actors import Role
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.donations.support import DAY, give, world


def test_coordinator_records_receives_and_spends(client, session) -> None:
    w = world(session)
    f.login(client, w.coordinator)
    assert client.get("/money/new").status_code == 200
    resp = client.post(
        "/money/new",
        data={
            "amount": "59 000,00",
            "currency": "rub",
            "received_on": DAY.isoformat(),
            "donor_id": w.campaign.id,
            "campaign_id": w.campaign.id,
            "holder_id": 0,
            "channel": "cash box",
            "earmark": "medical kits",
        },
    )
    assert resp.status_code == 302, resp.text
    d = session.scalars(select(MoneyDonation)).one()
    assert (d.amount_minor, d.currency, d.status) == (5_900_000, "RUB", MoneyStatus.PLEDGED)
    page = client.get(f"/money/{d.id}").text
    assert "59\u202f000.00 RUB" in page and d.receipt_code in page
    assert "Yes, it was received" in client.get(f"/money/{d.id}/receive").text
    assert client.post(f"/money/{d.id}/receive").status_code == 302
    session.refresh(d)
    assert d.status == MoneyStatus.RECEIVED
    form = {
        "location_id": w.hub.id,
        "bought_on": DAY.isoformat(),
        "currency": "RUB",
        "earmark": "Medical kits",
        "supplier": "Medtech",
        "buyer_id": 0,
        "lines-0-item_id": w.item.id,
        "lines-0-quantity": 20,
        "lines-0-price": "59000",
        "funding-0-donation_id": d.id,
        "funding-0-amount": "58999.99",
    }
    resp = client.post("/money/purchases/new", data=form)
    assert resp.status_code == 400 and "must add up to the total" in resp.text
    resp = client.post("/money/purchases/new", data={**form, "funding-0-amount": "59000.00"})
    assert resp.status_code == 302, resp.text
    p = session.scalars(select(Purchase)).one()
    page = client.get(f"/money/purchases/{p.id}").text
    assert d.public_id in page and "59\u202f000.00 RUB" in page
    assert p.public_id in client.get(f"/money/{d.id}").text  # where it was spent
    totals = client.get("/money/totals?by=earmark").text
    assert "medical kits" in totals and "59\u202f000.00 RUB" in totals
    assert client.get("/money/?status=received&currency=RUB&q=medical").status_code == 200


def test_bad_form_input_is_shown_inline(client, session) -> None:
    w = world(session)
    f.login(client, w.admin)
    for amount in ("1.234", "-5", "abc", "1e5", "99999999999999999", "\x00"):
        resp = client.post(
            "/money/new", data={"amount": amount, "currency": "RUB", "received_on": DAY.isoformat()}
        )
        assert resp.status_code == 400, amount
    assert session.scalar(select(MoneyDonation.id)) is None
    d = give(session, w.admin, 1_000)
    session.commit()
    resp = client.post(
        f"/money/{d.id}/pass-on",
        data={"holder_id": w.other_group.id, "amount": "10.01", "received_on": DAY.isoformat()},
    )
    assert resp.status_code == 400 and "10.00 RUB" in resp.text
    resp = client.post(
        "/money/purchases/new",
        data={
            "location_id": w.hub.id,
            "bought_on": DAY.isoformat(),
            "currency": "RUB",
            "lines-0-item_id": 2**40,
            "lines-0-quantity": 1,
            "lines-0-price": "1",
            "funding-0-donation_id": d.id,
            "funding-0-amount": "0.01",
        },
    )
    assert resp.status_code == 400


def test_volunteer_sees_its_group_money_only(client, session) -> None:
    w = world(session)
    ours = give(session, w.admin, 100, holder_id=w.group.id)
    theirs = give(session, w.admin, 200, holder_id=f.party(session, PartyKind.GROUP).id)
    session.commit()
    f.login(client, w.volunteer)
    listing = client.get("/money/").text
    assert ours.public_id in listing and theirs.public_id not in listing
    assert client.get(f"/money/{ours.id}").status_code == 200
    assert client.get(f"/money/{theirs.id}").status_code == 404
    assert client.get("/money/new").status_code == 403
    assert client.get("/money/totals").status_code == 403


def test_auditor_reads_totals_only(client, session) -> None:
    w = world(session)
    give(session, w.admin, 12_345, campaign_id=w.campaign.id)
    give(session, w.admin, 99_999, received=False)
    session.commit()
    f.login(client, f.user(session, Role.AUDITOR))
    page = client.get("/money/totals?by=campaign").text
    assert "123.45 RUB" in page and "999.99" not in page
    assert client.get("/money/").status_code == 403
