"""Totals read per-donation sums grouped, in one pass: the same figures as the per-donation
balance (`balance.used`, a correlated subquery per donation), on a world with money passed
on in chains, purchases drawing on several donations, pledges and three currencies."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from coordination.donations.models import MoneyDonation, MoneyStatus
from coordination.money.balance import used
from coordination.money.services import pass_on_money
from coordination.money.totals import GROUPINGS, money_totals
from coordination.parties.models import Party
from tests.donations.support import buy, give, world

FIGURES = ("raised", "passed_in", "passed_out", "spent", "unspent")


def _independent(session, by, where=None):
    """Each received donation's spent and passed-on from `used`, summed per row here."""
    stmt = select(MoneyDonation).where(MoneyDonation.status == MoneyStatus.RECEIVED)
    if where is not None:
        stmt = stmt.where(where)
    donations = list(session.scalars(stmt))
    figures = used(session, [d.id for d in donations])
    out: dict[tuple[str, object], list[int]] = defaultdict(lambda: [0] * 6)
    for d in donations:
        spent, passed_out = figures[d.id]
        if by in ("campaign", "holder"):
            party_id = getattr(d, f"{by}_id")
            key = session.get(Party, party_id).public_id if party_id else None
        elif by == "month":
            key = d.received_on.strftime("%Y-%m")
        elif by == "currency":
            key = d.currency
        else:
            continue  # earmark keys are checked through their sums below
        row = out[(d.currency, key)]
        passed_in = d.passed_from_id is not None
        row[0] += 0 if passed_in else d.amount_minor
        row[1] += d.amount_minor if passed_in else 0
        row[2] += passed_out
        row[3] += spent
        row[4] += d.amount_minor - spent - passed_out
        row[5] += 1
    if by in ("currency", "campaign"):
        for row in out.values():
            row[1] = row[2] = 0  # passed on within the same key: in and out cancel
    return {k: tuple(v) for k, v in out.items()}


def _grouped(session, by, where=None):
    return {
        (r.currency, r.key): (
            r.raised_minor,
            r.passed_in_minor,
            r.passed_out_minor,
            r.spent_minor,
            r.unspent_minor,
            r.donations,
        )
        for r in money_totals(session, by, where)
    }


def _build(session):
    w = world(session)
    given = []
    for n, currency in enumerate(("RUB", "EUR", "USD") * 4):
        holder = (w.group, w.other_group, None)[n % 3]
        given.append(
            give(
                session,
                w.admin,
                100_000 + 1_111 * n,
                currency=currency,
                campaign_id=w.campaign.id if n % 2 else None,
                holder_id=holder.id if holder else None,
                earmark=("medical kits", "yarn", None)[n % 3],
            )
        )
    give(session, w.admin, 55_555, received=False)  # a pledge counts nowhere
    rub = [d for d in given if d.currency == "RUB"]
    step = pass_on_money(session, w.admin, rub[0], w.other_group.id, 40_000, date(2026, 12, 1))
    pass_on_money(session, w.admin, step, w.group.id, 15_000, date(2026, 12, 2))
    eur = [d for d in given if d.currency == "EUR"]
    pass_on_money(session, w.admin, eur[1], w.group.id, 9_999, date(2026, 12, 3))
    buy(session, w.admin, w, 30_000, [(rub[1], 18_000), (step, 12_000)], earmark="medical kits")
    buy(session, w.admin, w, 5_000, [(eur[0], 5_000)], currency="EUR", earmark="yarn")
    session.commit()
    return w


def test_grouped_totals_match_the_per_donation_balances(session) -> None:
    w = _build(session)
    for by in GROUPINGS:
        mine = _grouped(session, by)
        if by == "earmark":  # keys are normalised labels: compare the sums per currency
            sums: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
            for (currency, _key), row in mine.items():
                sums[currency] = [a + b for a, b in zip(sums[currency], row, strict=True)]
            reference = _independent(session, "currency")
            assert {c: tuple(v) for c, v in sums.items()} == {
                c: v for (c, _k), v in reference.items()
            }
            continue
        assert mine == _independent(session, by), by
    # Narrowed to one holder's money (as a page's scope narrows it), the same agreement.
    only = MoneyDonation.holder_id == w.group.id
    assert _grouped(session, "holder", only) == _independent(session, "holder", only)
    assert _grouped(session, "currency", only) == _independent(session, "currency", only)
