"""Donation receipts: what was given and where it went (region and month, never who)."""

from __future__ import annotations

from sqlalchemy import select

from coordination.donations.models import BatchFunding, InKindDonation, MoneyDonation
from coordination.money.amounts import format_amount
from tests.manifests.conftest import login, pages_text
from tests.manifests.test_manifest_pdf import page_numbers_ok


def test_money_receipt_names_the_amount_and_where_it_went(client, session, demo):
    funded = session.scalars(select(BatchFunding)).first()
    money: MoneyDonation = funded.donation
    login(client, "demo-admin")
    resp = client.get(f"/documents/donations/money/{money.id}/receipt.pdf")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    texts = pages_text(resp.data)
    whole = "\n".join(texts)
    assert page_numbers_ok(texts)
    assert money.receipt_code in whole
    assert format_amount(money.amount_minor, money.currency).replace("\u202f", " ") in (
        whole.replace("\u202f", " ")
    )
    assert "Where it went" in whole
    html = client.get(f"/documents/donations/money/{money.id}/receipt").get_data(as_text=True)
    assert money.receipt_code in html


def test_in_kind_receipts_list_the_goods_and_the_regions(client, session, demo):
    login(client, "demo-admin", lang="ru")
    placed = 0
    for gift in session.scalars(select(InKindDonation)):
        resp = client.get(f"/documents/donations/in-kind/{gift.id}/receipt.pdf")
        assert resp.status_code == 200
        whole = "\n".join(pages_text(resp.data))
        for line in gift.lines:
            assert line.item.name_ru in whole
        regions = {"Белгородская область", "Владимирская область"}
        placed += any(r in whole for r in regions)
        # Recipients are never named on a donor's receipt.
        for d in demo["deliveries"]:
            if d.to_party is not None:
                assert d.to_party.display_name not in whole
    assert placed, "some demo goods donation reached a delivery"


def test_receipts_are_for_staff_only(client, session, demo):
    money = session.scalars(select(MoneyDonation)).first()
    gift = session.scalars(select(InKindDonation)).first()
    paths = [
        f"/documents/donations/money/{money.id}/receipt.pdf",
        f"/documents/donations/in-kind/{gift.id}/receipt",
        f"/documents/donations/other/{gift.id}/receipt.pdf",
    ]
    for who in ("demo-volunteer", "demo-family", "demo-auditor", "demo-unit"):
        login(client, who)
        assert {client.get(p).status_code for p in paths} == {403}, who
    login(client, "demo-admin")
    assert [client.get(p).status_code for p in paths] == [200, 200, 404]
