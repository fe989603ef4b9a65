"""/api/v1/money: purchases made with money donations, materials funding of batches, totals."""

from __future__ import annotations

from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.api.money import TAG, _by_public_id, _item_id, _party_id
from coordination.db import db
from coordination.donations.access import (
    MONEY_READERS,
    RECORDERS,
    TOTALS_READERS,
    purchase_clause,
    totals_scope,
    visible_purchase,
)
from coordination.donations.models import MoneyDonation, Purchase
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_
from coordination.money import funding, purchases
from coordination.money.balance import balance
from coordination.money.schemas import (
    BatchFundingIn,
    BatchFundingOut,
    InKindQuery,
    PurchaseIn,
    PurchaseOut,
    TotalOut,
    TotalsOut,
    TotalsQuery,
)
from coordination.money.totals import money_totals
from coordination.parties.models import Location
from coordination.production.models import ProductionBatch

# These endpoints were part of api/money.py; their names (api.money_*) stay as they were.
ENDPOINT_PREFIX = "money"


def purchase_out(p: Purchase) -> PurchaseOut:
    return PurchaseOut.model_validate(
        {
            "id": p.id,
            "public_id": p.public_id,
            "location": p.location.public_id,
            "bought_on": p.bought_on,
            "currency": p.currency,
            "total_minor": p.total_minor,
            "earmark": p.earmark,
            "supplier": p.supplier,
            "lines": [
                {
                    "item": li.item.code,
                    "size": li.size,
                    "quantity": li.quantity,
                    "price_minor": li.price_minor,
                }
                for li in p.lines
            ],
            "funding": [
                {"donation": f.donation.public_id, "amount_minor": f.amount_minor}
                for f in p.funding
            ],
            "lots": [lot.public_id for lot in purchases.purchase_lots(db.session, p)],
        }
    )


@endpoint(
    bp,
    "/money/purchases",
    "GET",
    "Purchases paid by donations you may see",
    query=InKindQuery,
    response=Page[PurchaseOut],
    roles=MONEY_READERS,
    tag=TAG,
)
def list_purchases(query: InKindQuery) -> Page[PurchaseOut]:
    stmt = (
        select(Purchase)
        .where(purchase_clause(api_user()))
        .order_by(Purchase.bought_on.desc(), Purchase.id.desc())
    )
    return paginate(db.session, stmt, query, purchase_out)


@endpoint(
    bp,
    "/money/purchases/{purchase_id}",
    "GET",
    "One purchase: lines, lots, funding",
    response=PurchaseOut,
    roles=MONEY_READERS,
    tag=TAG,
)
def get_purchase(purchase_id: int) -> PurchaseOut:
    return purchase_out(visible_purchase(db.session, api_user(), purchase_id))


@endpoint(
    bp,
    "/money/purchases",
    "POST",
    "Record a purchase paid from received donations; its lines become lots",
    body=PurchaseIn,
    response=PurchaseOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def create_purchase(body: PurchaseIn) -> PurchaseOut:
    location = _by_public_id(Location, body.location, "location", N_("Choose a location."))
    paid = []
    for n, row in enumerate(body.funding):
        donation = _by_public_id(
            MoneyDonation, row.donation, f"funding-{n}", N_("Choose donations from the list.")
        )
        paid.append(purchases.FundingInput(donation.id, row.amount_minor))
    purchase = purchases.record_purchase(
        db.session,
        api_user(),
        purchases.PurchaseInput(
            location_id=location.id,
            bought_on=body.bought_on,
            currency=body.currency,
            earmark=body.earmark,
            supplier=body.supplier,
            buyer_id=_party_id(body.buyer, "buyer"),
            lines=[
                purchases.PurchaseLineInput(
                    _item_id(li.item, f"lines-{n}-item"), li.quantity, li.price_minor, li.size
                )
                for n, li in enumerate(body.lines)
            ],
            funding=paid,
        ),
    )
    db.session.commit()
    return purchase_out(purchase)


@endpoint(
    bp,
    "/money/batch-funding",
    "POST",
    "Pay a production batch's materials from a donation",
    body=BatchFundingIn,
    response=BatchFundingOut,
    status=201,
    roles=RECORDERS,
    tag=TAG,
)
def fund_batch(body: BatchFundingIn) -> BatchFundingOut:
    batch = _by_public_id(ProductionBatch, body.batch, "batch", N_("Choose a production batch."))
    donation = _by_public_id(
        MoneyDonation, body.donation, "donation", N_("Choose donations from the list.")
    )
    row = funding.fund_batch(
        db.session, api_user(), batch.id, donation.id, body.amount_minor, body.on, body.earmark
    )
    db.session.commit()
    return BatchFundingOut(
        batch=batch.public_id,
        donation=donation.public_id,
        amount_minor=row.amount_minor,
        currency=donation.currency,
        earmark=row.earmark,
        balance_minor=balance(db.session, donation),
    )


@endpoint(
    bp,
    "/money/totals",
    "GET",
    "Received money per currency by campaign, holder group, earmark or month: raised "
    "(new money only), passed in/out, spent, unspent",
    query=TotalsQuery,
    response=TotalsOut,
    roles=TOTALS_READERS,
    tag=TAG,
)
def totals(query: TotalsQuery) -> TotalsOut:
    rows = money_totals(db.session, query.by, totals_scope(api_user()))
    return TotalsOut(
        by=query.by, rows=[TotalOut.model_validate(r, from_attributes=True) for r in rows]
    )
