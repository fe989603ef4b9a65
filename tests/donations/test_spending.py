"""Purchases, batch materials and passing money on: never beyond a donation's balance, never
outside its earmark or currency; shares exact to the kopeck; nothing half-written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from coordination.donations.models import Purchase, PurchaseFunding
from coordination.kernel.errors import Forbidden, Invalid, NotFound
from coordination.ledger.models import LedgerEntry
from coordination.money.balance import balance
from coordination.money.funding import fund_batch
from coordination.money.purchases import purchase_lots
from coordination.money.services import pass_on_money, receive_money_donation
from coordination.money.shares import line_shares, purchase_shares, split_pro_rata
from coordination.production.services import BatchInput, log_production_batch
from coordination.stock.models import Lot, OriginKind
from tests import factories as f
from tests.donations.support import DAY, buy, give, world
from tests.sizes import fuzz_settings
from tests.stock.support import entries


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_purchase_spends_donations_and_creates_lots(session) -> None:
    w = world(session)
    a = give(session, w.coordinator, 4_000_000, earmark="Medical kits", campaign_id=w.campaign.id)
    b = give(session, w.coordinator, 1_900_000)
    p = buy(
        session,
        w.coordinator,
        w,
        5_900_000,
        [(a, 4_000_000), (b, 1_900_000)],
        earmark="medical  KITS",
        supplier="Medtech shop",
    )
    session.commit()
    assert p.total_minor == 5_900_000
    assert balance(session, a) == 0 and balance(session, b) == 0
    [lot] = purchase_lots(session, p)
    assert (lot.origin_kind, lot.origin_id, lot.quantity, lot.location_id) == (
        OriginKind.PURCHASE,
        p.id,
        2,
        w.hub.id,
    )
    [entry] = entries(session, "purchase.recorded")
    assert entry["data"]["funding"] == [
        {"donation": a.public_id, "amount_minor": 4_000_000},
        {"donation": b.public_id, "amount_minor": 1_900_000},
    ]
    assert entry["data"]["lines"][0]["lot"] == lot.public_id
    assert "Medtech" not in str(entry)  # the supplier is free text: not in the ledger
    assert lot.entry_index is not None


@pytest.mark.parametrize("case", ["beyond", "pledge", "currency", "earmark", "sum", "twice"])
def test_refused_spending_writes_nothing(session, case) -> None:
    w = world(session)
    d = give(session, w.admin, 1_000, earmark="medical kits")
    other = give(session, w.admin, 500, currency="EUR")
    pledge = give(session, w.admin, 5_000, received=False)
    session.commit()
    before = (_count(session, Purchase), _count(session, Lot), _count(session, LedgerEntry))
    funding = {
        "beyond": [(d, 1_001)],
        "pledge": [(pledge, 1_001)],
        "currency": [(other, 500)],
        "earmark": [(d, 1_000)],
        "sum": [(d, 999)],
        "twice": [(d, 500), (d, 500)],
    }[case]
    price = {"currency": 500, "sum": 1_000, "twice": 1_000}.get(case, funding[0][1])
    earmark = "socks" if case == "earmark" else "Medical kits"
    with pytest.raises(Invalid) as err:
        buy(session, w.admin, w, price, funding, earmark=earmark)
    assert err.value.field == "funding"
    session.rollback()
    assert (_count(session, Purchase), _count(session, Lot), _count(session, LedgerEntry)) == before


def test_unearmarked_money_funds_anything_and_earmarked_needs_a_match(session) -> None:
    w = world(session)
    free = give(session, w.admin, 100)
    buy(session, w.admin, w, 60, [(free, 60)], earmark="anything at all")
    buy(session, w.admin, w, 40, [(free, 40)])
    assert balance(session, free) == 0
    kits = give(session, w.admin, 100, earmark="medical kits")
    with pytest.raises(Invalid):
        buy(session, w.admin, w, 100, [(kits, 100)])  # a purchase without an earmark


def test_balance_counts_purchases_batches_and_money_passed_on(session) -> None:
    w = world(session)
    loc = f.location(session, party_id=w.group.id, region_id=w.group.region_id)
    assert loc
    batch = log_production_batch(
        session,
        w.admin,
        BatchInput(group_id=w.group.id, item_id=w.item.id, quantity=10, made_on=DAY),
    )
    yarn = give(session, w.admin, 1_200_000, earmark="yarn", holder_id=w.group.id)
    fund_batch(session, w.admin, batch.id, yarn.id, 850_000, DAY, earmark="Yarn")
    passed = pass_on_money(session, w.admin, yarn, w.other_group.id, 200_000, DAY)
    assert balance(session, yarn) == 150_000
    assert (passed.passed_from_id, passed.donor_id, passed.holder_id, passed.earmark) == (
        yarn.id,
        w.group.id,
        w.other_group.id,
        "yarn",
    )
    with pytest.raises(Invalid):
        pass_on_money(session, w.admin, yarn, w.other_group.id, 150_001, DAY)
    with pytest.raises(Invalid):
        fund_batch(session, w.admin, batch.id, yarn.id, 150_001, DAY, earmark="yarn")
    with pytest.raises(Invalid):
        fund_batch(session, w.admin, batch.id, yarn.id, 1, DAY)  # earmark does not match
    with pytest.raises(Invalid):
        pass_on_money(session, w.admin, yarn, w.group.id, 1, DAY)  # already holds it
    assert [e["data"]["amount_minor"] for e in entries(session, "batch.funded")] == [850_000]
    [moved] = entries(session, "money.passed_on")
    assert (
        moved["data"]["from"] == yarn.public_id
        and moved["data"]["to_holder"] == w.other_group.public_id
    )


def test_who_may_spend(session) -> None:
    w = world(session)
    d = give(session, w.admin, 1_000)
    with pytest.raises(Forbidden):
        buy(session, w.volunteer, w, 100, [(d, 100)])
    far = f.user(session, f.Role.COORDINATOR)  # another region: the hub is out of sight
    with pytest.raises(NotFound):
        buy(session, far, w, 100, [(d, 100)])
    held = give(session, w.admin, 1_000, holder_id=f.party(session).id)  # a group elsewhere
    with pytest.raises(Invalid):
        buy(session, w.coordinator, w, 100, [(held, 100)])  # not a donation it may see
    with pytest.raises(NotFound):
        receive_money_donation(
            session, far, give(session, w.admin, 5, received=False, holder_id=w.group.id)
        )


def test_purchase_shares_sum_exactly_to_the_total(session) -> None:
    w = world(session)
    ds = [give(session, w.admin, n) for n in (333_333, 333_333, 333_334)]
    p = buy(session, w.admin, w, 1_000_000, [(d, d.amount_minor) for d in ds])
    shares = purchase_shares(session, p)
    assert [(d.id, a) for d, a in shares] == [(d.id, d.amount_minor) for d in ds]
    assert sum(a for _, a in shares) == p.total_minor
    parts = line_shares(p, p.lines[0])
    assert sum(a for _, a in parts) == p.lines[0].price_minor


@fuzz_settings(full=1000, quick=200)  # pure arithmetic: cheap, fresh numbers each run
@given(
    st.integers(0, 10**13),
    st.lists(st.integers(0, 10**12), min_size=1, max_size=20).filter(lambda ws: sum(ws) > 0),
)
def test_split_pro_rata_is_exact_and_fair(total, weights) -> None:
    parts = split_pro_rata(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert total * weight // whole <= part <= total * weight // whole + 1


def test_split_pro_rata_remainder_rule() -> None:
    assert split_pro_rata(100, [1, 1, 1]) == [34, 33, 33]  # ties: the earlier weight
    assert split_pro_rata(10, [1, 2]) == [3, 7]
    with pytest.raises(ValueError):
        split_pro_rata(10, [0, 0])


def test_bad_purchase_input_is_refused(session) -> None:
    w = world(session)
    d = give(session, w.admin, 1_000)
    for price in (-1, 1.5, True, "100", 10**14):
        with pytest.raises(Invalid):
            buy(session, w.admin, w, price, [(d, 100)])
    with pytest.raises(Invalid):
        buy(session, w.admin, w, 0, [(d, 1)])  # nothing priced
    assert _count(session, PurchaseFunding) == 0
