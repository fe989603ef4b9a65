"""Demo money: the Novy Urengoy fair's 59,000 RUB, the medical kits it bought, a pledge not yet
received, and the yarn shop's money that paid for a knitting batch's wool.

Dates are relative to today, so nothing is recorded "in the future".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.catalog.models import Item
from coordination.db import utcnow
from coordination.money.funding import fund_batch
from coordination.money.purchases import (
    FundingInput,
    PurchaseInput,
    PurchaseLineInput,
    purchase_lots,
    record_purchase,
)
from coordination.money.services import MoneyInput, pass_on_money, record_money_donation
from coordination.production.models import ProductionBatch

if TYPE_CHECKING:
    from coordination.demo import World

EARMARK = "medical kits"
# What the fair's stalls handed in, in kopecks: together exactly 59,000.00 RUB.
FAIR_TAKINGS = [  # donor key (None: the fair itself), kopecks, channel, days ago
    (None, 2_345_050, "cash box: cake stall", 24),
    (None, 1_874_950, "cash box: crafts stall", 24),
    (None, 1_180_000, "school lottery", 23),
    ("anonymous", 500_000, "bank transfer", 22),
]
KITS = 20
KIT_PRICE_MINOR = 295_000  # 2,950.00 RUB a kit; 20 kits = 59,000.00 RUB


def add_money(session: Session, world: World) -> None:
    today = utcnow().date()
    fair = world.parties["fair"]
    donations = []
    for donor, amount, channel, days in FAIR_TAKINGS:
        donations.append(
            record_money_donation(
                session,
                None,
                MoneyInput(
                    amount_minor=amount,
                    received_on=today - timedelta(days=days),
                    currency="RUB",
                    donor_id=world.parties[donor].id if donor else fair.id,
                    channel=channel,
                    earmark=EARMARK,
                    received=True,
                    campaign_id=fair.id,
                ),
            )
        )
    world.things["fair-donations"] = donations
    # Promised at the fair but not handed in yet: shown, never counted as raised.
    world.things["fair-pledge"] = record_money_donation(
        session,
        None,
        MoneyInput(
            amount_minor=300_000,
            received_on=today - timedelta(days=21),
            donor_id=fair.id,
            channel="promised by a parents' committee",
            earmark=EARMARK,
            campaign_id=fair.id,
        ),
    )
    kit = session.scalars(select(Item).where(Item.code == "MED-KIT")).one()
    purchase = record_purchase(
        session,
        None,
        PurchaseInput(
            location_id=world.locations["hub-vla"].id,
            bought_on=today - timedelta(days=14),
            currency="RUB",
            earmark=EARMARK,
            supplier="Медтехника, Владимир",
            lines=[PurchaseLineInput(kit.id, KITS, KITS * KIT_PRICE_MINOR)],
            funding=[FundingInput(d.id, d.amount_minor) for d in donations],
        ),
    )
    world.things["fair-purchase"] = purchase
    world.things["med-kit-lots"] = purchase_lots(session, purchase)
    _yarn(session, world)


def _yarn(session: Session, world: World) -> None:
    """12,000 RUB from the yarn shop to the knitting circle; 8,500 paid for the first batch's
    wool and 2,000 went on to the vest makers (the same money, not raised twice)."""
    today = utcnow().date()
    knitting = world.parties["knitting"]
    yarn = record_money_donation(
        session,
        None,
        MoneyInput(
            amount_minor=1_200_000,
            received_on=today - timedelta(days=35),
            donor_id=world.parties["yarn-shop"].id,
            channel="bank transfer",
            earmark="yarn",
            received=True,
            holder_id=knitting.id,
        ),
    )
    batch = session.scalars(
        select(ProductionBatch)
        .where(ProductionBatch.group_id == knitting.id)
        .order_by(ProductionBatch.id)
    ).first()
    if batch is not None:
        world.things["yarn-funding"] = fund_batch(
            session, None, batch.id, yarn.id, 850_000, today - timedelta(days=31), earmark="yarn"
        )
    world.things["yarn-donation"] = yarn
    world.things["yarn-passed-on"] = pass_on_money(
        session, None, yarn, world.parties["vests"].id, 200_000, today - timedelta(days=16)
    )
