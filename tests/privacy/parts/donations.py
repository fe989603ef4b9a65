"""Canary coverage of the money services: purchases, materials funding, passing money on."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from coordination.accounts.models import User
from coordination.catalog.models import Item
from coordination.donations import access
from coordination.money import amounts, balance, funding, purchases, queries
from coordination.money import services as money
from coordination.money import totals as money_totals
from coordination.parties.models import PartyKind
from coordination.production.services import BatchInput, log_production_batch
from tests import factories as f

CLASSIFIED = {
    money: ({"pass_on_money"}, {"new_receipt_code", "require_recorder", "check_holder"}),
    purchases: (
        {"record_purchase"},
        {
            "valid_id",
            "check_price",
            "check_spending",
            "purchase_lots",
            "purchase_shares",
            "split_pro_rata",
            "line_shares",
        },
    ),
    funding: ({"fund_batch"}, set()),
    money_totals: (set(), {"money_totals"}),
    balance: (set(), {"spent_expr", "passed_on_expr", "used", "balance", "lock_donations"}),
    amounts: (
        set(),
        {
            "digits",
            "check_currency",
            "check_amount",
            "parse_major",
            "major",
            "format_amount",
            "clean_text",
            "earmark_key",
            "earmark_commitment",
            "commit_earmark",
        },
    ),
    access: (
        set(),
        {
            "donation_clause",
            "can_see_donation",
            "visible_donation",
            "totals_scope",
            "purchase_clause",
            "visible_purchase",
        },
    ),
    queries: (set(), {"money_list", "where_spent"}),
}

CHANNEL = "card of Канарейкина +7 901 555-73-19"
SUPPLIER = "ИП Канарейкина Аглая Петровна, ул. Канареечная"


# Free text a coordinator might type: it must stay out of the ledger (a commitment goes in).
EARMARK = "socks for Канарейкина, в/ч 99137"


def exercise(session: Any, admin: User, made: dict[str, Any]) -> None:
    day = date(2026, 11, 4)
    group = made["group"]
    hub = f.location(session, region_id=group.region_id)
    f.location(session, party_id=group.id, region_id=group.region_id)
    other = f.party(session, PartyKind.GROUP, region_id=group.region_id)
    socks = session.scalar(select(Item).where(Item.code == "WOOL-SOCKS"))
    donation = money.record_money_donation(
        session,
        admin,
        money.MoneyInput(
            amount_minor=1_000_00,
            received_on=day,
            donor_id=made["donor"].id,
            channel=CHANNEL,
            earmark=EARMARK,
            received=True,
            holder_id=group.id,
        ),
    )
    passed = money.pass_on_money(session, admin, donation, other.id, 200_00, day)
    purchases.record_purchase(
        session,
        admin,
        purchases.PurchaseInput(
            location_id=hub.id,
            bought_on=day,
            earmark=EARMARK,
            supplier=SUPPLIER,
            lines=[purchases.PurchaseLineInput(socks.id, 5, 300_00, "42-44")],
            funding=[
                purchases.FundingInput(donation.id, 100_00),
                purchases.FundingInput(passed.id, 200_00),
            ],
        ),
    )
    batch = log_production_batch(
        session,
        admin,
        BatchInput(
            group_id=group.id,
            item_id=socks.id,
            quantity=3,
            made_on=day,
            members="canary-volunteer-Zhukova, +7 902 444-18-66",
        ),
    )
    funding.fund_batch(session, admin, batch.id, donation.id, 100_00, day, earmark=EARMARK)
    made["money_donation"] = donation
