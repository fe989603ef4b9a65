"""Totals to the kopeck: received new money only, pledges never, passed-on money once."""

from __future__ import annotations

from datetime import date

from coordination.money.services import pass_on_money, totals_by_currency
from coordination.money.totals import money_totals
from coordination.parties.models import PartyKind
from tests import factories as f
from tests.donations.support import DAY, buy, give, world


def _rows(session, by):
    return {
        (r.currency, r.key): (
            r.raised_minor,
            r.passed_in_minor,
            r.passed_out_minor,
            r.spent_minor,
            r.unspent_minor,
        )
        for r in money_totals(session, by)
    }


def test_totals_by_every_grouping(session) -> None:
    w = world(session)
    fair = w.campaign
    a = give(session, w.admin, 2_345_051, campaign_id=fair.id, earmark="medical kits")
    b = give(
        session,
        w.admin,
        3_554_949,
        campaign_id=fair.id,
        earmark="Medical Kits",
        holder_id=w.group.id,
    )
    give(session, w.admin, 77_777, campaign_id=fair.id, received=False)  # a pledge
    give(session, w.admin, 10_001, currency="EUR")
    buy(session, w.admin, w, 2_000_000, [(a, 2_000_000)], earmark="medical kits")
    passed = pass_on_money(session, w.admin, b, w.other_group.id, 1_000_000, date(2026, 11, 20))
    buy(session, w.admin, w, 999_999, [(passed, 999_999)], earmark="medical kits")
    assert totals_by_currency(session) == {"EUR": 10_001, "RUB": 5_900_000}
    assert _rows(session, "currency") == {
        ("EUR", "EUR"): (10_001, 0, 0, 0, 10_001),
        ("RUB", "RUB"): (5_900_000, 0, 0, 2_999_999, 2_900_001),
    }
    assert _rows(session, "campaign") == {
        ("EUR", None): (10_001, 0, 0, 0, 10_001),
        ("RUB", fair.public_id): (5_900_000, 0, 0, 2_999_999, 2_900_001),
    }
    assert _rows(session, "earmark")[("RUB", "medical kits")] == (
        5_900_000,
        0,
        0,
        2_999_999,
        2_900_001,
    )
    assert _rows(session, "holder") == {
        ("EUR", None): (10_001, 0, 0, 0, 10_001),
        ("RUB", None): (2_345_051, 0, 0, 2_000_000, 345_051),
        ("RUB", w.group.public_id): (3_554_949, 0, 1_000_000, 0, 2_554_949),
        ("RUB", w.other_group.public_id): (0, 1_000_000, 0, 999_999, 1),
    }
    months = _rows(session, "month")
    assert months[("RUB", DAY.strftime("%Y-%m"))][:3] == (5_900_000, 1_000_000, 1_000_000)
    for by in ("currency", "campaign", "holder", "earmark", "month"):
        for raised, p_in, p_out, spent, unspent in _rows(session, by).values():
            assert raised + p_in - p_out == spent + unspent, by


def test_a_group_that_passes_money_on_is_not_credited_twice(session) -> None:
    w = world(session)
    third = f.party(session, PartyKind.GROUP, region_id=w.group.region_id)
    d = give(session, w.admin, 500_00, holder_id=w.group.id)
    step = pass_on_money(session, w.admin, d, w.other_group.id, 300_00, DAY)
    pass_on_money(session, w.admin, step, third.id, 100_00, DAY)
    raised = sum(r.raised_minor for r in money_totals(session, "holder"))
    assert raised == 500_00 == totals_by_currency(session)["RUB"]
