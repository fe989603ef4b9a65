"""The demo: the Novy Urengoy fair's 59,000 RUB followed into the medical kits it bought."""

from __future__ import annotations

from coordination.demo import FAIR_RAISED_RUB, World, build_demo
from coordination.donations.models import MoneyStatus
from coordination.ledger.models import LedgerEntry
from coordination.money.balance import balance
from coordination.money.shares import purchase_shares
from coordination.money.totals import money_totals
from coordination.stock.models import OriginKind


def test_the_fairs_money_is_followed_into_medical_kits(session, monkeypatch) -> None:
    captured: dict[str, World] = {}
    from coordination.demo import donations as money_demo

    original = money_demo.add_money

    def keep(session_, world: World) -> None:
        original(session_, world)
        captured["world"] = world

    monkeypatch.setattr(money_demo, "add_money", keep)
    build_demo(session)
    session.commit()
    world = captured["world"]
    fair = world.parties["fair"]
    purchase = world.things["fair-purchase"]
    shares = purchase_shares(session, purchase)
    assert sum(amount for _, amount in shares) == purchase.total_minor == FAIR_RAISED_RUB * 100
    assert {d.campaign_id for d, _ in shares} == {fair.id}
    assert all(balance(session, d) == 0 for d, _ in shares)
    [lot] = world.things["med-kit-lots"]
    assert (lot.item.code, lot.quantity, lot.origin_kind, lot.origin_id) == (
        "MED-KIT",
        20,
        OriginKind.PURCHASE,
        purchase.id,
    )
    assert lot.location_id == world.locations["hub-vla"].id
    assert world.things["fair-pledge"].status == MoneyStatus.PLEDGED
    [row] = [r for r in money_totals(session, "campaign") if r.key == fair.public_id]
    assert (row.raised_minor, row.spent_minor, row.unspent_minor) == (5_900_000, 5_900_000, 0)
    entry = session.get(LedgerEntry, lot.entry_index)
    assert entry is not None and entry.kind == "purchase.recorded"
    assert world.things["yarn-funding"].amount_minor == 850_000
    assert balance(session, world.things["yarn-donation"]) == 150_000


def test_demo_money_pages_render_for_staff(client, session) -> None:
    from sqlalchemy import select

    from coordination.accounts.models import User
    from coordination.donations.models import MoneyDonation, Purchase
    from tests import factories as f

    build_demo(session)
    session.commit()
    admin = session.scalar(select(User).where(User.username == "demo-admin"))
    f.login(client, admin, "aidtrail-demo")
    for d in session.scalars(select(MoneyDonation)):
        assert client.get(f"/money/{d.id}").status_code == 200
    [p] = session.scalars(select(Purchase))
    page = client.get(f"/money/purchases/{p.id}").text
    assert "59\u202f000.00 RUB" in page and "MED-KIT" in page
    for by in ("campaign", "holder", "earmark", "month", "currency"):
        assert client.get(f"/money/totals?by={by}").status_code == 200
    for path in (
        "/money/",
        "/money/purchases",
        "/money/new",
        "/money/purchases/new",
        "/money/fund-batch",
    ):
        assert client.get(path).status_code == 200, path
